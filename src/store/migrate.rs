//! Migrations: create the tables, columns and indexes Better Auth's migrator would, and only
//! what is missing. Never drops or alters existing columns. Idempotent.
use super::schema::{Dialect, FieldType};
use super::sql::SqlStore;
use super::value::Val;
use crate::error::{AuthError, AuthResult};

/// An existing column.
#[derive(Debug, Clone)]
pub struct ColumnInfo {
    /// Name.
    pub name: String,
    /// NULL allowed.
    pub nullable: bool,
    /// Has a default.
    pub has_default: bool,
}

async fn strings(store: &SqlStore, sql: &str, param: Option<&str>) -> AuthResult<Vec<String>> {
    let params = param.map(|p| vec![(Val::Text(p.to_string()), FieldType::String)]).unwrap_or_default();
    let rows = store.fetch_raw(sql.to_string(), params, &[FieldType::String]).await?;
    Ok(rows.into_iter().filter_map(|mut r| r.pop().and_then(Val::text)).collect())
}

/// Tables in the current database/schema.
pub async fn tables(store: &SqlStore) -> AuthResult<Vec<String>> {
    let sql = match store.dialect() {
        Dialect::Sqlite => "select name from sqlite_master where type = 'table'",
        Dialect::Postgres => "select table_name::text from information_schema.tables where table_schema = current_schema()",
        Dialect::Mysql => "select cast(table_name as char) from information_schema.tables where table_schema = database()",
    };
    strings(store, sql, None).await
}

/// Index names in the current database/schema.
pub async fn indexes(store: &SqlStore) -> AuthResult<Vec<String>> {
    let sql = match store.dialect() {
        Dialect::Sqlite => "select name from sqlite_master where type = 'index'",
        Dialect::Postgres => "select indexname::text from pg_indexes where schemaname = current_schema()",
        Dialect::Mysql => "select distinct cast(index_name as char) from information_schema.statistics where table_schema = database()",
    };
    strings(store, sql, None).await
}

/// Columns of a table (empty when the table does not exist).
pub async fn columns(store: &SqlStore, table: &str) -> AuthResult<Vec<ColumnInfo>> {
    let d = store.dialect();
    let sql = match d {
        Dialect::Sqlite => "select name, case when \"notnull\" = 1 then 'NO' else 'YES' end, dflt_value from pragma_table_info(?)".to_string(),
        Dialect::Postgres => "select column_name::text, is_nullable::text, column_default::text from information_schema.columns where table_schema = current_schema() and table_name = $1".to_string(),
        Dialect::Mysql => "select cast(column_name as char), cast(is_nullable as char), cast(column_default as char) from information_schema.columns where table_schema = database() and table_name = ?".to_string(),
    };
    let rows = store
        .fetch_raw(sql, vec![(Val::Text(table.to_string()), FieldType::String)], &[FieldType::String, FieldType::String, FieldType::String])
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let mut it = r.into_iter();
            let name = it.next().and_then(Val::text).unwrap_or_default();
            let nullable = it.next().and_then(Val::text).is_some_and(|s| s == "YES");
            let has_default = it.next().and_then(Val::text).is_some_and(|s| !s.is_empty() && s != "NULL");
            ColumnInfo { name, nullable, has_default }
        })
        .collect())
}

/// The statements that would bring the database to the schema (what `generate` prints).
pub async fn plan(store: &SqlStore) -> AuthResult<Vec<String>> {
    let d = store.dialect();
    let s = store.schema();
    let existing_tables = tables(store).await?;
    let existing_indexes = indexes(store).await?;
    let mut creates = Vec::new();
    let mut index_stmts = Vec::new();
    for m in s.models() {
        if !existing_tables.iter().any(|t| t == &m.table) {
            creates.push(d.create_table(m, s));
        } else {
            let cols = columns(store, &m.table).await?;
            for f in &m.fields {
                if cols.iter().any(|c| c.name == f.column) {
                    continue;
                }
                let def = d.column_def(f, s.ids, &s.user.table, s.user.col("id"), true);
                if f.required && f.default.is_none() && !f.db_default_now {
                    return Err(AuthError::internal(format!(
                        "cannot add required column {}.{} without a default to an existing table; give the field a defaultValue or add the column by hand",
                        m.table, f.column
                    )));
                }
                creates.push(format!("alter table {} add column {def}", d.q(&m.table)));
                if f.unique {
                    let (name, sql) = d.unique_index(m, f);
                    if !existing_indexes.iter().any(|i| i == &name) {
                        index_stmts.push(sql);
                    }
                }
            }
        }
        for (name, sql) in d.indexes(m) {
            if !existing_indexes.iter().any(|i| i == &name) {
                index_stmts.push(sql);
            }
        }
    }
    creates.extend(index_stmts);
    Ok(creates)
}

/// Applies [`plan`].
pub async fn migrate(store: &SqlStore) -> AuthResult<()> {
    for stmt in plan(store).await? {
        store.db().raw(stmt.clone()).await.map_err(|e| AuthError::internal(format!("migration failed on `{stmt}`: {e}")))?;
    }
    Ok(())
}
