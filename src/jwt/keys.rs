//! Key pairs of Better Auth's JWT plugin and their JWK forms.
//!
//! Better Auth makes keys with jose `generateKeyPair` and exports them with jose `exportJWK`,
//! i.e. WebCrypto `exportKey("jwk")` minus `ext`, `key_ops`, `alg`, `use`. The member order is
//! therefore Node's native JWK export order, which `JSON.stringify` keeps:
//!
//! | key     | public JWK               | private JWK                                   |
//! |---------|--------------------------|-----------------------------------------------|
//! | Ed25519 | `crv, x, kty`            | `crv, d, x, kty`                              |
//! | EC      | `kty, x, y, crv`         | `kty, x, y, crv, d`                           |
//! | RSA     | `kty, n, e`              | `kty, n, e, d, p, q, dp, dq, qi`              |
//!
//! All members are base64url without padding; EC coordinates and `d` are padded to the field
//! size (32 bytes for P-256, 66 for P-521), RSA integers are minimal big-endian.
//!
//! The jwks row keeps `publicKey = JSON.stringify(public JWK)` and
//! `privateKey = JSON.stringify(symmetricEncrypt(secret, JSON.stringify(private JWK)))` (a JSON
//! string literal, quotes included), or the raw private JWK JSON when private-key encryption is
//! disabled: see [`seal_private_key_column`] / [`open_private_key_column`].
use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{DecodingKey, EncodingKey};
use rand_core06::OsRng;
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use rsa::{BigUint, RsaPrivateKey, RsaPublicKey};
use serde_json::{Map, Value};

use super::{Algorithm, jws};
use crate::crypto::envelope::{self, SecretConfig};
use crate::error::{AuthError, AuthResult};

/// PKCS#8 v1 DER prefix of an Ed25519 private key; the 32-byte seed follows.
pub(crate) const ED25519_PKCS8_PREFIX: [u8; 16] =
    [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];

/// Default RSA modulus size of Better Auth's RS256/PS256 keys (jose's default).
pub const DEFAULT_RSA_BITS: usize = 2048;

/// Smallest RSA modulus accepted for RS256/PS256 (jose refuses shorter keys).
pub const MIN_RSA_BITS: usize = 2048;

/// A private signing key of the JWT plugin together with the algorithm it signs for.
pub struct KeyPair {
    alg: Algorithm,
    key: PrivateKey,
}

enum PrivateKey {
    Ed25519 { key: ed25519_dalek::SigningKey, encoding: EncodingKey },
    P256 { key: p256::ecdsa::SigningKey, encoding: EncodingKey },
    P521(p521::ecdsa::SigningKey),
    Rsa { key: Box<RsaPrivateKey>, encoding: EncodingKey },
}

impl fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyPair").field("alg", &self.alg).field("key", &"<redacted>").finish()
    }
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn bad_key(msg: impl Into<String>) -> AuthError {
    AuthError::internal(format!("invalid JWK: {}", msg.into()))
}

/// A base64url member of a JWK object, decoded.
fn member(jwk: &Map<String, Value>, name: &str) -> AuthResult<Vec<u8>> {
    let text = jwk.get(name).and_then(Value::as_str).ok_or_else(|| bad_key(format!("missing {name:?}")))?;
    URL_SAFE_NO_PAD.decode(text).map_err(|_| bad_key(format!("{name:?} is not base64url")))
}

/// A base64url member that must be exactly `len` bytes long.
fn member_sized(jwk: &Map<String, Value>, name: &str, len: usize) -> AuthResult<Vec<u8>> {
    let bytes = member(jwk, name)?;
    if bytes.len() != len {
        return Err(bad_key(format!("{name:?} must be {len} bytes")));
    }
    Ok(bytes)
}

