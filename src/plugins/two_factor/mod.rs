//! Better Auth's `twoFactor()` plugin: a `twoFactor` table (TOTP secret and backup codes,
//! encrypted with Better Auth's `symmetricEncrypt`, verification state, account lock-out
//! counters) and `user.twoFactorEnabled`; enable/disable, the TOTP URI, TOTP and backup-code
//! verification, and the sign-in interception on `/sign-in/email`, `/sign-in/username` and
//! `/sign-in/phone-number` (the session is withheld behind a signed `two_factor` cookie until a
//! second factor is verified, unless a `trust_device` cookie vouches for the browser).
//!
//! The OTP method (`/two-factor/send-otp`, `/two-factor/verify-otp`) calls the app's
//! `otpOptions.sendOTP` (a JS callback).
//!
//! Not served (refused when `betterAuth()` runs, never ignored): custom backup-code generators
//! and storage functions, and custom `storeOTP` functions. The `schema` option renames the table
//! and its columns (and `user.twoFactorEnabled`'s column) as in Better Auth.
use super::{Descriptor, EndpointFuture, Plugin, PluginEndpoint};
use crate::config::ConfigError;
use crate::endpoints::{Call, Output};
use crate::error::{AuthError, AuthResult};
use crate::rate_limit::Rule;
use crate::store::schema::{Field, FieldType, Schema, build_model};
use serde_json::{Map, Value};
use std::sync::Arc;

pub mod backup_codes;
pub mod endpoints;
pub mod hook;
pub mod rows;
pub mod totp;

macro_rules! handler {
    ($name:ident, $f:path) => {
        fn $name<'c>(call: &'c mut Call<'_>) -> EndpointFuture<'c> {
            Box::pin(async move { $f(call).await.map(Output::Json) })
        }
    };
}
handler!(enable, endpoints::enable);
handler!(disable, endpoints::disable);
handler!(get_totp_uri, endpoints::get_totp_uri);
handler!(verify_totp, endpoints::verify_totp);
handler!(generate_backup_codes, endpoints::generate_backup_codes);
handler!(verify_backup_code, endpoints::verify_backup_code);
handler!(generate_totp, endpoints::generate_totp);
handler!(send_otp, endpoints::send_otp);
handler!(verify_otp, endpoints::verify_otp);
handler!(view_backup_codes, endpoints::view_backup_codes);

const ID: &str = "two-factor";

/// The registration (see `src/plugins/mod.rs`).
pub static PLUGIN: Descriptor = Descriptor {
    id: ID,
    parse,
    endpoints: &[
        PluginEndpoint { plugin: ID, api_name: "enableTwoFactor", path: "/two-factor/enable", methods: &["POST"], form: false, require_headers: false, handler: enable },
        PluginEndpoint { plugin: ID, api_name: "disableTwoFactor", path: "/two-factor/disable", methods: &["POST"], form: false, require_headers: false, handler: disable },
        PluginEndpoint { plugin: ID, api_name: "getTOTPURI", path: "/two-factor/get-totp-uri", methods: &["POST"], form: false, require_headers: false, handler: get_totp_uri },
        PluginEndpoint { plugin: ID, api_name: "verifyTOTP", path: "/two-factor/verify-totp", methods: &["POST"], form: false, require_headers: false, handler: verify_totp },
        PluginEndpoint { plugin: ID, api_name: "generateBackupCodes", path: "/two-factor/generate-backup-codes", methods: &["POST"], form: false, require_headers: false, handler: generate_backup_codes },
        PluginEndpoint { plugin: ID, api_name: "verifyBackupCode", path: "/two-factor/verify-backup-code", methods: &["POST"], form: false, require_headers: false, handler: verify_backup_code },
        PluginEndpoint { plugin: ID, api_name: "sendTwoFactorOTP", path: "/two-factor/send-otp", methods: &["POST"], form: false, require_headers: false, handler: send_otp },
        PluginEndpoint { plugin: ID, api_name: "verifyTwoFactorOTP", path: "/two-factor/verify-otp", methods: &["POST"], form: false, require_headers: false, handler: verify_otp },
        PluginEndpoint { plugin: ID, api_name: "generateTOTP", path: "", methods: &["POST"], form: false, require_headers: false, handler: generate_totp },
        PluginEndpoint { plugin: ID, api_name: "viewBackupCodes", path: "", methods: &["POST"], form: false, require_headers: false, handler: view_backup_codes },
    ],
    // `sendOTP` is called; the others are registered only so that `betterAuth()` can refuse
    // them (see `Plugin::refuse_callbacks`) instead of dropping them silently
    callbacks: &[
        (SEND_OTP, "otpOptions.sendOTP"),
        (STORE_OTP_HASH, "otpOptions.storeOTP.hash"),
        (STORE_OTP_ENCRYPT, "otpOptions.storeOTP.encrypt"),
        (STORE_OTP_DECRYPT, "otpOptions.storeOTP.decrypt"),
        (CUSTOM_CODES, "backupCodeOptions.customBackupCodesGenerate"),
        (STORE_CODES_ENCRYPT, "backupCodeOptions.storeBackupCodes.encrypt"),
        (STORE_CODES_DECRYPT, "backupCodeOptions.storeBackupCodes.decrypt"),
    ],
};

