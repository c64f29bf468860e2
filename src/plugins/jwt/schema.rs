//! The `jwks` table the `jwt()` plugin adds (when it signs with key pairs), renamable as
//! `jwt({ schema: { jwks: { modelName, fields } } })`.
use crate::config::ConfigError;
use crate::store::schema::{Field, FieldType, Model, Schema, build_model};
use serde_json::Value;

/// Logical name of the table.
pub const JWKS: &str = "jwks";

fn jwks_fields() -> Vec<Field> {
    use FieldType::*;
    vec![
        Field::core("id", Id, true),
        Field::core("publicKey", String, true),
        Field::core("privateKey", String, true),
        Field::core("createdAt", Date, true),
        Field::core("expiresAt", Date, false),
        Field::core("alg", String, false),
        Field::core("crv", String, false),
    ]
}

/// The `jwks` table, renamed as `mapping` (the `schema.jwks` object) says.
pub fn jwks_model(schema: &Schema, mapping: Option<&Value>) -> Result<Model, ConfigError> {
    let model = build_model(JWKS, jwks_fields(), mapping, false)
        .map_err(|e| ConfigError(e.0.replace("option `jwks", "option `plugins[jwt].schema.jwks")))?;
    if schema.is_core_table(&model.table) {
        return Err(ConfigError(format!(
            "Invalid better-auth-rs option `plugins[jwt].schema.jwks.modelName`: \"{}\" is already a core table",
            model.table
        )));
    }
    Ok(model)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::schema::Dialect;
    use crate::store::schema::tests::spec_block;
    use serde_json::json;

    #[test]
    fn jwt_plugin_ddl_is_better_auths() {
        let mut s = Schema::from_options(&json!({})).unwrap();
        let m = jwks_model(&s, None).unwrap();
        s.add_plugin_table(m);
        for (d, name) in [(Dialect::Sqlite, "sqlite"), (Dialect::Postgres, "postgres"), (Dialect::Mysql, "mysql")] {
            let want: Vec<String> = spec_block(&format!("{name} / B (core+jwt+admin+rateLimit)"))
                .into_iter()
                .filter(|l| l.contains("\"jwks\"") || l.contains("`jwks`"))
                .collect();
            assert_eq!(vec![d.create_table(s.plugin_table(JWKS).unwrap(), &s)], want, "{name}");
        }
    }
}