/// Checks `kty` (and `crv` when given), and that a present `alg` member names `alg`.
fn expect_shape(jwk: &Map<String, Value>, alg: Algorithm, kty: &str, crv: Option<&str>) -> AuthResult<()> {
    if jwk.get("kty").and_then(Value::as_str) != Some(kty) {
        return Err(bad_key(format!("{alg} needs kty {kty:?}")));
    }
    if let Some(crv) = crv
        && jwk.get("crv").and_then(Value::as_str) != Some(crv)
    {
        return Err(bad_key(format!("{alg} needs crv {crv:?}")));
    }
    if let Some(a) = jwk.get("alg")
        && a.as_str() != Some(alg.as_str())
    {
        return Err(bad_key(format!("JWK alg {a} does not match {alg}")));
    }
    Ok(())
}

fn as_object(jwk: &Value) -> AuthResult<&Map<String, Value>> {
    jwk.as_object().ok_or_else(|| bad_key("not a JSON object"))
}

fn parse_json(json: &str) -> AuthResult<Value> {
    serde_json::from_str(json).map_err(|_| bad_key("not valid JSON"))
}

/// Builds a JSON object in the given member order.
fn ordered(members: Vec<(&str, String)>) -> Value {
    Value::Object(members.into_iter().map(|(k, v)| (k.to_string(), Value::String(v))).collect())
}

fn check_rsa_alg(alg: Algorithm) -> AuthResult<()> {
    match alg {
        Algorithm::RS256 | Algorithm::PS256 => Ok(()),
        other => Err(AuthError::internal(format!("{other} is not an RSA algorithm"))),
    }
}

fn check_rsa_size(n: &BigUint) -> AuthResult<()> {
    if n.bits() < MIN_RSA_BITS {
        return Err(bad_key(format!("RSA modulus must be at least {MIN_RSA_BITS} bits")));
    }
    Ok(())
}

impl KeyPair {
    /// A fresh key for `alg` with Better Auth's defaults (Ed25519, P-256, P-521, RSA 2048).
    /// HS256 is not a key-pair algorithm and is refused.
    pub fn generate(alg: Algorithm) -> AuthResult<Self> {
        match alg {
            Algorithm::EdDSA => Ok(Self::from_ed25519(ed25519_dalek::SigningKey::generate(&mut OsRng))),
            Algorithm::ES256 => Self::from_p256(p256::ecdsa::SigningKey::random(&mut OsRng)),
            Algorithm::ES512 => Ok(Self::from_p521(p521::ecdsa::SigningKey::random(&mut OsRng))),
            Algorithm::RS256 | Algorithm::PS256 => Self::generate_rsa(alg, DEFAULT_RSA_BITS),
            Algorithm::HS256 => Err(AuthError::internal("HS256 uses a shared secret, not a key pair")),
        }
    }

    /// A fresh RSA key of `bits` (at least 2048) for RS256 or PS256 (`keyPairConfig.modulusLength`).
    pub fn generate_rsa(alg: Algorithm, bits: usize) -> AuthResult<Self> {
        check_rsa_alg(alg)?;
        if bits < MIN_RSA_BITS {
            return Err(AuthError::internal(format!("RSA keys must be at least {MIN_RSA_BITS} bits")));
        }
        let key = RsaPrivateKey::new(&mut OsRng, bits)
            .map_err(|e| AuthError::internal(format!("RSA key generation failed: {e}")))?;
        Self::from_rsa(alg, key)
    }

    /// The Ed25519 (EdDSA) key of a 32-byte seed, i.e. the JWK `d` member.
    pub fn from_ed25519_seed(seed: &[u8; 32]) -> Self {
        Self::from_ed25519(ed25519_dalek::SigningKey::from_bytes(seed))
    }

