//! One error type out of the core. `AuthError::Api` carries Better Auth's status, status name,
//! `code` and `message`; everything else is a server fault (500, empty body, logged).
//! Mapped to HTTP once (in `router`) and to JS once (in `napi` + `js/errors.js`).
//! [`ConfigError`] is the other one: a bad `betterAuth(options)` value, refused at start-up by
//! whichever module reads that option (`config`, the store's schema, plugins).
use std::fmt;

/// The body of an API error, as Better Auth sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorBody {
    /// `{"message": ..., "code": ...}`
    CodeMessage { code: String, message: String },
    /// `{"message": ...}` (some Better Auth errors have no code)
    Message(String),
    /// No body at all.
    Empty,
}

/// An error as Better Auth's `APIError`: numeric status, the status *name* Better Auth uses
/// as `statusText` / `APIError.status` (e.g. `UNAUTHORIZED`, or `"400"` for numeric ones), and a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status code.
    pub status: u16,
    /// Better Auth's status name (`BAD_REQUEST`, ...) or the number as text.
    pub status_name: String,
    /// The JSON body.
    pub body: ErrorBody,
}

/// Every error the engine returns.
#[derive(Debug, Clone)]
pub enum AuthError {
    /// An error the client is told about (4xx, and the few 5xx with a body).
    Api(ApiError),
    /// A fault on our side (database, hashing pool...). Answered with 500 and an empty body.
    Internal(String),
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthError::Api(e) => match &e.body {
                ErrorBody::CodeMessage { code, message } => write!(f, "{} {code}: {message}", e.status),
                ErrorBody::Message(m) => write!(f, "{} {m}", e.status),
                ErrorBody::Empty => write!(f, "{}", e.status),
            },
            AuthError::Internal(m) => write!(f, "internal error: {m}"),
        }
    }
}

impl std::error::Error for AuthError {}

/// Better Auth's named statuses (better-call's `statusCodes`).
pub fn status_code_of(name: &str) -> u16 {
    match name {
        "OK" => 200,
        "FOUND" => 302,
        "BAD_REQUEST" => 400,
        "UNAUTHORIZED" => 401,
        "FORBIDDEN" => 403,
        "NOT_FOUND" => 404,
        "METHOD_NOT_ALLOWED" => 405,
        "CONFLICT" => 409,
        "PAYLOAD_TOO_LARGE" => 413,
        "UNSUPPORTED_MEDIA_TYPE" => 415,
        "EXPECTATION_FAILED" => 417,
        "UNPROCESSABLE_ENTITY" => 422,
        "TOO_MANY_REQUESTS" => 429,
        "SERVICE_UNAVAILABLE" => 503,
        "INTERNAL_SERVER_ERROR" => 500,
        _ => 500,
    }
}

