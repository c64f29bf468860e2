//! The `database` option, resolved: which backend the store opens, and where. Parsed from
//! the options in `config`; read here to open the store ([`super::open_sql`]).
use std::fmt;

/// Where the data lives.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseConfig {
    /// An SQLite database file (or `:memory:`).
    Sqlite {
        /// File path, or `:memory:`.
        path: String,
        /// Pool size.
        max_connections: Option<u32>,
    },
    /// SQLite through the application's own database object (a better-sqlite3 `Database` or a
    /// `node:sqlite` `DatabaseSync`): every statement runs through that object.
    SqliteHandle {
        /// The object's file name (`:memory:` or a path), for messages.
        name: String,
    },
    /// PostgreSQL (`postgres://` / `postgresql://`).
    Postgres {
        /// Connection URL (may hold a password: never printed).
        url: String,
        /// Pool size.
        max_connections: Option<u32>,
    },
    /// One of Better Auth's database adapters (`drizzleAdapter(db, …)`, `prismaAdapter`, …, any
    /// `createAdapterFactory` adapter): every storage operation is a logical adapter call
    /// (`store::js_adapter`).
    Adapter {
        /// The adapter's id (`drizzle`, `prisma`, `kysely`, `mongodb`, `memory`, …).
        id: String,
    },
    /// MySQL or MariaDB (`mysql://`).
    Mysql {
        /// Connection URL (may hold a password: never printed).
        url: String,
        /// Pool size.
        max_connections: Option<u32>,
    },
}

impl DatabaseConfig {
    /// Pool size option.
    pub fn max_connections(&self) -> Option<u32> {
        match self {
            DatabaseConfig::Sqlite { max_connections, .. }
            | DatabaseConfig::Postgres { max_connections, .. }
            | DatabaseConfig::Mysql { max_connections, .. } => *max_connections,
            DatabaseConfig::SqliteHandle { .. } | DatabaseConfig::Adapter { .. } => None,
        }
    }
    /// The same database with pool size `n` (no effect where there is no pool).
    pub(crate) fn with_max(mut self, n: Option<u32>) -> Self {
        match &mut self {
            DatabaseConfig::Sqlite { max_connections, .. }
            | DatabaseConfig::Postgres { max_connections, .. }
            | DatabaseConfig::Mysql { max_connections, .. } => *max_connections = n,
            DatabaseConfig::SqliteHandle { .. } | DatabaseConfig::Adapter { .. } => {}
        }
        self
    }
}

/// A URL with its password replaced by `***`.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        Ok(u) => u.to_string(),
        Err(_) => "<unparseable URL>".into(),
    }
}

impl fmt::Debug for DatabaseConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseConfig::Sqlite { path, .. } => write!(f, "Sqlite({path})"),
            DatabaseConfig::SqliteHandle { name } => write!(f, "SqliteHandle({name})"),
            DatabaseConfig::Adapter { id } => write!(f, "Adapter({id})"),
            DatabaseConfig::Postgres { url, .. } => write!(f, "Postgres({})", redact_url(url)),
            DatabaseConfig::Mysql { url, .. } => write!(f, "Mysql({})", redact_url(url)),
        }
    }
}
