//! `POST /sign-in/magic-link` and `GET /magic-link/verify`, in Better Auth's order of checks:
//! the body/query schema, the origin checks (`formCsrfMiddleware`; three `originCheck`s on the
//! verify URLs), then the endpoint. Verify errors are 302 redirects to `errorCallbackURL` with
//! `?error=<code>`, except the ones Better Auth throws as JSON (a banned user's 403, a failing
//! database).
use super::{GENERATE, MagicLinkPlugin, SEND};
use crate::endpoints::start_session;
use crate::endpoints::users::{self, Created};
use crate::endpoints::verification;
use crate::endpoints::{Call, Issues, Output, check_callback_url, is_valid_email};
use crate::error::{AuthError, AuthResult, ErrorBody};
use crate::json::{session_json, user_json, zod_type_name};
use crate::origin;
use crate::store::User;
use serde_json::{Map, Value, json};
use url::Url;

fn plugin<'a>(call: &Call<'a>) -> AuthResult<&'a MagicLinkPlugin> {
    call.ctx.config.plugins.get::<MagicLinkPlugin>().ok_or_else(|| AuthError::empty("NOT_FOUND"))
}

/// The verification identifier of a stored token.
fn identifier(stored: &str) -> String {
    format!("magic-link:{stored}")
}

fn opt_string(m: &Map<String, Value>, key: &str, issues: &mut Issues) -> Option<String> {
    match m.get(key) {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        other => {
            issues.expected(key, "string", other);
            None
        }
    }
}

/// `URLSearchParams.set(key, value)` on `u`: replaces the first `key` (dropping the others) or
/// appends it; the whole query is re-serialized as `application/x-www-form-urlencoded`.
pub(crate) fn set_param(u: &mut Url, key: &str, value: &str) {
    let mut pairs: Vec<(String, String)> = u.query_pairs().into_owned().collect();
    match pairs.iter().position(|(k, _)| k == key) {
        Some(i) => {
            pairs[i].1 = value.to_string();
            let mut seen = false;
            pairs.retain(|(k, _)| {
                if k != key {
                    return true;
                }
                let keep = !seen;
                seen = true;
                keep
            });
        }
        None => pairs.push((key.to_string(), value.to_string())),
    }
    u.query_pairs_mut().clear().extend_pairs(pairs);
}

/// `new URL(input, base)`; a URL JavaScript could not parse is a server error there too.
fn resolve(base: &str, input: &str) -> AuthResult<Url> {
    Url::parse(base).and_then(|b| b.join(input)).map_err(|_| AuthError::internal(format!("magic link: invalid URL {input:?}")))
}