    /// Imports a private JWK object (`d` and friends) as Better Auth stores it, for `alg`
    /// (the jwks row's `alg`, or `keyPairConfig.alg ?? "EdDSA"` when that column is null).
    /// Public members present in the JWK must match the private key.
    pub fn from_private_jwk(alg: Algorithm, jwk: &Value) -> AuthResult<Self> {
        let jwk = as_object(jwk)?;
        let pair = match alg {
            Algorithm::EdDSA => {
                expect_shape(jwk, alg, "OKP", Some("Ed25519"))?;
                let d = member_sized(jwk, "d", 32)?;
                let mut seed = [0u8; 32];
                seed.copy_from_slice(&d);
                Self::from_ed25519_seed(&seed)
            }
            Algorithm::ES256 => {
                expect_shape(jwk, alg, "EC", Some("P-256"))?;
                let d = member_sized(jwk, "d", 32)?;
                let key = p256::ecdsa::SigningKey::from_slice(&d).map_err(|_| bad_key("invalid P-256 scalar"))?;
                Self::from_p256(key)?
            }
            Algorithm::ES512 => {
                expect_shape(jwk, alg, "EC", Some("P-521"))?;
                let d = member_sized(jwk, "d", 66)?;
                let key = p521::ecdsa::SigningKey::from_slice(&d).map_err(|_| bad_key("invalid P-521 scalar"))?;
                Self::from_p521(key)
            }
            Algorithm::RS256 | Algorithm::PS256 => {
                expect_shape(jwk, alg, "RSA", None)?;
                let n = BigUint::from_bytes_be(&member(jwk, "n")?);
                check_rsa_size(&n)?;
                let e = BigUint::from_bytes_be(&member(jwk, "e")?);
                let d = BigUint::from_bytes_be(&member(jwk, "d")?);
                // p and q are optional in a JWK: without them the factors are recovered from d.
                let primes = match (jwk.get("p"), jwk.get("q")) {
                    (Some(_), Some(_)) => {
                        vec![BigUint::from_bytes_be(&member(jwk, "p")?), BigUint::from_bytes_be(&member(jwk, "q")?)]
                    }
                    _ => Vec::new(),
                };
                let key = RsaPrivateKey::from_components(n, e, d, primes)
                    .map_err(|e| bad_key(format!("invalid RSA key: {e}")))?;
                Self::from_rsa(alg, key)?
            }
            Algorithm::HS256 => return Err(AuthError::internal("HS256 uses a shared secret, not a JWK")),
        };
        // Public members, when present, must belong to this private key.
        let public = pair.public_jwk();
        for name in ["x", "y", "n", "e"] {
            if let Some(given) = jwk.get(name)
                && public.get(name) != Some(given)
            {
                return Err(bad_key(format!("{name:?} does not match the private key")));
            }
        }
        Ok(pair)
    }

    /// [`KeyPair::from_private_jwk`] from the JWK's JSON text.
    pub fn from_private_jwk_json(alg: Algorithm, json: &str) -> AuthResult<Self> {
        Self::from_private_jwk(alg, &parse_json(json)?)
    }

    fn from_ed25519(key: ed25519_dalek::SigningKey) -> Self {
        let mut der = Vec::with_capacity(48);
        der.extend_from_slice(&ED25519_PKCS8_PREFIX);
        der.extend_from_slice(key.as_bytes());
        let encoding = EncodingKey::from_ed_der(&der);
        KeyPair { alg: Algorithm::EdDSA, key: PrivateKey::Ed25519 { key, encoding } }
    }

    fn from_p256(key: p256::ecdsa::SigningKey) -> AuthResult<Self> {
        use p256::pkcs8::EncodePrivateKey;
        let der = key.to_pkcs8_der().map_err(|_| AuthError::internal("P-256 PKCS#8 encoding failed"))?;
        let encoding = EncodingKey::from_ec_der(der.as_bytes());
        Ok(KeyPair { alg: Algorithm::ES256, key: PrivateKey::P256 { key, encoding } })
    }

    fn from_p521(key: p521::ecdsa::SigningKey) -> Self {
        KeyPair { alg: Algorithm::ES512, key: PrivateKey::P521(key) }
    }

