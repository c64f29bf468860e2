//! Better Auth's adapter `where` clauses (`{ field, operator, value, connector }`), for queries
//! an endpoint builds from user input (the admin plugin's `list-users`): fields are logical
//! names checked against the model, values are coerced to the field's type as Better Auth's
//! adapter factory does (`"true"` → `true` for booleans, numeric strings for numbers), and the
//! SQL is built with placeholders only.
use super::schema::{Dialect, FieldType, Model};
use super::value::Val;
use crate::error::{AuthError, AuthResult};
use serde_json::Value;

/// A `where` operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `eq`
    Eq,
    /// `ne`
    Ne,
    /// `lt`
    Lt,
    /// `lte`
    Lte,
    /// `gt`
    Gt,
    /// `gte`
    Gte,
    /// `in`
    In,
    /// `not_in`
    NotIn,
    /// `contains`
    Contains,
    /// `starts_with`
    StartsWith,
    /// `ends_with`
    EndsWith,
}

impl Op {
    /// By Better Auth's name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "eq" => Op::Eq,
            "ne" => Op::Ne,
            "lt" => Op::Lt,
            "lte" => Op::Lte,
            "gt" => Op::Gt,
            "gte" => Op::Gte,
            "in" => Op::In,
            "not_in" => Op::NotIn,
            "contains" => Op::Contains,
            "starts_with" => Op::StartsWith,
            "ends_with" => Op::EndsWith,
            _ => return None,
        })
    }
}

/// One condition; conditions of a query are joined with `AND`.
#[derive(Debug, Clone, PartialEq)]
pub struct Cond {
    /// Logical field name (`email`, `role`, an additional field).
    pub field: String,
    /// Operator.
    pub op: Op,
    /// Value (a list for `in` / `not_in`).
    pub value: Value,
}

/// A `findMany` on users.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UserQuery {
    /// Conditions, joined with `AND`.
    pub conds: Vec<Cond>,
    /// `sortBy` field and descending.
    pub sort: Option<(String, bool)>,
    /// `limit`.
    pub limit: Option<i64>,
    /// `offset`.
    pub offset: Option<i64>,
}

fn unknown(field: &str, model: &Model) -> AuthError {
    AuthError::internal(format!("unknown field {field} of {}", model.key))
}

