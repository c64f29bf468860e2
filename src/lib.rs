//! better-auth-rs: the core of Better Auth (email + password sessions) as a Rust engine.
//!
//! The engine knows nothing about Node: `src/napi/` (behind the `napi` feature) is the only
//! module that imports napi. Everything else can be built and tested with
//! `cargo test --no-default-features`.
#![recursion_limit = "256"]
#![deny(unsafe_op_in_unsafe_fn)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod callbacks;
pub mod clock;
pub mod config;
pub mod context;
pub mod cookie_cache;
pub mod cookies;
pub mod crypto;
pub mod endpoints;
pub mod error;
pub mod http;
pub mod ip;
pub mod json;
pub mod log;
pub mod jwt;
pub mod oauth;
pub mod origin;
pub mod plugins;
pub mod rate_limit;
pub mod router;
pub mod session;
pub mod store;
pub mod time;

#[cfg(feature = "napi")]
mod napi;

pub use config::AuthConfig;
/// The `bearer()` plugin (`src/plugins/bearer/`), also at the crate root.
pub use plugins::bearer;
pub use context::AuthContext;
pub use error::AuthError;