/// `otpOptions.sendOTP({ user, otp }, ctx)`.
pub const SEND_OTP: &str = "twoFactor.otpOptions.sendOTP";
const STORE_OTP_HASH: &str = "twoFactor.otpOptions.storeOTP.hash";
const STORE_OTP_ENCRYPT: &str = "twoFactor.otpOptions.storeOTP.encrypt";
const STORE_OTP_DECRYPT: &str = "twoFactor.otpOptions.storeOTP.decrypt";
const CUSTOM_CODES: &str = "twoFactor.backupCodeOptions.customBackupCodesGenerate";
const STORE_CODES_ENCRYPT: &str = "twoFactor.backupCodeOptions.storeBackupCodes.encrypt";
const STORE_CODES_DECRYPT: &str = "twoFactor.backupCodeOptions.storeBackupCodes.decrypt";

/// Logical name of the plugin's table.
pub const TABLE: &str = "twoFactor";

/// `TWO_FACTOR_ERROR_CODES` messages.
pub fn message(code: &str) -> &'static str {
    match code {
        "OTP_NOT_ENABLED" => "OTP not enabled",
        "OTP_HAS_EXPIRED" => "OTP has expired",
        "TOTP_NOT_ENABLED" => "TOTP not enabled",
        "TWO_FACTOR_NOT_ENABLED" => "Two factor isn't enabled",
        "BACKUP_CODES_NOT_ENABLED" => "Backup codes aren't enabled",
        "INVALID_BACKUP_CODE" => "Invalid backup code",
        "INVALID_CODE" => "Invalid code",
        "TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE" => "Too many attempts. Please request a new code.",
        "INVALID_TWO_FACTOR_COOKIE" => "Invalid two factor cookie",
        "OTP_NOT_CONFIGURED" => "OTP is not available",
        "TOTP_NOT_CONFIGURED" => "TOTP is not available",
        "TOTP_ALREADY_ENABLED" => "TOTP is already enabled",
        "ACCOUNT_TEMPORARILY_LOCKED" => "Too many failed verification attempts. Your account is temporarily locked. Please try again later.",
        _ => "Unexpected error",
    }
}

pub(crate) fn err(status: &str, code: &str) -> AuthError {
    AuthError::coded(status, code, message(code))
}

/// `accountLockout`.
#[derive(Debug, Clone, Copy)]
pub struct Lockout {
    /// `enabled` (true)
    pub enabled: bool,
    /// `maxFailedAttempts` (10)
    pub max_failed: i64,
    /// `durationSeconds` (900), in ms
    pub duration_ms: i64,
}

