//! `GET /ok` lives in `mod.rs`; this is `GET /error`, Better Auth's default error page.
use super::{Call, Output};

fn escape_html(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// The error page: shows the `error` code (only `[A-Za-z0-9_'-]`, else `UNKNOWN`) and the
/// HTML-escaped `error_description`. In production it redirects to `/?error=<code>`.
pub fn error_page(call: &Call<'_>) -> Output {
    let q = |k: &str| call.query.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
    let raw = q("error");
    let code = if !raw.is_empty() && raw.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '\'' | '_' | '-')) {
        raw
    } else {
        "UNKNOWN".to_string()
    };
    let description = q("error_description");
    if let Some(target) = call.ctx.config.oauth.error_url.as_deref() {
        let mut p = vec![("error".to_string(), code)];
        if !description.is_empty() {
            p.push(("error_description".into(), description));
        }
        return Output::Redirect(crate::oauth::append_query_params(target, &p));
    }
    if call.ctx.config.is_production {
        let mut url = format!("/?error={}", crate::cookies::encode_uri_component(&code));
        if !description.is_empty() {
            url.push_str(&format!("&error_description={}", crate::cookies::encode_uri_component(&description)));
        }
        return Output::Redirect(url);
    }
    let app = escape_html(&call.ctx.config.app_name);
    let desc = if description.is_empty() {
        String::new()
    } else {
        format!("<p class=\"desc\">{}</p>", escape_html(&description))
    };
    Output::Html(format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Error | {app}</title><style>body{{font-family:system-ui,sans-serif;background:#fafafa;color:#111;display:flex;min-height:100vh;align-items:center;justify-content:center;margin:0}}main{{max-width:32rem;padding:2rem;border:1px solid #ddd;border-radius:12px;background:#fff}}code{{background:#f2f2f2;padding:.2rem .4rem;border-radius:4px}}.desc{{color:#555}}</style></head><body><main><h1>Something went wrong</h1><p>Error code: <code>{}</code></p>{desc}<p><a href=\"/\">Go back home</a></p></main></body></html>",
        escape_html(&code)
    ))
}