/// A value as the column of type `ty` takes it (Better Auth's adapter coercions of query strings).
fn coerce(v: &Value, ty: FieldType) -> Val {
    match (ty, v) {
        (FieldType::Boolean, Value::String(s)) if s == "true" || s == "false" => Val::Bool(s == "true"),
        (FieldType::Boolean, Value::Bool(b)) => Val::Bool(*b),
        (FieldType::Number, Value::String(s)) => match s.trim().parse::<f64>() {
            Ok(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Val::Int(f as i64),
            Ok(f) if f.is_finite() => Val::Float(f),
            _ => Val::Text(s.clone()),
        },
        (FieldType::Date, Value::String(s)) => crate::time::parse_date(s).map(Val::Date).unwrap_or_else(|| Val::Text(s.clone())),
        (FieldType::Date, Value::Number(n)) => n.as_i64().map(Val::Date).unwrap_or(Val::Null),
        (FieldType::String, Value::Number(_) | Value::Bool(_)) => Val::Text(v.to_string()),
        _ => Val::from_json(v, ty),
    }
}

fn like_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `<cond> and <cond> ...` with placeholders numbered from `params.len() + 1`. An unknown field
/// is an error (Better Auth's adapters throw; the caller decides what the client sees).
pub fn where_sql(d: Dialect, m: &Model, conds: &[Cond], params: &mut Vec<(Val, FieldType)>) -> AuthResult<String> {
    let mut parts = Vec::with_capacity(conds.len());
    for c in conds {
        let f = m.field(&c.field).ok_or_else(|| unknown(&c.field, m))?;
        let col = d.q(&f.column);
        let bind = |v: Val, t: FieldType, params: &mut Vec<(Val, FieldType)>| {
            params.push((v, t));
            d.p(params.len())
        };
        let part = match c.op {
            Op::Eq | Op::Ne | Op::Lt | Op::Lte | Op::Gt | Op::Gte => {
                let v = coerce(&c.value, f.ty);
                if v == Val::Null && matches!(c.op, Op::Eq | Op::Ne) {
                    format!("{col} is {}null", if c.op == Op::Ne { "not " } else { "" })
                } else {
                    let sym = match c.op {
                        Op::Eq => "=",
                        Op::Ne => "<>",
                        Op::Lt => "<",
                        Op::Lte => "<=",
                        Op::Gt => ">",
                        _ => ">=",
                    };
                    let t = if matches!(v, Val::Text(_)) && f.ty != FieldType::Id { FieldType::String } else { f.ty };
                    format!("{col} {sym} {}", bind(v, t, params))
                }
            }
            Op::In | Op::NotIn => {
                let items: Vec<Value> = match &c.value {
                    Value::Array(a) => a.clone(),
                    other => vec![other.clone()],
                };
                if items.is_empty() {
                    // `in ()` is not SQL: nothing matches `in`, everything matches `not in`
                    if c.op == Op::In { "1 = 0".to_string() } else { "1 = 1".to_string() }
                } else {
                    let ps: Vec<String> = items.iter().map(|v| bind(coerce(v, f.ty), f.ty, params)).collect();
                    format!("{col} {}in ({})", if c.op == Op::NotIn { "not " } else { "" }, ps.join(", "))
                }
            }
            Op::Contains | Op::StartsWith | Op::EndsWith => {
                let s = like_text(&c.value);
                let pattern = match c.op {
                    Op::Contains => format!("%{s}%"),
                    Op::StartsWith => format!("{s}%"),
                    _ => format!("%{s}"),
                };
                format!("{col} like {}", bind(Val::Text(pattern), FieldType::String, params))
            }
        };
        parts.push(part);
    }
    Ok(parts.join(" and "))
}

/// ` order by ... limit ... offset ...` for a query on `m`.
pub fn tail_sql(d: Dialect, m: &Model, q: &UserQuery) -> AuthResult<String> {
    let mut s = String::new();
    if let Some((field, desc)) = &q.sort {
        let f = m.field(field).ok_or_else(|| unknown(field, m))?;
        s.push_str(&format!(" order by {} {}", d.q(&f.column), if *desc { "desc" } else { "asc" }));
    }
    match (q.limit, q.offset) {
        (Some(l), Some(o)) => s.push_str(&format!(" limit {} offset {}", l.max(0), o.max(0))),
        (Some(l), None) => s.push_str(&format!(" limit {}", l.max(0))),
        // SQLite and MySQL take an offset only after a limit
        (None, Some(o)) => match d {
            Dialect::Postgres => s.push_str(&format!(" offset {}", o.max(0))),
            Dialect::Sqlite => s.push_str(&format!(" limit -1 offset {}", o.max(0))),
            Dialect::Mysql => s.push_str(&format!(" limit 18446744073709551615 offset {}", o.max(0))),
        },
        (None, None) => {}
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::schema::Schema;
    use serde_json::json;

    fn user() -> Model {
        Schema::from_options(&json!({})).expect("schema").user
    }

    #[test]
    fn builds_placeholders_and_coerces() {
        let m = user();
        let mut p = Vec::new();
        let conds = vec![
            Cond { field: "email".into(), op: Op::Contains, value: json!("a") },
            Cond { field: "emailVerified".into(), op: Op::Eq, value: json!("true") },
            Cond { field: "name".into(), op: Op::In, value: json!(["x", "y"]) },
        ];
        let sql = where_sql(Dialect::Postgres, &m, &conds, &mut p).expect("sql");
        assert_eq!(sql, r#""email" like $1 and "emailVerified" = $2 and "name" in ($3, $4)"#);
        assert_eq!(p[0].0, Val::Text("%a%".into()));
        assert_eq!(p[1].0, Val::Bool(true));
        assert!(where_sql(Dialect::Sqlite, &m, &[Cond { field: "nope".into(), op: Op::Eq, value: json!(1) }], &mut p).is_err());
    }

    #[test]
    fn offset_without_limit_per_dialect() {
        let m = user();
        let q = UserQuery { offset: Some(2), sort: Some(("createdAt".into(), true)), ..Default::default() };
        assert_eq!(tail_sql(Dialect::Sqlite, &m, &q).expect("sql"), r#" order by "createdAt" desc limit -1 offset 2"#);
        assert_eq!(tail_sql(Dialect::Postgres, &m, &q).expect("sql"), r#" order by "createdAt" desc offset 2"#);
        assert!(tail_sql(Dialect::Mysql, &m, &UserQuery { sort: Some(("x".into(), false)), ..Default::default() }).is_err());
    }
}