/// The `twoFactor()` plugin's options, resolved.
#[derive(Debug, Clone)]
pub struct TwoFactorPlugin {
    /// `issuer` (enable's URI; `appName` when unset).
    pub issuer: Option<String>,
    /// `totpOptions.issuer` (get-totp-uri's URI, Better Auth's quirk Q2).
    pub totp_issuer: Option<String>,
    /// `skipVerificationOnEnable`
    pub skip_verification: bool,
    /// `allowPasswordless` (enable, disable)
    pub passwordless: bool,
    /// `totpOptions.allowPasswordless ?? allowPasswordless`
    pub totp_passwordless: bool,
    /// `backupCodeOptions.allowPasswordless ?? allowPasswordless`
    pub codes_passwordless: bool,
    /// `twoFactorCookieMaxAge` (600 s)
    pub cookie_max_age: i64,
    /// `trustDeviceMaxAge` (30 days, s)
    pub trust_max_age: i64,
    /// `accountLockout`
    pub lockout: Lockout,
    /// `totpOptions.digits` (6)
    pub digits: u32,
    /// `totpOptions.period` (30 s)
    pub period: u64,
    /// `totpOptions.disable`
    pub totp_disabled: bool,
    /// `backupCodeOptions.amount` (10)
    pub codes_amount: usize,
    /// `backupCodeOptions.length` (10)
    pub codes_length: usize,
    /// `backupCodeOptions.storeBackupCodes === "plain"`
    pub codes_plain: bool,
    /// `otpOptions.period` (3 minutes), in ms
    pub otp_period_ms: i64,
    /// `otpOptions.digits` (6)
    pub otp_digits: usize,
    /// `otpOptions.allowedAttempts` (5)
    pub otp_attempts: i64,
    /// `otpOptions.storeOTP`: `"plain"`, `"encrypted"` or `"hashed"`
    pub otp_store: String,
    /// `schema.twoFactor` (`{ modelName, fields }`) with `twoFactorTable` as its `modelName`
    table_mapping: Option<Value>,
    /// `schema.user.fields.twoFactorEnabled`: the column of `user.twoFactorEnabled`
    enabled_column: Option<String>,
}

fn bad(path: &str, what: &str, got: &Value) -> ConfigError {
    crate::config::bad(&format!("twoFactor({{ {path} }})"), what, got)
}

