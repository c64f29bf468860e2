//! Access control as Better Auth's `createAccessControl` / `role().authorize` evaluate it, and
//! the admin plugin's `hasPermission`: role definitions (resource → allowed actions) arrive once
//! in the options (`roles: { name: { statements } }`) and every check runs here.
use serde_json::{Map, Value};

/// A role's statements: resource → allowed actions, in definition order.
pub type Statements = Map<String, Value>;

/// What `role.authorize(request, connector)` answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Authorize {
    /// `{ success: true }`
    Allowed,
    /// `{ success: false, error }`
    Denied(String),
    /// Better Auth throws `Invalid access control request` (a resource's request is neither a
    /// list nor an object).
    Invalid,
}

fn allowed(allowed_actions: &Value, action: &Value) -> bool {
    match (allowed_actions, action) {
        (Value::Array(list), Value::String(a)) => list.iter().any(|x| x.as_str() == Some(a)),
        // JS `"...".includes(action)` on a statement written as a string
        (Value::String(list), Value::String(a)) => list.contains(a.as_str()),
        _ => false,
    }
}

/// JavaScript falsiness of a statement value (`!allowedActions`).
fn absent(v: &Value) -> bool {
    match v {
        Value::Null | Value::Bool(false) => true,
        Value::String(s) => s.is_empty(),
        Value::Number(n) => n.as_f64() == Some(0.0),
        _ => false,
    }
}

/// `role(statements).authorize(request, connector)`; `any` is the outer `"OR"` connector.
pub fn authorize(statements: &Statements, request: &Map<String, Value>, any: bool) -> Authorize {
    let mut authorized_one = false;
    for (resource, requested) in request {
        // JS: `statements[resource]` is falsy only when absent (an empty list is truthy)
        let Some(allowed_actions) = statements.get(resource).filter(|v| !absent(v)) else {
            if !any {
                return Authorize::Denied(format!("You are not allowed to access resource: {resource}"));
            }
            continue;
        };
        let (actions, inner_or): (&[Value], bool) = match requested {
            Value::Array(a) => (a, false),
            Value::Object(o) => {
                let inner_or = o.get("connector").and_then(Value::as_str) == Some("OR");
                match o.get("actions") {
                    Some(Value::Array(a)) => (a, inner_or),
                    _ => (&[], inner_or),
                }
            }
            _ => return Authorize::Invalid,
        };
        let ok = !actions.is_empty()
            && if inner_or { actions.iter().any(|a| allowed(allowed_actions, a)) } else { actions.iter().all(|a| allowed(allowed_actions, a)) };
        if ok {
            authorized_one = true;
            if any {
                return Authorize::Allowed;
            }
        } else if !any {
            return Authorize::Denied(format!("unauthorized to access resource \"{resource}\""));
        }
    }
    if authorized_one { Authorize::Allowed } else { Authorize::Denied("Not authorized".into()) }
}

/// Better Auth's admin `defaultStatements`.
pub fn default_statements() -> Statements {
    let mut m = Map::new();
    m.insert(
        "user".into(),
        Value::from(vec![
            "create", "list", "set-role", "ban", "impersonate", "impersonate-admins", "delete", "set-password", "set-email", "set-phone", "get", "update",
        ]),
    );
    m.insert("session".into(), Value::from(vec!["list", "revoke", "delete"]));
    m
}

/// `defaultRoles`: `admin` (every default action but `impersonate-admins`) and `user` (none).
pub fn default_roles() -> Vec<(String, Option<Statements>)> {
    let mut admin = Map::new();
    admin.insert(
        "user".into(),
        Value::from(vec!["create", "list", "set-role", "ban", "impersonate", "delete", "set-password", "set-email", "set-phone", "get", "update"]),
    );
    admin.insert("session".into(), Value::from(vec!["list", "revoke", "delete"]));
    let mut user = Map::new();
    user.insert("user".into(), Value::Array(Vec::new()));
    user.insert("session".into(), Value::Array(Vec::new()));
    vec![("admin".into(), Some(admin)), ("user".into(), Some(user))]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    #[test]
    fn authorize_follows_better_auth() {
        let st = obj(json!({ "project": ["create", "read"], "user": [] }));
        assert_eq!(authorize(&st, &obj(json!({ "project": ["create"] })), false), Authorize::Allowed);
        assert_eq!(authorize(&st, &obj(json!({ "project": ["create", "delete"] })), false), Authorize::Denied("unauthorized to access resource \"project\"".into()));
        assert_eq!(authorize(&st, &obj(json!({ "project": { "actions": ["create", "delete"], "connector": "OR" } })), false), Authorize::Allowed);
        assert_eq!(authorize(&st, &obj(json!({ "other": ["x"] })), false), Authorize::Denied("You are not allowed to access resource: other".into()));
        assert_eq!(authorize(&st, &obj(json!({ "other": ["x"], "project": ["read"] })), true), Authorize::Allowed);
        assert_eq!(authorize(&st, &obj(json!({ "user": ["x"] })), true), Authorize::Denied("Not authorized".into()));
        assert_eq!(authorize(&st, &obj(json!({})), false), Authorize::Denied("Not authorized".into()));
        assert_eq!(authorize(&st, &obj(json!({ "project": [] })), false), Authorize::Denied("unauthorized to access resource \"project\"".into()));
        assert_eq!(authorize(&st, &obj(json!({ "project": "create" })), false), Authorize::Invalid);
        assert_eq!(authorize(&st, &obj(json!({ "project": { "actions": "create" } })), false), Authorize::Denied("unauthorized to access resource \"project\"".into()));
        assert_eq!(authorize(&st, &obj(json!({ "project": [1] })), false), Authorize::Denied("unauthorized to access resource \"project\"".into()));
    }
}
