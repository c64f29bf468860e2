//! Discord (spec §5.3): no PKCE, `prompt=none` by default, `permissions` with the `bot` scope;
//! the profile is `/users/@me` with the avatar URL Better Auth computes. No ID tokens.
use super::{SocialOptions, bearer, user_of};
use crate::context::AuthContext;
use crate::error::AuthResult;
use crate::oauth::fetch;
use crate::oauth::flow::Tokens;
use crate::oauth::provider::{Kind, ProviderSpec};
use serde_json::{Map, Value};

/// Discord's own options.
pub const KEYS: &[&str] = &["permissions"];

/// The provider.
pub fn spec(o: &SocialOptions) -> ProviderSpec {
    let permissions = match o.raw.get("permissions") {
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(Value::String(s)) => Some(s.clone()),
        _ => None,
    };
    let mut p = o.base(Kind::Discord { permissions });
    p.default_scopes = o.defaults(&["identify", "email"]);
    p.authorization_url = Some("https://discord.com/api/oauth2/authorize".into());
    p.token_url = Some("https://discord.com/api/oauth2/token".into());
    p.pkce = false;
    p.prompt = Some(o.prompt.clone().unwrap_or_else(|| "none".into()));
    p
}

fn js_string(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Null) => "null".into(),
        Some(other) => other.to_string(),
        None => "undefined".into(),
    }
}

/// The avatar URL: the default avatar when `avatar` is null, else the CDN URL (gif for `a_`).
pub fn image_url(profile: &Map<String, Value>) -> Option<String> {
    let id = js_string(profile.get("id"));
    match profile.get("avatar") {
        Some(Value::Null) => {
            let discriminator = js_string(profile.get("discriminator"));
            let n = if discriminator == "0" {
                id.parse::<u64>().ok().map(|i| ((i >> 22) % 6).to_string())
            } else {
                // parseInt: the leading digits, else NaN
                let digits: String = discriminator.trim().chars().take_while(char::is_ascii_digit).collect();
                digits.parse::<u64>().ok().map(|d| (d % 5).to_string())
            };
            Some(format!("https://cdn.discordapp.com/embed/avatars/{}.png", n.unwrap_or_else(|| "NaN".into())))
        }
        Some(Value::String(a)) => Some(format!("https://cdn.discordapp.com/avatars/{id}/{a}.{}", if a.starts_with("a_") { "gif" } else { "png" })),
        _ => None,
    }
}

/// `/users/@me`.
pub async fn profile(ctx: &AuthContext, tokens: &Tokens) -> AuthResult<Option<(Map<String, Value>, Value)>> {
    let Some(Value::Object(mut profile)) = fetch::get_json(ctx, "https://discord.com/api/users/%40me", &bearer(tokens)).await? else { return Ok(None) };
    if let Some(url) = image_url(&profile) {
        profile.insert("image_url".into(), Value::String(url));
    }
    let name = [profile.get("global_name"), profile.get("username")].into_iter().flatten().find(|v| crate::origin::truthy(v)).cloned().unwrap_or(Value::String(String::new()));
    let user = user_of(Some(name), profile.get("email").cloned(), profile.get("image_url").cloned(), profile.get("verified").cloned().unwrap_or(Value::Null));
    Ok(Some((user, Value::Object(profile))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn avatars_as_better_auth() {
        let m = |v: Value| v.as_object().cloned().unwrap();
        // node -e "console.log(Number(BigInt('80351110224678912') >> 22n) % 6)"
        assert_eq!(image_url(&m(json!({"id":"80351110224678912","avatar":null,"discriminator":"0"}))).unwrap(), "https://cdn.discordapp.com/embed/avatars/5.png");
        assert_eq!(image_url(&m(json!({"id":"1","avatar":null,"discriminator":"1337"}))).unwrap(), "https://cdn.discordapp.com/embed/avatars/2.png");
        assert_eq!(image_url(&m(json!({"id":"7","avatar":"a_x"}))).unwrap(), "https://cdn.discordapp.com/avatars/7/a_x.gif");
    }
}