fn parse(listed: Option<&Value>, _all: &Value) -> Result<Option<Arc<dyn Plugin>>, ConfigError> {
    let Some(opts) = listed else { return Ok(None) };
    let empty = Map::new();
    let o = match opts {
        Value::Object(o) => o,
        Value::Null => &empty,
        other => return Err(bad("options", "an object", other)),
    };
    let sub = |k: &str| -> Result<&Map<String, Value>, ConfigError> {
        match o.get(k) {
            None | Some(Value::Null) => Ok(&empty),
            Some(Value::Object(m)) => Ok(m),
            Some(other) => Err(bad(k, "an object", other)),
        }
    };
    let num = |m: &Map<String, Value>, path: &str, k: &str| -> Result<Option<f64>, ConfigError> {
        match m.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => Ok(n.as_f64()),
            Some(other) => Err(bad(&format!("{path}{k}"), "a number", other)),
        }
    };
    let flag = |m: &Map<String, Value>, k: &str| m.get(k).is_some_and(crate::origin::truthy);
    let string = |m: &Map<String, Value>, path: &str, k: &str| -> Result<Option<String>, ConfigError> {
        match m.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(bad(&format!("{path}{k}"), "a string", other)),
        }
    };
    let (table_mapping, enabled_column) = schema_option(o.get("schema"), string(o, "", "twoFactorTable")?)?;
    let totp = sub("totpOptions")?;
    let codes = sub("backupCodeOptions")?;
    let otp = sub("otpOptions")?;
    let lock = sub("accountLockout")?;
    if let Some(v) = otp.get("storeOTP").filter(|v| !v.is_null()) {
        let ok = matches!(v.as_str(), Some("plain" | "encrypted" | "hashed"));
        if !ok {
            return Err(bad("otpOptions.storeOTP", "\"plain\", \"encrypted\" or \"hashed\" (custom functions are not served)", v));
        }
    }
    let codes_plain = match codes.get("storeBackupCodes") {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) if s == "encrypted" => false,
        Some(Value::String(s)) if s == "plain" => true,
        Some(other) => return Err(bad("backupCodeOptions.storeBackupCodes", "\"encrypted\" or \"plain\" (custom encrypt/decrypt functions are not served)", other)),
    };
    let passwordless = flag(o, "allowPasswordless");
    let inherit = |m: &Map<String, Value>| match m.get("allowPasswordless") {
        None | Some(Value::Null) => passwordless,
        Some(v) => crate::origin::truthy(v),
    };
    // `digits || 6`, `period || 30`: 0 means the default
    let digits = num(totp, "totpOptions.", "digits")?.filter(|d| *d != 0.0).unwrap_or(6.0);
    if !(1.0..=9.0).contains(&digits) || digits.fract() != 0.0 {
        return Err(bad("totpOptions.digits", "an integer from 1 to 9 (Better Auth: 6 or 8)", &Value::from(digits)));
    }
    let period = num(totp, "totpOptions.", "period")?.filter(|p| *p != 0.0).unwrap_or(30.0);
    if period < 1.0 || period.fract() != 0.0 {
        return Err(bad("totpOptions.period", "a positive number of seconds", &Value::from(period)));
    }
    let count = |m: &Map<String, Value>, path: &str, k: &str, d: usize| -> Result<usize, ConfigError> {
        match num(m, path, k)? {
            None => Ok(d),
            Some(n) if n >= 0.0 && n.fract() == 0.0 && n <= 1000.0 => Ok(n as usize),
            Some(n) => Err(bad(&format!("{path}{k}"), "a whole number from 0 to 1000", &Value::from(n))),
        }
    };
    Ok(Some(Arc::new(TwoFactorPlugin {
        issuer: string(o, "", "issuer")?.filter(|s| !s.is_empty()),
        totp_issuer: string(totp, "totpOptions.", "issuer")?.filter(|s| !s.is_empty()),
        skip_verification: flag(o, "skipVerificationOnEnable"),
        passwordless,
        totp_passwordless: inherit(totp),
        codes_passwordless: inherit(codes),
        cookie_max_age: num(o, "", "twoFactorCookieMaxAge")?.map(|n| n as i64).unwrap_or(600),
        trust_max_age: num(o, "", "trustDeviceMaxAge")?.map(|n| n as i64).unwrap_or(2_592_000),
        lockout: Lockout {
            enabled: lock.get("enabled").and_then(Value::as_bool).unwrap_or(true),
            max_failed: num(lock, "accountLockout.", "maxFailedAttempts")?.map(|n| n as i64).unwrap_or(10),
            duration_ms: num(lock, "accountLockout.", "durationSeconds")?.map(|n| n as i64).unwrap_or(900) * 1000,
        },
        digits: digits as u32,
        period: period as u64,
        totp_disabled: flag(totp, "disable"),
        codes_amount: count(codes, "backupCodeOptions.", "amount", 10)?,
        codes_length: count(codes, "backupCodeOptions.", "length", 10)?,
        codes_plain,
        otp_period_ms: (num(otp, "otpOptions.", "period")?.filter(|p| *p != 0.0).unwrap_or(3.0) * 60_000.0) as i64,
        otp_digits: count(otp, "otpOptions.", "digits", 6)?,
        otp_attempts: num(otp, "otpOptions.", "allowedAttempts")?.filter(|n| *n != 0.0).unwrap_or(5.0) as i64,
        otp_store: otp.get("storeOTP").and_then(Value::as_str).unwrap_or("plain").to_string(),
        table_mapping,
        enabled_column,
    })))
}

/// The fields of the `twoFactor` table a `schema.twoFactor.fields` rename may name (those of
/// Better Auth's plugin schema; its `id` is the adapter's, not the plugin's).
const RENAMABLE: [&str; 6] = ["secret", "backupCodes", "userId", "verified", "failedVerificationCount", "lockedUntil"];