    fn from_rsa(alg: Algorithm, key: RsaPrivateKey) -> AuthResult<Self> {
        check_rsa_alg(alg)?;
        let der = key.to_pkcs1_der().map_err(|_| AuthError::internal("RSA PKCS#1 encoding failed"))?;
        let encoding = EncodingKey::from_rsa_der(der.as_bytes());
        Ok(KeyPair { alg, key: PrivateKey::Rsa { key: Box::new(key), encoding } })
    }

    /// The algorithm this key signs with.
    pub fn alg(&self) -> Algorithm {
        self.alg
    }

    /// The public JWK exactly as Better Auth stores it in `jwks.publicKey` (member order of
    /// Node's JWK export, no `alg`/`kid`), e.g. `{"crv":"Ed25519","x":"…","kty":"OKP"}`.
    pub fn public_jwk(&self) -> Value {
        match &self.key {
            PrivateKey::Ed25519 { key, .. } => ordered(vec![
                ("crv", "Ed25519".into()),
                ("x", b64(key.verifying_key().as_bytes())),
                ("kty", "OKP".into()),
            ]),
            PrivateKey::P256 { key, .. } => {
                let point = key.verifying_key().to_encoded_point(false);
                ec_jwk("P-256", point.x().map(|x| x.as_slice()), point.y().map(|y| y.as_slice()), None)
            }
            PrivateKey::P521(key) => {
                let point = p521_public(key).to_encoded_point(false);
                ec_jwk("P-521", point.x().map(|x| x.as_slice()), point.y().map(|y| y.as_slice()), None)
            }
            PrivateKey::Rsa { key, .. } => ordered(vec![
                ("kty", "RSA".into()),
                ("n", b64(&key.n().to_bytes_be())),
                ("e", b64(&key.e().to_bytes_be())),
            ]),
        }
    }

    /// `JSON.stringify` of [`KeyPair::public_jwk`]: the `jwks.publicKey` column.
    pub fn public_jwk_json(&self) -> String {
        self.public_jwk().to_string()
    }

    /// The private JWK as Better Auth exports it (`{"crv":"Ed25519","d":"…","x":"…","kty":"OKP"}`,
    /// EC `kty,x,y,crv,d`, RSA `kty,n,e,d,p,q,dp,dq,qi`). Secret material: never log it.
    pub fn private_jwk(&self) -> Value {
        match &self.key {
            PrivateKey::Ed25519 { key, .. } => ordered(vec![
                ("crv", "Ed25519".into()),
                ("d", b64(key.as_bytes())),
                ("x", b64(key.verifying_key().as_bytes())),
                ("kty", "OKP".into()),
            ]),
            PrivateKey::P256 { key, .. } => {
                let point = key.verifying_key().to_encoded_point(false);
                let d = key.to_bytes();
                ec_jwk("P-256", point.x().map(|x| x.as_slice()), point.y().map(|y| y.as_slice()), Some(&d))
            }
            PrivateKey::P521(key) => {
                let point = p521_public(key).to_encoded_point(false);
                let d = key.to_bytes();
                ec_jwk("P-521", point.x().map(|x| x.as_slice()), point.y().map(|y| y.as_slice()), Some(&d))
            }
            PrivateKey::Rsa { key, .. } => {
                let mut members = vec![
                    ("kty", "RSA".to_string()),
                    ("n", b64(&key.n().to_bytes_be())),
                    ("e", b64(&key.e().to_bytes_be())),
                    ("d", b64(&key.d().to_bytes_be())),
                ];
                let primes = key.primes();
                if let [p, q] = primes {
                    let one = BigUint::from(1u8);
                    members.push(("p", b64(&p.to_bytes_be())));
                    members.push(("q", b64(&q.to_bytes_be())));
                    members.push(("dp", b64(&(key.d() % (p - &one)).to_bytes_be())));
                    members.push(("dq", b64(&(key.d() % (q - &one)).to_bytes_be())));
                    if let Some(qi) = key.crt_coefficient() {
                        members.push(("qi", b64(&qi.to_bytes_be())));
                    }
                }
                ordered(members)
            }
        }
    }