/// `POST /sign-in/magic-link` `{ email, name?, callbackURL?, newUserCallbackURL?,
/// errorCallbackURL?, metadata? }` → `{ status: true }` whether or not the email has an account.
pub async fn sign_in_magic_link(call: &mut Call<'_>) -> AuthResult<Value> {
    let mut issues = Issues::default();
    let m = crate::endpoints::body_object(call.body.as_ref(), &mut issues);
    let mut fields = (None, None, None, None, None, None);
    if let Some(m) = m {
        fields.0 = crate::endpoints::req_email(m, "email", &mut issues);
        fields.1 = opt_string(m, "name", &mut issues);
        fields.2 = opt_string(m, "callbackURL", &mut issues);
        fields.3 = opt_string(m, "newUserCallbackURL", &mut issues);
        fields.4 = opt_string(m, "errorCallbackURL", &mut issues);
        fields.5 = match m.get("metadata") {
            None => None,
            Some(Value::Object(o)) => Some(Value::Object(o.clone())),
            other => {
                issues.expected("metadata", "record", other);
                None
            }
        };
    }
    issues.finish()?;
    let (Some(email), name, callback, new_user_callback, error_callback, metadata) = fields else {
        return Err(AuthError::validation("[body] Invalid input"));
    };
    if call.has_request {
        origin::form_csrf(call.request_headers, &call.trusted_origins(), call.check_settings())?;
    }
    let p = plugin(call)?;
    let ctx = call.ctx;
    let token = if ctx.callbacks.has(GENERATE) {
        match ctx.callbacks.call(GENERATE, json!([email])).await? {
            Some(v) => super::js_string(&v).ok_or_else(|| AuthError::internal("magicLink generateToken must return a string"))?,
            None => return Err(AuthError::internal("magicLink generateToken returned nothing")),
        }
    } else {
        crate::crypto::random::random_string(32, b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    };
    let stored = p.stored_token(call, &token).await?;
    // `JSON.stringify({ type, email, name })`: `name` left out when not given
    let mut record = Map::new();
    record.insert("type".into(), Value::from("magic-link"));
    record.insert("email".into(), Value::String(email.clone()));
    if let Some(n) = &name {
        record.insert("name".into(), Value::String(n.clone()));
    }
    let value = serde_json::to_string(&Value::Object(record)).map_err(|e| AuthError::internal(e.to_string()))?;
    verification::create(call, &identifier(&stored), &value, ctx.now() + p.expires_in_ms).await?;
    let mut url = Url::parse(&format!("{}/magic-link/verify", call.base_url())).map_err(|e| AuthError::internal(format!("magic link: base URL: {e}")))?;
    set_param(&mut url, "token", &token);
    set_param(&mut url, "callbackURL", callback.as_deref().filter(|c| !c.is_empty()).unwrap_or("/"));
    if let Some(u) = new_user_callback.as_deref().filter(|c| !c.is_empty()) {
        set_param(&mut url, "newUserCallbackURL", u);
    }
    if let Some(u) = error_callback.as_deref().filter(|c| !c.is_empty()) {
        set_param(&mut url, "errorCallbackURL", u);
    }
    if !ctx.callbacks.has(SEND) {
        // Better Auth calls `options.sendMagicLink` unconditionally: a TypeError, a 500
        return Err(AuthError::internal("magicLink: sendMagicLink is not a function"));
    }
    let data = json!({
        "email": email,
        "url": url.as_str(),
        "token": token,
        "metadata": metadata.unwrap_or_else(|| json!({ "__undefined": true })),
    });
    // awaited: a throw is the answer (an APIError keeps its status, anything else is a 500)
    ctx.callbacks.call(SEND, json!([data, crate::endpoints::db_hooks::ctx_arg(call)])).await?;
    Ok(json!({ "status": true }))
}

/// A query value `z.string()` accepts (HTTP gives strings, `auth.api` anything).
fn query_string(call: &Call<'_>, key: &str, required: bool, issues: &mut Vec<String>) -> Option<String> {
    match call.query.get(key) {
        Some(Value::String(s)) => Some(s.clone()),
        None if !required => None,
        other => {
            issues.push(format!("[query.{key}] Invalid input: expected string, received {}", zod_type_name(other)));
            None
        }
    }
}

/// The record a token row holds: `{ type: "magic-link", email, name? }` and nothing else.
fn parse_record(value: &str) -> Option<(String, Option<String>)> {
    let Ok(Value::Object(m)) = serde_json::from_str::<Value>(value) else { return None };
    if m.keys().any(|k| !matches!(k.as_str(), "type" | "email" | "name")) {
        return None;
    }
    if m.get("type").and_then(Value::as_str) != Some("magic-link") {
        return None;
    }
    let email = m.get("email").and_then(Value::as_str).filter(|e| is_valid_email(e))?.to_string();
    let name = match m.get("name") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return None,
    };
    Some((email, name))
}

