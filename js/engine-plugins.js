"use strict";
/**
 * The plugins the Rust engine serves, read once from the binding (`src/plugins/mod.rs`'s
 * registry): their ids and the JS callbacks each may call. The JS layer learns about a plugin
 * from there, not from a list of its own.
 */
const { loadBinding } = require("./binding-loader.js");

/** Plugins served by the JS layer alone (js/next-cookies.js). */
const JS_ONLY_PLUGINS = ["next-cookies"];

let manifest;

/** `[{ id, callbacks: [[name, optionPath], ...] }]` for each engine plugin, in registration order. */
function enginePlugins() {
  if (!manifest) manifest = JSON.parse(loadBinding().pluginManifest());
  return manifest;
}

/** Every served plugin id: the engine's, then the JS-only ones. */
function servedPluginIds() {
  return [...enginePlugins().map((p) => p.id), ...JS_ONLY_PLUGINS];
}

/**
 * The JS callbacks the listed plugins hand to the engine: Map(name → function), for each
 * function the app set at a path an engine plugin declares (`jwt.definePayload`, ...).
 */
function pluginCallbacks(plugins) {
  const fns = new Map();
  if (!Array.isArray(plugins) || plugins.length === 0) return fns;
  const declared = new Map(enginePlugins().map((p) => [p.id, p.callbacks]));
  for (const p of plugins) {
    const callbacks = p && declared.get(p.id);
    if (!callbacks) continue;
    for (const [name, path] of callbacks) {
      // `config.*.getUserInfo`: one callback per array element, named with its index
      // (`generic-oauth.config.0.getUserInfo`)
      const star = path.indexOf(".*.");
      if (star > 0) {
        const list = path.slice(0, star).split(".").reduce((o, k) => (o == null ? undefined : o[k]), p.options);
        const rest = path.slice(star + 3).split(".");
        if (!Array.isArray(list)) continue;
        list.forEach((item, i) => {
          const fn = rest.reduce((o, k) => (o == null ? undefined : o[k]), item);
          if (typeof fn === "function") fns.set(name.replace("*", String(i)), fn);
        });
        continue;
      }
      const fn = path.split(".").reduce((o, k) => (o == null ? undefined : o[k]), p.options);
      if (typeof fn === "function") fns.set(name, fn);
    }
  }
  return fns;
}

module.exports = { enginePlugins, servedPluginIds, pluginCallbacks, JS_ONLY_PLUGINS };
