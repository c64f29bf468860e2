"use strict";
/**
 * Better Auth's `logger` option for the messages printed in JS (start-up warnings): `disabled`,
 * `level` (default "warn"; debug < info < success < warn < error; an unknown level publishes
 * everything) and `log(level, message)` ("success" is passed as "info"). Without `log`, messages
 * go to console.error / console.warn / console.log by level. The engine's own messages follow the
 * same options in Rust (src/log.rs), calling the same `log` function.
 */
const LEVELS = ["debug", "info", "success", "warn", "error"];

function createLogger(options) {
  const opts = options && typeof options.logger === "object" && options.logger !== null ? options.logger : {};
  const enabled = opts.disabled !== true;
  const min = LEVELS.indexOf(opts.level ?? "warn");
  const publish = (level, message) => {
    if (!enabled || LEVELS.indexOf(level) < min) return;
    if (typeof opts.log === "function") {
      try {
        opts.log(level === "success" ? "info" : level, message);
      } catch {}
      return;
    }
    if (level === "error") console.error(message);
    else if (level === "warn") console.warn(message);
    else console.log(message);
  };
  return Object.fromEntries(LEVELS.map((l) => [l, (message) => publish(l, message)]));
}

module.exports = { createLogger, LEVELS };
