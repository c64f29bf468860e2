//! Better Auth's `internalAdapter` verification-value helpers, as the plugins that keep tokens
//! and codes in the `verification` table call them (magic link, email OTP, and the
//! `revokeUnprovenAccountAccess` lock): `createVerificationValue` (always a new row),
//! `findVerificationValue` (the newest row), `consumeVerificationValue` (atomic single use),
//! `deleteVerificationByIdentifier`, `updateVerificationByIdentifier` (expiry) and
//! `reserveVerificationValue`, with the `verification` database hooks Better Auth runs.
use super::Call;
use super::db_hooks;
use crate::error::AuthResult;
use crate::store::Verification;

/// `createVerificationValue({ identifier, value, expiresAt })`: inserts a new row (never an
/// upsert). `None` when a `verification.create.before` hook cancelled it.
pub async fn create(call: &Call<'_>, identifier: &str, value: &str, expires_at: i64) -> AuthResult<Option<Verification>> {
    let ctx = call.ctx;
    let now = ctx.now();
    let mut v = Verification {
        id: ctx.generate_id("verification").await?,
        identifier: identifier.to_string(),
        value: value.to_string(),
        expires_at,
        created_at: now,
        updated_at: now,
    };
    Ok(db_hooks::create_verification(call, &mut v).await?.then_some(v))
}

/// `findVerificationValue(identifier)`: the newest row, expired or not.
pub async fn find(call: &Call<'_>, identifier: &str) -> AuthResult<Option<Verification>> {
    call.ctx.store().await?.find_verification(identifier).await
}

/// `consumeVerificationValue(identifier)`: deletes the newest row (and older rows of the
/// identifier) and returns it; `None` when there is none, another caller consumed it first, a
/// `verification.delete.before` hook refused, or it had expired (it is deleted all the same).
pub async fn consume(call: &Call<'_>, identifier: &str) -> AuthResult<Option<Verification>> {
    let store = call.ctx.store().await?;
    let Some(latest) = store.find_verification(identifier).await? else { return Ok(None) };
    if db_hooks::any(call, "verification", "delete")
        && db_hooks::before(call, "verification", "delete", db_hooks::verification_json(&latest)).await?.is_none()
    {
        return Ok(None);
    }
    if !store.consume_verification(&latest).await? {
        return Ok(None);
    }
    db_hooks::after(call, "verification", "delete", db_hooks::verification_json(&latest)).await?;
    if latest.expires_at < call.ctx.now() {
        return Ok(None);
    }
    Ok(Some(latest))
}

/// `deleteVerificationByIdentifier(identifier)`: deletes every row of the identifier (hooks see
/// the newest one, as Better Auth's `deleteWithHooks` sees the first match).
pub async fn delete_all(call: &Call<'_>, identifier: &str) -> AuthResult<()> {
    let store = call.ctx.store().await?;
    if db_hooks::any(call, "verification", "delete") {
        if let Some(v) = store.find_verification(identifier).await? {
            db_hooks::delete_verification(call, &v).await?;
        }
        return Ok(());
    }
    store.delete_verification(identifier).await?;
    Ok(())
}

/// `updateVerificationByIdentifier(identifier, { expiresAt })`.
pub async fn update_expiry(call: &Call<'_>, identifier: &str, mut expires_at: i64) -> AuthResult<()> {
    let ctx = call.ctx;
    // `updateVerificationByIdentifier` runs `databaseHooks.verification.update` (a before hook
    // may cancel it or change `expiresAt`)
    let hooked = db_hooks::any(call, "verification", "update");
    if hooked {
        let data = serde_json::json!({ "expiresAt": crate::time::to_iso(expires_at) });
        match db_hooks::before(call, "verification", "update", data).await? {
            None => return Ok(()),
            Some(serde_json::Value::Object(d)) => {
                if let Some(ms) = d.get("expiresAt").and_then(serde_json::Value::as_str).and_then(crate::time::parse_date) {
                    expires_at = ms;
                }
            }
            Some(_) => {}
        }
    }
    let store = ctx.store().await?;
    store.update_verification_expiry(identifier, expires_at, ctx.now()).await?;
    if hooked && let Some(v) = store.find_verification(identifier).await? {
        db_hooks::after(call, "verification", "update", db_hooks::verification_json(&v)).await?;
    }
    Ok(())
}

/// The primary key `reserveVerificationValue` gives a reservation: SHA-256 of
/// `reserve:<identifier>`, as base64url without padding, or shaped as a v5-style UUID under
/// `generateId: "uuid"` (Better Auth's `encodeDeterministicId`).
pub fn reservation_id(identifier: &str, uuid: bool) -> String {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("reserve:{identifier}").as_bytes());
    if !uuid {
        return base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest);
    }
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 15) | 80;
    b[8] = (b[8] & 63) | 128;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..])
}

/// `reserveVerificationValue({ identifier, value, expiresAt })`: first writer wins (no hooks,
/// as in Better Auth). False when the reservation is already held.
pub async fn reserve(call: &Call<'_>, identifier: &str, value: &str, expires_at: i64) -> AuthResult<bool> {
    let ctx = call.ctx;
    let now = ctx.now();
    let uuid = ctx.config.schema.ids == crate::store::schema::IdStrategy::Uuid;
    let mut id = reservation_id(identifier, uuid);
    // MySQL's id column is varchar(36): Better Auth's 43-character id does not fit there (its
    // insert fails and the flow answers 500); the first 36 characters keep the lock working
    if matches!(ctx.config.database, crate::config::DatabaseConfig::Mysql { .. }) {
        id.truncate(36);
    }
    let v = Verification {
        id,
        identifier: identifier.to_string(),
        value: value.to_string(),
        expires_at,
        created_at: now,
        updated_at: now,
    };
    ctx.store().await?.reserve_verification(&v).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reservation_ids_are_better_auths() {
        // computed with Node's crypto the way encodeDeterministicId does
        assert_eq!(reservation_id("revoke-unproven-account-access:u1", false), "7ycdmckXNuWfh9UvV6GEW2D3rxiV3QY0AA2Wd-RbaEw");
        assert_eq!(reservation_id("revoke-unproven-account-access:u1", true), "ef271d99-c917-56e5-9f87-d52f57a1845b");
    }
}