/// The `schema` option (`{ user: { fields: { twoFactorEnabled } }, twoFactor: { modelName,
/// fields } }`, column and table names as Better Auth's plugins take them) and `twoFactorTable`,
/// which names the table over `schema.twoFactor.modelName` (as in Better Auth): the `twoFactor`
/// table's mapping for `build_model` and the column of `user.twoFactorEnabled`. Anything Better
/// Auth would ignore (another table, an unknown field, a user `modelName`) is refused.
fn schema_option(schema: Option<&Value>, table: Option<String>) -> Result<(Option<Value>, Option<String>), ConfigError> {
    let mut mapping = Map::new();
    let mut enabled_column = None;
    let column = |path: &str, v: &Value| -> Result<String, ConfigError> {
        match v.as_str() {
            Some(c) if !c.is_empty() && c.len() <= 63 && c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_') => Ok(c.to_string()),
            _ => Err(bad(path, "a column name of letters, digits and _", v)),
        }
    };
    match schema {
        None | Some(Value::Null) => {}
        Some(Value::Object(s)) => {
            for (model, m) in s {
                let Value::Object(mo) = m else { return Err(bad(&format!("schema.{model}"), "an object", m)) };
                match model.as_str() {
                    "user" => {
                        for (k, v) in mo {
                            if k != "fields" {
                                return Err(bad(&format!("schema.user.{k}"), "only `fields` (the twoFactorEnabled column)", v));
                            }
                            let Value::Object(fields) = v else { return Err(bad("schema.user.fields", "an object", v)) };
                            for (field, col) in fields {
                                if field != "twoFactorEnabled" {
                                    return Err(bad(&format!("schema.user.fields.{field}"), "only twoFactorEnabled (the field this plugin adds to user)", col));
                                }
                                enabled_column = Some(column("schema.user.fields.twoFactorEnabled", col)?);
                            }
                        }
                    }
                    "twoFactor" => {
                        for (k, v) in mo {
                            match k.as_str() {
                                "modelName" if v.is_null() => {}
                                "modelName" => {
                                    mapping.insert(k.clone(), Value::String(column("schema.twoFactor.modelName", v)?));
                                }
                                "fields" => {
                                    let Value::Object(fields) = v else { return Err(bad("schema.twoFactor.fields", "an object", v)) };
                                    let mut out = Map::new();
                                    for (field, col) in fields {
                                        let path = format!("schema.twoFactor.fields.{field}");
                                        if !RENAMABLE.contains(&field.as_str()) {
                                            return Err(bad(&path, &format!("a field of the twoFactor table ({})", RENAMABLE.join(", ")), col));
                                        }
                                        out.insert(field.clone(), Value::String(column(&path, col)?));
                                    }
                                    mapping.insert("fields".into(), Value::Object(out));
                                }
                                _ => return Err(bad(&format!("schema.twoFactor.{k}"), "only `modelName` and `fields`", v)),
                            }
                        }
                    }
                    _ => return Err(bad(&format!("schema.{model}"), "user or twoFactor (the tables this plugin adds to)", m)),
                }
            }
        }
        Some(other) => return Err(bad("schema", "an object", other)),
    }
    if let Some(t) = table {
        mapping.insert("modelName".into(), Value::String(t));
    }
    Ok(((!mapping.is_empty()).then_some(Value::Object(mapping)), enabled_column))
}

fn table_fields() -> Vec<Field> {
    use FieldType::*;
    let hidden = |mut f: Field| {
        f.returned = false;
        f
    };
    let mut secret = hidden(Field::core("secret", String, true));
    secret.index = true;
    let mut user_id = hidden(Field::core("userId", Id, true));
    user_id.references_user = true;
    user_id.index = true;
    let mut verified = Field::core("verified", Boolean, false);
    verified.input = false;
    verified.default = Some(Value::Bool(true));
    let mut failed = hidden(Field::core("failedVerificationCount", Number, false));
    failed.input = false;
    failed.default = Some(Value::from(0));
    let mut locked = hidden(Field::core("lockedUntil", Date, false));
    locked.input = false;
    vec![Field::core("id", Id, true), secret, hidden(Field::core("backupCodes", String, true)), user_id, verified, failed, locked]
}