    /// `JSON.stringify` of [`KeyPair::private_jwk`] (the plaintext of the `privateKey` column).
    pub fn private_jwk_json(&self) -> String {
        self.private_jwk().to_string()
    }

    /// The public half, for verification with this key's algorithm.
    pub fn verifying_key(&self) -> VerifyingKey {
        // jsonwebtoken's `from_ed_der` / `from_ec_der` keep the bytes as given, and its RustCrypto
        // verifiers read them as the raw 32-byte Ed25519 key and the SEC1 point respectively.
        let key = match &self.key {
            PrivateKey::Ed25519 { key, .. } => {
                PublicKey::Jwt(DecodingKey::from_ed_der(key.verifying_key().as_bytes()))
            }
            PrivateKey::P256 { key, .. } => {
                PublicKey::Jwt(DecodingKey::from_ec_der(key.verifying_key().to_encoded_point(false).as_bytes()))
            }
            PrivateKey::P521(key) => PublicKey::P521(p521_public(key)),
            PrivateKey::Rsa { key, .. } => {
                PublicKey::Jwt(DecodingKey::from_rsa_raw_components(&key.n().to_bytes_be(), &key.e().to_bytes_be()))
            }
        };
        VerifyingKey { alg: self.alg, key }
    }

    /// Signs `claims` (a JSON object, signed exactly as given) as a compact JWS with Better
    /// Auth's header `{"alg":"<alg>","kid":"<kid>"}` (no `typ`; no `kid` when `None`).
    /// The caller adds `iat`/`exp`/`iss`/`aud`/`sub`; give NumericDates as integers, since
    /// serde_json writes `1.0` where `JSON.stringify` writes `1`.
    pub fn sign(&self, kid: Option<&str>, claims: &Value) -> AuthResult<String> {
        jws::encode(self.alg, kid, claims, |message| self.sign_message(message))
    }

    /// The base64url signature of `message` (the JWS signing input).
    fn sign_message(&self, message: &[u8]) -> AuthResult<String> {
        let sign_with = |encoding: &EncodingKey| {
            let alg = self.alg.to_jsonwebtoken().ok_or_else(|| AuthError::internal("unsupported algorithm"))?;
            jsonwebtoken::crypto::sign(message, encoding, alg)
                .map_err(|e| AuthError::internal(format!("JWT signing failed: {e}")))
        };
        match &self.key {
            PrivateKey::Ed25519 { encoding, .. }
            | PrivateKey::P256 { encoding, .. }
            | PrivateKey::Rsa { encoding, .. } => sign_with(encoding),
            PrivateKey::P521(key) => {
                use p521::ecdsa::signature::Signer;
                let signature: p521::ecdsa::Signature =
                    key.try_sign(message).map_err(|_| AuthError::internal("ES512 signing failed"))?;
                Ok(b64(&signature.to_bytes()))
            }
        }
    }
}

/// The public half of a P-521 key (`p521` 0.13 gates `SigningKey::verifying_key` behind a
/// feature it does not define, so go through `From`).
fn p521_public(key: &p521::ecdsa::SigningKey) -> p521::ecdsa::VerifyingKey {
    p521::ecdsa::VerifyingKey::from(key)
}

/// An EC JWK in Node's order: `kty, x, y, crv[, d]`.
fn ec_jwk(crv: &str, x: Option<&[u8]>, y: Option<&[u8]>, d: Option<&[u8]>) -> Value {
    let mut members = vec![
        ("kty", "EC".to_string()),
        ("x", b64(x.unwrap_or_default())),
        ("y", b64(y.unwrap_or_default())),
        ("crv", crv.to_string()),
    ];
    if let Some(d) = d {
        members.push(("d", b64(d)));
    }
    ordered(members)
}