/// `GET /magic-link/verify?token=&callbackURL=&newUserCallbackURL=&errorCallbackURL=`.
pub async fn magic_link_verify(call: &mut Call<'_>) -> AuthResult<Output> {
    let mut issues = Vec::new();
    let token = query_string(call, "token", true, &mut issues);
    let callback = query_string(call, "callbackURL", false, &mut issues);
    let error_callback = query_string(call, "errorCallbackURL", false, &mut issues);
    let new_user_callback = query_string(call, "newUserCallbackURL", false, &mut issues);
    if !issues.is_empty() {
        return Err(AuthError::validation(issues.join("; ")));
    }
    let Some(token) = token else { return Err(AuthError::validation("[query] Invalid input")) };
    let nonempty = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
    let (callback, error_callback, new_user_callback) = (nonempty(&callback), nonempty(&error_callback), nonempty(&new_user_callback));
    // three `originCheck`s, each on its URL or "/"
    for u in [&callback, &new_user_callback, &error_callback] {
        check_callback_url(call, u.as_deref().unwrap_or("/"))?;
    }
    let p = plugin(call)?;
    let base = call.base_url();
    let callback_url = resolve(&base, callback.as_deref().unwrap_or("/"))?.to_string();
    let mut error_url = resolve(&base, error_callback.as_deref().unwrap_or(&callback_url))?;
    let new_user_url = resolve(&base, new_user_callback.as_deref().unwrap_or(&callback_url))?.to_string();
    let mut fail = |code: &str, description: Option<&str>| -> AuthResult<Output> {
        set_param(&mut error_url, "error", code);
        if let Some(d) = description.filter(|d| !d.is_empty()) {
            set_param(&mut error_url, "error_description", d);
        }
        Ok(Output::Redirect(error_url.to_string()))
    };

    let id = identifier(&p.stored_token(call, &token).await?);
    match verification::find(call, &id).await? {
        Some(v) if parse_record(&v.value).is_some() => {}
        _ => return fail("INVALID_TOKEN", None),
    }
    let Some(row) = verification::consume(call, &id).await? else { return fail("INVALID_TOKEN", None) };
    let Some((email, name)) = parse_record(&row.value) else { return fail("INVALID_TOKEN", None) };

    let ctx = call.ctx;
    let store = ctx.store().await?;
    let mut is_new = false;
    let mut user = match store.find_user_by_email(&email.to_lowercase()).await? {
        Some(u) => u,
        None if p.disable_sign_up => return fail("new_user_signup_disabled", None),
        None => {
            let now = ctx.now();
            let mut u = User {
                id: ctx.generate_id("user").await?,
                name: name.unwrap_or_default(),
                email: email.to_lowercase(),
                email_verified: true,
                image: None,
                created_at: now,
                updated_at: now,
                extra: crate::endpoints::fields::parse_input(&ctx.config.schema.user, &Map::new(), true)?,
            };
            let created = match users::validate_user_info(call, &u, "magic-link").await {
                Ok(()) => users::create(call, &mut u, None).await,
                Err(e) => Err(e),
            };
            match created {
                Ok(Created::Done) => {}
                Ok(Created::Cancelled) => return fail("failed_to_create_user", None),
                // a concurrent sign-up took the email between the lookup and the insert: Better
                // Auth's insert fails on the unique index, a server error
                Ok(Created::EmailTaken) => return Err(AuthError::internal("magic link: the email was taken while creating the user")),
                Err(AuthError::Api(e)) => {
                    if let ErrorBody::CodeMessage { code, message } = &e.body
                        && !code.is_empty()
                    {
                        let (code, message) = (code.clone(), message.clone());
                        return fail(&code, Some(&message));
                    }
                    return Err(AuthError::Api(e));
                }
                Err(e) => return Err(e),
            }
            is_new = true;
            u
        }
    };
    if !user.email_verified {
        match users::revoke_unproven_account_access(call, &user.id).await? {
            Some(u) => user = u,
            None => return fail("user_not_found", None),
        }
    }
    let session = match start_session::start(call, &user, false, "INTERNAL_SERVER_ERROR").await {
        Ok(s) => s,
        Err(e) if e.code() == Some("FAILED_TO_CREATE_SESSION") => return fail("failed_to_create_session", None),
        Err(e) => return Err(e),
    };
    start_session::finish(call, &session, &user, None).await?;
    if callback.is_none() {
        let schema = &ctx.config.schema;
        return Ok(Output::Json(json!({
            "token": session.token,
            "user": user_json(&user, &schema.user),
            "session": session_json(&session, &schema.session),
        })));
    }
    Ok(Output::Redirect(if is_new { new_user_url } else { callback_url }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_parsed_strictly() {
        assert_eq!(parse_record(r#"{"type":"magic-link","email":"A@x.com"}"#), Some(("A@x.com".into(), None)));
        assert_eq!(parse_record(r#"{"type":"magic-link","email":"a@x.com","name":"N"}"#), Some(("a@x.com".into(), Some("N".into()))));
        for bad in [
            "not json",
            "[]",
            "null",
            r#"{"type":"magic-link","email":"a@x.com","extra":1}"#,
            r#"{"type":"other","email":"a@x.com"}"#,
            r#"{"type":"magic-link","email":"nope"}"#,
            r#"{"type":"magic-link","email":"a@x.com","name":null}"#,
            r#"{"type":"magic-link"}"#,
        ] {
            assert_eq!(parse_record(bad), None, "{bad}");
        }
    }

    #[test]
    fn search_params_set_like_urlsearchparams() {
        let mut u = Url::parse("http://localhost:3000/dash?a=1&error=x&b=2&error=y").unwrap();
        set_param(&mut u, "error", "INVALID_TOKEN");
        assert_eq!(u.as_str(), "http://localhost:3000/dash?a=1&error=INVALID_TOKEN&b=2");
        let mut u = Url::parse("http://localhost:3000/").unwrap();
        set_param(&mut u, "error", "a b/c");
        assert_eq!(u.as_str(), "http://localhost:3000/?error=a+b%2Fc");
        let mut u = Url::parse("http://localhost:3000/x#frag").unwrap();
        set_param(&mut u, "token", "T");
        assert_eq!(u.as_str(), "http://localhost:3000/x?token=T#frag");
    }

    #[test]
    fn urls_resolve_against_the_base_url() {
        let base = "http://localhost:3000/api/auth";
        assert_eq!(resolve(base, "/dash").unwrap().as_str(), "http://localhost:3000/dash");
        assert_eq!(resolve(base, "/").unwrap().as_str(), "http://localhost:3000/");
        assert_eq!(resolve(base, "dash").unwrap().as_str(), "http://localhost:3000/api/dash");
        assert_eq!(resolve(base, "https://app.example.com/x?y=1").unwrap().as_str(), "https://app.example.com/x?y=1");
    }
}