#[async_trait::async_trait]
impl Plugin for TwoFactorPlugin {
    fn id(&self) -> &'static str {
        PLUGIN.id
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }

    fn extend_schema(&self, schema: &mut Schema) -> Result<(), ConfigError> {
        if schema.user.field("twoFactorEnabled").is_some() {
            return Err(ConfigError("Invalid better-auth-rs option `user.additionalFields.twoFactorEnabled`: the twoFactor plugin adds this field".into()));
        }
        let mut f = Field { input: false, core: false, default: Some(Value::Bool(false)), ..Field::core("twoFactorEnabled", FieldType::Boolean, false) };
        f.returned = true;
        if let Some(col) = &self.enabled_column {
            f.column = col.clone();
        }
        schema.user.fields.push(f);
        let model = build_model(TABLE, table_fields(), self.table_mapping.as_ref(), false)
            .map_err(|e| ConfigError(e.0.replace("option `twoFactor", "option `plugins[two-factor].schema.twoFactor")))?;
        if schema.is_core_table(&model.table) {
            return Err(ConfigError(format!(
                "Invalid better-auth-rs option `twoFactor({{ twoFactorTable }})` / `twoFactor({{ schema: {{ twoFactor: {{ modelName }} }} }})`: \"{}\" is already a core table",
                model.table
            )));
        }
        schema.add_plugin_table(model);
        Ok(())
    }

    fn refuse_callbacks(&self, has: &dyn Fn(&str) -> bool) -> Result<(), ConfigError> {
        let unserved: Vec<&str> = PLUGIN.callbacks.iter().filter(|(name, _)| *name != SEND_OTP && has(name)).map(|(_, path)| *path).collect();
        if unserved.is_empty() {
            return Ok(());
        }
        Err(ConfigError(format!(
            "better-auth-rs does not serve these twoFactor options yet: {} (custom backup-code and OTP storage functions); remove them, or keep better-auth for now",
            unserved.join(", ")
        )))
    }

    fn rate_limit_rule(&self, path: &str) -> Option<Rule> {
        path.starts_with("/two-factor/").then_some(Rule { window: 10, max: 3 })
    }

    async fn after_endpoint_mut(&self, call: &mut Call<'_>, path: &str, body: &mut Value) -> AuthResult<()> {
        hook::after_sign_in(self, call, path, body).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::schema::Dialect;
    use serde_json::json;

    fn opts(v: Value) -> Result<Arc<dyn Plugin>, ConfigError> {
        parse(Some(&v), &json!({})).map(|p| p.expect("on"))
    }

    #[test]
    fn ddl_is_better_auths() {
        let mut s = Schema::from_options(&json!({})).unwrap();
        opts(json!({})).unwrap().extend_schema(&mut s).unwrap();
        let m = s.plugin_table(TABLE).unwrap();
        assert_eq!(
            Dialect::Sqlite.create_table(m, &s),
            r#"create table "twoFactor" ("id" text not null primary key, "secret" text not null, "backupCodes" text not null, "userId" text not null references "user" ("id") on delete cascade, "verified" integer, "failedVerificationCount" integer, "lockedUntil" date)"#
        );
        assert_eq!(
            Dialect::Postgres.create_table(m, &s),
            r#"create table "twoFactor" ("id" text not null primary key, "secret" text not null, "backupCodes" text not null, "userId" text not null references "user" ("id") on delete cascade, "verified" boolean, "failedVerificationCount" integer, "lockedUntil" timestamptz)"#
        );
        assert_eq!(
            Dialect::Mysql.create_table(m, &s),
            "create table `twoFactor` (`id` varchar(36) not null primary key, `secret` varchar(255) not null, `backupCodes` text not null, `userId` varchar(36) not null references `user` (`id`) on delete cascade, `verified` boolean, `failedVerificationCount` integer, `lockedUntil` timestamp(3))"
        );
        let idx: Vec<String> = Dialect::Sqlite.indexes(m).into_iter().map(|(_, s)| s).collect();
        assert_eq!(idx, vec![r#"create index "twoFactor_secret_idx" on "twoFactor" ("secret")"#, r#"create index "twoFactor_userId_idx" on "twoFactor" ("userId")"#]);
    }

    #[test]
    fn schema_option_renames_table_columns_and_user_field() {
        let renames = json!({
            "user": { "fields": { "twoFactorEnabled": "two_factor_enabled" } },
            "twoFactor": { "modelName": "two_factors", "fields": { "secret": "totp_secret", "backupCodes": "backup_codes", "userId": "user_id", "failedVerificationCount": "failed_count", "lockedUntil": "locked_until" } },
        });
        let mut s = Schema::from_options(&json!({})).unwrap();
        opts(json!({ "schema": renames })).unwrap().extend_schema(&mut s).unwrap();
        let m = s.plugin_table(TABLE).unwrap();
        assert_eq!(m.table, "two_factors");
        assert_eq!(
            Dialect::Sqlite.create_table(m, &s),
            r#"create table "two_factors" ("id" text not null primary key, "totp_secret" text not null, "backup_codes" text not null, "user_id" text not null references "user" ("id") on delete cascade, "verified" integer, "failed_count" integer, "locked_until" date)"#
        );
        assert_eq!(s.user.field("twoFactorEnabled").unwrap().column, "two_factor_enabled");
        // `twoFactorTable` names the table over `schema.twoFactor.modelName`, as in Better Auth
        let mut s = Schema::from_options(&json!({})).unwrap();
        opts(json!({ "twoFactorTable": "tf", "schema": { "twoFactor": { "modelName": "ignored", "fields": { "secret": "s" } } } })).unwrap().extend_schema(&mut s).unwrap();
        let m = s.plugin_table(TABLE).unwrap();
        assert_eq!((m.table.as_str(), m.col("secret")), ("tf", "s"));
        // an empty `schema` is no rename
        let mut s = Schema::from_options(&json!({})).unwrap();
        opts(json!({ "schema": {} })).unwrap().extend_schema(&mut s).unwrap();
        assert_eq!(s.plugin_table(TABLE).unwrap().table, "twoFactor");
        // renamed onto a core table
        let mut s = Schema::from_options(&json!({})).unwrap();
        assert!(opts(json!({ "schema": { "twoFactor": { "modelName": "session" } } })).unwrap().extend_schema(&mut s).is_err());
    }

    #[test]
    fn options_fail_closed() {
        assert!(opts(json!({ "backupCodeOptions": { "storeBackupCodes": {} } })).is_err());
        assert!(opts(json!({ "otpOptions": { "storeOTP": {} } })).is_err());
        assert!(opts(json!({ "schema": { "twoFactor": { "fields": { "nope": "s" } } } })).is_err());
        assert!(opts(json!({ "schema": { "twoFactor": { "fields": { "id": "tf_id" } } } })).is_err());
        assert!(opts(json!({ "schema": { "twoFactor": { "fields": { "secret": "bad name" } } } })).is_err());
        assert!(opts(json!({ "schema": { "session": { "fields": { "token": "t" } } } })).is_err());
        assert!(opts(json!({ "schema": { "user": { "modelName": "users" } } })).is_err());
        assert!(opts(json!({ "schema": { "user": { "fields": { "email": "mail" } } } })).is_err());
        assert!(opts(json!({ "schema": [] })).is_err());
        assert!(opts(json!({ "totpOptions": { "digits": 12 } })).is_err());
        let p = opts(json!({ "totpOptions": { "digits": 8 } })).unwrap();
        assert!(p.refuse_callbacks(&|n| n == SEND_OTP).is_ok());
        assert!(p.refuse_callbacks(&|n| n == CUSTOM_CODES).is_err());
        assert!(p.refuse_callbacks(&|_| false).is_ok());
        assert_eq!(p.rate_limit_rule("/two-factor/enable"), Some(Rule { window: 10, max: 3 }));
        assert_eq!(p.rate_limit_rule("/sign-in/email"), None);
    }
}
