//! Better Auth's `jwt()` plugin: `GET /token`, `GET /jwks`, server-only `auth.api.signJWT` /
//! `verifyJWT`, the `set-auth-jwt` header on `GET /get-session`, and the `jwks` table.
//!
//! - [`options`]: the plugin's options (also the top-level `jwt` option, HS256 shared secret).
//! - [`schema`]: the `jwks` table (only when tokens are signed with key pairs).
//! - [`keys`]: key rows on that table; signing and verifying tokens with them.
//! - [`endpoints`]: the endpoints and the `set-auth-jwt` hook.
//!
//! The JOSE primitives (algorithms, key pairs and JWK encodings, JWS sign/verify) stay shared
//! code in [`crate::jwt`]: they know nothing of options or tables, carry the byte-level tests
//! against Better Auth's vectors, and later plugins that sign tokens can use them.
use super::{Descriptor, EndpointFuture, Plugin, PluginEndpoint};
use crate::config::ConfigError;
use crate::endpoints::{Call, Output};
use crate::error::AuthResult;
use crate::store::schema::Schema;
use serde_json::Value;
use std::sync::Arc;

pub mod endpoints;
pub mod keys;
pub mod options;
pub mod schema;

pub use options::{JwtConfig, parse_duration};

/// The registration (see `src/plugins/mod.rs`).
pub static PLUGIN: Descriptor = Descriptor {
    id: "jwt",
    parse,
    endpoints: &[
        PluginEndpoint { plugin: "jwt", api_name: "getToken", path: "/token", methods: &["GET"], form: false, require_headers: true, handler: token },
        PluginEndpoint { plugin: "jwt", api_name: "getJwks", path: JWKS_PATH, methods: &["GET"], form: false, require_headers: false, handler: jwks },
        PluginEndpoint { plugin: "jwt", api_name: "signJWT", path: "", methods: &["POST"], form: false, require_headers: false, handler: sign_jwt },
        PluginEndpoint { plugin: "jwt", api_name: "verifyJWT", path: "", methods: &["POST"], form: false, require_headers: false, handler: verify_jwt },
    ],
    callbacks: &[("jwt.definePayload", "jwt.definePayload"), ("jwt.getSubject", "jwt.getSubject")],
};

const JWKS_PATH: &str = "/jwks";

fn token<'c>(call: &'c mut Call<'_>) -> EndpointFuture<'c> {
    Box::pin(async move { endpoints::token(call).await.map(Output::Json) })
}
fn jwks<'c>(call: &'c mut Call<'_>) -> EndpointFuture<'c> {
    Box::pin(async move { endpoints::jwks(call).await.map(Output::Json) })
}
fn sign_jwt<'c>(call: &'c mut Call<'_>) -> EndpointFuture<'c> {
    Box::pin(async move { endpoints::sign_jwt(call).await.map(Output::Json) })
}
fn verify_jwt<'c>(call: &'c mut Call<'_>) -> EndpointFuture<'c> {
    Box::pin(async move { endpoints::verify_jwt(call).await.map(Output::Json) })
}

/// The plugin as one instance uses it.
#[derive(Debug)]
pub struct JwtPlugin {
    /// Resolved options.
    pub config: JwtConfig,
    /// `schema.jwks` (`{ modelName, fields }`), when given.
    pub jwks_mapping: Option<Value>,
}

fn parse(listed: Option<&Value>, all: &Value) -> Result<Option<Arc<dyn Plugin>>, ConfigError> {
    let mut opts = listed.cloned();
    // the top-level `jwt` option (HS256 shared-secret mode) wins over a listed plugin
    if let Some(j) = all.get("jwt").filter(|v| !v.is_null()) {
        if !j.is_object() {
            return Err(crate::config::bad("jwt", "an object", j));
        }
        opts = Some(j.clone());
    }
    let Some(o) = opts else { return Ok(None) };
    let config = JwtConfig::from_options(&o)?;
    let jwks_mapping = o.get("schema").and_then(|s| s.get("jwks")).cloned();
    Ok(Some(Arc::new(JwtPlugin { config, jwks_mapping })))
}

#[async_trait::async_trait]
impl Plugin for JwtPlugin {
    fn id(&self) -> &'static str {
        PLUGIN.id
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }

    fn extend_schema(&self, schema: &mut Schema) -> Result<(), ConfigError> {
        if self.config.uses_keys() {
            let model = schema::jwks_model(schema, self.jwks_mapping.as_ref())?;
            schema.add_plugin_table(model);
        }
        Ok(())
    }

    fn serves(&self, endpoint: &PluginEndpoint) -> bool {
        // HS256 mode has no public keys to serve
        endpoint.path != JWKS_PATH || self.config.uses_keys()
    }

    async fn after_get_session(&self, call: &mut Call<'_>, body: &Value) -> AuthResult<()> {
        // a broken jwks table must not take every session check down with it: the session is
        // answered without `set-auth-jwt` (the cause is logged)
        // boxed: the token future nests deep enough to exceed the compiler's layout query depth
        if let Err(e) = Box::pin(endpoints::set_header(call, &self.config, body)).await {
            if e.is_unavailable() {
                return Err(e);
            }
            keys::log_header_skipped(&e);
        }
        Ok(())
    }
}