/// Message of a `BASE_ERROR_CODES` entry (Better Auth 1.7).
pub fn base_message(code: &str) -> &'static str {
    match code {
        "USER_NOT_FOUND" => "User not found",
        "FAILED_TO_CREATE_USER" => "Failed to create user",
        "FAILED_TO_CREATE_SESSION" => "Failed to create session",
        "FAILED_TO_UPDATE_USER" => "Failed to update user",
        "FAILED_TO_DELETE_USER" => "Failed to delete user",
        "FAILED_TO_CREATE_VERIFICATION" => "Unable to create verification",
        "FAILED_TO_GET_SESSION" => "Failed to get session",
        "INVALID_PASSWORD" => "Invalid password",
        "INVALID_EMAIL" => "Invalid email",
        "INVALID_EMAIL_OR_PASSWORD" => "Invalid email or password",
        "INVALID_USER" => "Invalid user",
        "INVALID_TOKEN" => "Invalid token",
        "TOKEN_EXPIRED" => "Token expired",
        "EMAIL_NOT_VERIFIED" => "Email not verified",
        "FAILED_TO_GET_USER_INFO" => "Failed to get user info",
        "CREDENTIAL_ACCOUNT_NOT_FOUND" => "Credential account not found",
        "SESSION_EXPIRED" => "Session expired. Re-authenticate to perform this action.",
        "PASSWORD_ALREADY_SET" => "User already has a password set",
        "EMAIL_CAN_NOT_BE_UPDATED" => "Email can not be updated",
        "VERIFICATION_EMAIL_NOT_ENABLED" => "Verification email isn't enabled",
        "EMAIL_ALREADY_VERIFIED" => "Email is already verified",
        "EMAIL_MISMATCH" => "Email mismatch",
        "CHANGE_EMAIL_DISABLED" => "Change email is disabled",
        "INTERNAL_SERVER_ERROR" => "Internal Server Error",
        "PASSWORD_TOO_SHORT" => "Password too short",
        "PASSWORD_TOO_LONG" => "Password too long",
        "USER_ALREADY_EXISTS" => "User already exists.",
        "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL" => "User already exists. Use another email.",
        "CROSS_SITE_NAVIGATION_LOGIN_BLOCKED" => {
            "Cross-site navigation login blocked. This request appears to be a CSRF attack."
        }
        "SESSION_NOT_FRESH" => "Session is not fresh",
        "INVALID_ORIGIN" => "Invalid origin",
        "INVALID_CALLBACK_URL" => "Invalid callbackURL",
        "INVALID_REDIRECT_URL" => "Invalid redirectURL",
        "INVALID_ERROR_CALLBACK_URL" => "Invalid errorCallbackURL",
        "INVALID_NEW_USER_CALLBACK_URL" => "Invalid newUserCallbackURL",
        "MISSING_OR_NULL_ORIGIN" => "Missing or null Origin",
        "VALIDATION_ERROR" => "Validation Error",
        "METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED" => {
            "POST method requires deferSessionRefresh to be enabled in session config"
        }
        "BODY_MUST_BE_AN_OBJECT" => "Body must be an object",
        "UNAUTHORIZED" => "Unauthorized",
        _ => "Error",
    }
}

impl AuthError {
    /// An error with a named status and a `BASE_ERROR_CODES` code (message from the table).
    pub fn base(status_name: &str, code: &str) -> Self {
        Self::coded(status_name, code, base_message(code))
    }

    /// An error with a named status, a code and a message.
    pub fn coded(status_name: &str, code: &str, message: impl Into<String>) -> Self {
        AuthError::Api(ApiError {
            status: status_code_of(status_name),
            status_name: status_name.to_string(),
            body: ErrorBody::CodeMessage { code: code.to_string(), message: message.into() },
        })
    }

    /// An error created with a numeric status (better-call's body parser and validator):
    /// its status name is the number itself.
    pub fn numeric(status: u16, code: &str, message: impl Into<String>) -> Self {
        AuthError::Api(ApiError {
            status,
            status_name: status.to_string(),
            body: ErrorBody::CodeMessage { code: code.to_string(), message: message.into() },
        })
    }

    /// A schema validation failure: 400 `VALIDATION_ERROR` with better-call's message.
    pub fn validation(message: impl Into<String>) -> Self {
        Self::numeric(400, "VALIDATION_ERROR", message)
    }

    /// An error with only a message in its body.
    pub fn message_only(status_name: &str, message: impl Into<String>) -> Self {
        AuthError::Api(ApiError {
            status: status_code_of(status_name),
            status_name: status_name.to_string(),
            body: ErrorBody::Message(message.into()),
        })
    }

    /// An error with a named status and no body at all.
    pub fn empty(status_name: &str) -> Self {
        AuthError::Api(ApiError { status: status_code_of(status_name), status_name: status_name.to_string(), body: ErrorBody::Empty })
    }

    /// The database cannot be reached (connection refused, dropped or the pool timed out):
    /// 503 `DATABASE_UNAVAILABLE` with a JSON body, so clients and load balancers can retry.
    pub fn unavailable() -> Self {
        Self::coded("SERVICE_UNAVAILABLE", "DATABASE_UNAVAILABLE", "The database is unavailable; try again shortly")
    }