/// A public key (or HS256 secret) bound to the one algorithm it verifies. The token header
/// never chooses the algorithm: a token whose `alg` differs is rejected.
pub struct VerifyingKey {
    alg: Algorithm,
    key: PublicKey,
}

enum PublicKey {
    /// Verified by `jsonwebtoken` (EdDSA, ES256, RS256, PS256, HS256).
    Jwt(DecodingKey),
    /// ES512, verified with `p521`.
    P521(p521::ecdsa::VerifyingKey),
}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyingKey").field("alg", &self.alg).finish_non_exhaustive()
    }
}

impl VerifyingKey {
    /// The public key of a JWK (public or private; private members are ignored) for `alg`.
    /// `kty`/`crv` must fit `alg`, a present `alg` member must equal it, and the key material
    /// is validated (point on curve, RSA modulus of at least 2048 bits).
    pub fn from_jwk(alg: Algorithm, jwk: &Value) -> AuthResult<Self> {
        let jwk = as_object(jwk)?;
        let key = match alg {
            Algorithm::EdDSA => {
                expect_shape(jwk, alg, "OKP", Some("Ed25519"))?;
                let x = member_sized(jwk, "x", 32)?;
                let mut bytes = [0u8; 32];
                bytes.copy_from_slice(&x);
                ed25519_dalek::VerifyingKey::from_bytes(&bytes).map_err(|_| bad_key("invalid Ed25519 point"))?;
                // Raw key bytes (see `KeyPair::verifying_key`); the length is checked above.
                PublicKey::Jwt(DecodingKey::from_ed_der(&bytes))
            }
            Algorithm::ES256 => {
                expect_shape(jwk, alg, "EC", Some("P-256"))?;
                let point = sec1_point(&member_sized(jwk, "x", 32)?, &member_sized(jwk, "y", 32)?);
                p256::ecdsa::VerifyingKey::from_sec1_bytes(&point).map_err(|_| bad_key("invalid P-256 point"))?;
                PublicKey::Jwt(DecodingKey::from_ec_der(&point))
            }
            Algorithm::ES512 => {
                expect_shape(jwk, alg, "EC", Some("P-521"))?;
                let point = sec1_point(&member_sized(jwk, "x", 66)?, &member_sized(jwk, "y", 66)?);
                PublicKey::P521(
                    p521::ecdsa::VerifyingKey::from_sec1_bytes(&point).map_err(|_| bad_key("invalid P-521 point"))?,
                )
            }
            Algorithm::RS256 | Algorithm::PS256 => {
                expect_shape(jwk, alg, "RSA", None)?;
                let n = member(jwk, "n")?;
                let e = member(jwk, "e")?;
                let n_int = BigUint::from_bytes_be(&n);
                check_rsa_size(&n_int)?;
                RsaPublicKey::new(n_int, BigUint::from_bytes_be(&e))
                    .map_err(|e| bad_key(format!("invalid RSA public key: {e}")))?;
                PublicKey::Jwt(DecodingKey::from_rsa_raw_components(&n, &e))
            }
            Algorithm::HS256 => {
                return Err(AuthError::internal("use VerifyingKey::hs256 for shared-secret tokens"));
            }
        };
        Ok(VerifyingKey { alg, key })
    }

    /// [`VerifyingKey::from_jwk`] from JSON text (e.g. the `jwks.publicKey` column).
    pub fn from_jwk_json(alg: Algorithm, json: &str) -> AuthResult<Self> {
        Self::from_jwk(alg, &parse_json(json)?)
    }

    /// An HS256 key: the UTF-8 bytes of a shared secret (Better Auth's `secret`).
    pub fn hs256(secret: &str) -> Self {
        VerifyingKey { alg: Algorithm::HS256, key: PublicKey::Jwt(DecodingKey::from_secret(secret.as_bytes())) }
    }

