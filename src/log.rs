//! Logging as Better Auth's `logger` option defines it: `disabled`, `level` (default `"warn"`;
//! `debug` < `info` < `success` < `warn` < `error`) and `log(level, message, ...args)`.
//!
//! Each request runs with its instance's [`Logger`] as the task's current logger (Better Auth
//! reads its logger from the endpoint context the same way), so code deep in the engine logs with
//! [`warn`] / [`error`] without carrying the context. Outside a request (start-up, background
//! tasks) the default logger prints to stderr.
use crate::callbacks::JsCallbacks;
use std::sync::Arc;

/// A log level, in Better Auth's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// `debug`
    Debug,
    /// `info`
    Info,
    /// `success` (given to a `log` function as `info`, as Better Auth does)
    Success,
    /// `warn`
    Warn,
    /// `error`
    Error,
}

impl Level {
    /// Parses Better Auth's level names.
    pub fn parse(s: &str) -> Option<Level> {
        Some(match s {
            "debug" => Level::Debug,
            "info" => Level::Info,
            "success" => Level::Success,
            "warn" => Level::Warn,
            "error" => Level::Error,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Success => "success",
            Level::Warn => "warn",
            Level::Error => "error",
        }
    }
}

/// The `logger` option of one instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoggerConfig {
    /// `!disabled`
    pub enabled: bool,
    /// `level` (`warn`)
    pub level: Level,
}

impl Default for LoggerConfig {
    fn default() -> Self {
        LoggerConfig { enabled: true, level: Level::Warn }
    }
}

/// One instance's logger: its options and, when the app gave `logger.log`, the bridge to it.
#[derive(Clone, Default)]
pub struct Logger {
    config: LoggerConfig,
    sink: Option<Arc<dyn JsCallbacks>>,
}

/// The JS callback that is the app's `logger.log`.
pub const LOG_CALLBACK: &str = "logger.log";

impl Logger {
    /// A logger with these options, calling `sink` (the app's `logger.log`) when given.
    pub fn new(config: LoggerConfig, sink: Option<Arc<dyn JsCallbacks>>) -> Self {
        Logger { config, sink }
    }

    /// True when a message at `level` is published.
    pub fn enabled(&self, level: Level) -> bool {
        self.config.enabled && level >= self.config.level
    }

    /// Publishes `message` at `level`: through the app's `log` function (not awaited; a
    /// failing `log` is ignored, as a throwing console would be) or to stderr.
    pub fn log(&self, level: Level, message: &str) {
        if !self.enabled(level) {
            return;
        }
        let shown = if level == Level::Success { Level::Info } else { level };
        if let Some(sink) = &self.sink
            && let Ok(rt) = tokio::runtime::Handle::try_current()
        {
            let sink = sink.clone();
            let args = serde_json::json!([shown.name(), message]);
            rt.spawn(async move {
                let _ = sink.call(LOG_CALLBACK, args).await;
            });
            return;
        }
        eprintln!("{} {} [better-auth-rs]: {message}", crate::time::to_iso(chrono::Utc::now().timestamp_millis()), level.name().to_ascii_uppercase());
    }
}

tokio::task_local! {
    static CURRENT: Logger;
}

/// Runs `fut` with `logger` as the current logger.
pub async fn scope<F: std::future::Future>(logger: Logger, fut: F) -> F::Output {
    CURRENT.scope(logger, fut).await
}

/// Logs through the current request's logger (the default logger outside a request).
pub fn log(level: Level, message: &str) {
    if CURRENT.try_with(|l| l.log(level, message)).is_err() {
        Logger::default().log(level, message);
    }
}

/// [`log`] at `error`.
pub fn error(message: &str) {
    log(Level::Error, message);
}

/// [`log`] at `warn`.
pub fn warn(message: &str) {
    log(Level::Warn, message);
}

/// [`log`] at `info`.
pub fn info(message: &str) {
    log(Level::Info, message);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_filter_as_better_auth() {
        let l = Logger::new(LoggerConfig { enabled: true, level: Level::Warn }, None);
        assert!(!l.enabled(Level::Info) && !l.enabled(Level::Success) && l.enabled(Level::Warn) && l.enabled(Level::Error));
        let off = Logger::new(LoggerConfig { enabled: false, level: Level::Debug }, None);
        assert!(!off.enabled(Level::Error));
        assert_eq!(Level::parse("success"), Some(Level::Success));
        assert_eq!(Level::parse("verbose"), None);
    }
}