    /// True for [`AuthError::unavailable`].
    pub fn is_unavailable(&self) -> bool {
        self.code() == Some("DATABASE_UNAVAILABLE")
    }

    /// `self` when the database is unavailable (that answer wins), else `fallback`.
    pub fn unless_unavailable(self, fallback: AuthError) -> AuthError {
        if self.is_unavailable() { self } else { fallback }
    }

    /// `self` when it is an error for the client (a thrown `APIError`, the database being
    /// unavailable), else `fallback`: Better Auth's `if (isAPIError(e)) throw e; throw ...`.
    pub fn unless_api_error(self, fallback: AuthError) -> AuthError {
        if matches!(self, AuthError::Api(_)) { self } else { fallback }
    }

    /// A server fault.
    pub fn internal(m: impl Into<String>) -> Self {
        AuthError::Internal(m.into())
    }

    /// The `code` of the body, if any.
    pub fn code(&self) -> Option<&str> {
        match self {
            AuthError::Api(ApiError { body: ErrorBody::CodeMessage { code, .. }, .. }) => Some(code),
            _ => None,
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        match self {
            AuthError::Api(e) => e.status,
            AuthError::Internal(_) => 500,
        }
    }
}

/// True when `e` means the database could not be reached or the connection was lost (as opposed
/// to a query the database refused).
pub fn is_connection_error(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::Tls(_) | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Protocol(_) => true,
        sqlx::Error::Database(db) if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() => {
            // SQLite: BUSY, LOCKED, IOERR, CANTOPEN, FULL, PROTOCOL (primary code in the low byte
            // of the extended code): the file cannot be used right now, the statement is fine
            let code = db.code().and_then(|c| c.parse::<i64>().ok()).unwrap_or(-1);
            code > 0 && matches!(code & 0xff, 5 | 6 | 10 | 13 | 14 | 15)
        }
        sqlx::Error::Database(db) => {
            let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
            // PostgreSQL: class 08 (connection exception), 57P01-57P03 (admin/crash shutdown,
            // cannot connect now); MySQL/MariaDB: 1053 (shutdown in progress), 1927 (connection
            // killed), 2002/2003/2006/2013 (cannot connect, gone away, lost connection)
            code.starts_with("08") || matches!(code.as_str(), "57P01" | "57P02" | "57P03" | "1053" | "1927" | "2002" | "2003" | "2006" | "2013")
        }
        _ => false,
    }
}

static LAST_OUTAGE_LOG: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Logs `database unavailable: <what>`, one line every 5 s at most: an outage must not flood
/// the log.
pub fn log_outage(what: &str) {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let last = LAST_OUTAGE_LOG.load(std::sync::atomic::Ordering::Relaxed);
    if now >= last + 5 && LAST_OUTAGE_LOG.compare_exchange(last, now, std::sync::atomic::Ordering::Relaxed, std::sync::atomic::Ordering::Relaxed).is_ok() {
        crate::log::error(&format!("database unavailable: {what}"));
    }
}

impl From<sqlx::Error> for AuthError {
    fn from(e: sqlx::Error) -> Self {
        if is_connection_error(&e) {
            log_outage(&e.to_string());
            return AuthError::unavailable();
        }
        if let sqlx::Error::Database(db) = &e {
            match db.code().as_deref() {
                // PostgreSQL text cannot hold NUL (22021) or untranslatable characters (22P05)
                Some("22021" | "22P05") => {
                    return AuthError::validation("Text values must not contain NUL (\\u0000) characters");
                }
                // a value longer than its column or index allows (PostgreSQL 22001/54000, MySQL 1406)
                Some("22001" | "54000" | "1406") => return AuthError::validation("A value is too long"),
                _ => {}
            }
        }
        AuthError::Internal(format!("database: {e}"))
    }
}

/// Result alias for the engine.
pub type AuthResult<T> = Result<T, AuthError>;

/// A bad option: names it and says what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for ConfigError {}