    /// The only algorithm this key accepts.
    pub fn alg(&self) -> Algorithm {
        self.alg
    }

    /// True when the base64url `signature` is valid for `message` under this key.
    pub(crate) fn verify_signature(&self, message: &[u8], signature: &str) -> bool {
        match &self.key {
            PublicKey::Jwt(decoding) => match self.alg.to_jsonwebtoken() {
                Some(alg) => jsonwebtoken::crypto::verify(signature, message, decoding, alg).unwrap_or(false),
                None => false,
            },
            PublicKey::P521(key) => {
                use p521::ecdsa::signature::Verifier;
                let Ok(raw) = URL_SAFE_NO_PAD.decode(signature) else { return false };
                let Ok(signature) = p521::ecdsa::Signature::from_slice(&raw) else { return false };
                key.verify(message, &signature).is_ok()
            }
        }
    }
}

/// Uncompressed SEC1 point `04 ‖ x ‖ y`.
fn sec1_point(x: &[u8], y: &[u8]) -> Vec<u8> {
    let mut point = Vec::with_capacity(1 + x.len() + y.len());
    point.push(0x04);
    point.extend_from_slice(x);
    point.extend_from_slice(y);
    point
}

/// One `/jwks` entry as Better Auth serves it: `{alg, crv, ...publicKey, kid}` with JavaScript
/// spread semantics (a member already present keeps its place, `crv` is omitted when neither
/// given nor in the key). `alg` is the row's `alg ?? keyPairConfig.alg ?? "EdDSA"`, `crv` the
/// row's `crv ?? keyPairConfig.crv`, `public_key` the `publicKey` column, `kid` the row id.
pub fn jwks_entry(alg: &str, crv: Option<&str>, public_key: &str, kid: &str) -> AuthResult<Value> {
    let public = parse_json(public_key)?;
    let public = as_object(&public)?;
    let mut entry = Map::new();
    entry.insert("alg".into(), Value::String(alg.to_string()));
    if let Some(crv) = crv {
        entry.insert("crv".into(), Value::String(crv.to_string()));
    } else if public.contains_key("crv") {
        // `crv: undefined` still reserves the second position for the spread value.
        entry.insert("crv".into(), Value::Null);
    }
    for (name, value) in public {
        entry.insert(name.clone(), value.clone());
    }
    entry.insert("kid".into(), Value::String(kid.to_string()));
    Ok(Value::Object(entry))
}

/// The `jwks.privateKey` column for a private JWK's JSON: `JSON.stringify(symmetricEncrypt(…))`
/// (a JSON string literal, quotes included) with `secrets`, or the raw JWK JSON when private
/// key encryption is disabled (`None`).
pub fn seal_private_key_column(secrets: Option<&SecretConfig>, private_jwk_json: &str) -> AuthResult<String> {
    match secrets {
        Some(cfg) => {
            let sealed = envelope::encrypt(cfg, private_jwk_json)?;
            serde_json::to_string(&sealed).map_err(|e| AuthError::internal(format!("JSON encoding failed: {e}")))
        }
        None => Ok(private_jwk_json.to_string()),
    }
}

/// The private JWK JSON held by a `jwks.privateKey` column: `JSON.parse` then
/// `symmetricDecrypt` with `secrets`, or the column as is when encryption is disabled (`None`).
/// A failure means the secret changed (Better Auth: "Failed to decrypt private key").
pub fn open_private_key_column(secrets: Option<&SecretConfig>, column: &str) -> AuthResult<String> {
    match secrets {
        Some(cfg) => {
            let sealed: String = serde_json::from_str(column)
                .map_err(|_| AuthError::internal("jwks privateKey is not a JSON string"))?;
            envelope::decrypt(cfg, &sealed)
                .map_err(|_| AuthError::internal("Failed to decrypt private key"))
        }
        None => Ok(column.to_string()),
    }
}
