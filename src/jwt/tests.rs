//! Tests of the JWT engine: Better Auth vectors (V5 column, V6 HS256, V7 EdDSA), round trips
//! for every algorithm, and the rejections that matter (tampering, `alg` substitution, time,
//! issuer, audience).
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use super::keys::ED25519_PKCS8_PREFIX;
use super::*;
use crate::crypto::envelope::SecretConfig;

const S: &str = "test-secret-for-vectors-0123456789abcdef";
const V7_KID: &str = "KidExample0123456789abcdefABCDEF";
const V7_X: &str = "A6EHv_POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg";
const V7_TOKEN: &str = "eyJhbGciOiJFZERTQSIsImtpZCI6IktpZEV4YW1wbGUwMTIzNDU2Nzg5YWJjZGVmQUJDREVGIn0.eyJpYXQiOjE3NjcyMjU2MDAsImlkIjoiVXNlcklkMDEyMzQ1Njc4OWFiY2RlZkFCQ0RFRmdoaWoiLCJlbWFpbCI6ImFsaWNlQGV4YW1wbGUuY29tIiwic3ViIjoiVXNlcklkMDEyMzQ1Njc4OWFiY2RlZkFCQ0RFRmdoaWoiLCJleHAiOjQxMDI0NDQ4MDAsImlzcyI6Imh0dHA6Ly9sb2NhbGhvc3Q6MzAwMCIsImF1ZCI6Imh0dHA6Ly9sb2NhbGhvc3Q6MzAwMCJ9.uv1pOIFTqoSyPXPJFxPqmzaS87S-xKLf3N__EFpIMxjOOsx4X6WHYfhir6qGPBo4ldnP2RYjmHeiGgwbbdI1BA";
const V6_TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.eyJlbWFpbCI6ImFsaWNlQGV4YW1wbGUuY29tIiwiaWF0IjoxNzY3MjI1NjAwLCJleHAiOjQxMDI0NDQ4MDB9.TDv6OIS1RQhkozakzJfBtdlrVGON_X6K-Nc2tSRW0LU";
const ORIGIN: &str = "http://localhost:3000";
const NOW: i64 = 1_767_225_600;
const ALL: [Algorithm; 5] = [Algorithm::EdDSA, Algorithm::ES256, Algorithm::ES512, Algorithm::RS256, Algorithm::PS256];

fn v7_key() -> KeyPair {
    let seed: [u8; 32] = std::array::from_fn(|i| i as u8);
    KeyPair::from_ed25519_seed(&seed)
}

fn segment_json(token: &str, index: usize) -> Value {
    let part = token.split('.').nth(index).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

fn keys_of(v: &Value) -> Vec<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

fn b64_json(v: &Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap())
}

/// A token with any header, HMAC-SHA256-signed with `secret` (for hand-made attacks).
fn hmac_token(header: &Value, claims: &Value, secret: &[u8]) -> String {
    let input = format!("{}.{}", b64_json(header), b64_json(claims));
    let key = jsonwebtoken::EncodingKey::from_secret(secret);
    let sig = jsonwebtoken::crypto::sign(input.as_bytes(), &key, jsonwebtoken::Algorithm::HS256).unwrap();
    format!("{input}.{sig}")
}

fn claims() -> Value {
    json!({"iat": NOW, "id": "u1", "email": "a@example.com", "sub": "u1", "exp": NOW + 900, "iss": ORIGIN, "aud": ORIGIN})
}

// ---- V7: JWT plugin EdDSA ------------------------------------------------------------------

#[test]
fn vector_v7_public_jwk_and_jwks_entry() {
    let key = v7_key();
    assert_eq!(key.alg(), Algorithm::EdDSA);
    assert_eq!(key.public_jwk_json(), format!(r#"{{"crv":"Ed25519","x":"{V7_X}","kty":"OKP"}}"#));
    let entry = jwks_entry("EdDSA", Some("Ed25519"), &key.public_jwk_json(), V7_KID).unwrap();
    // Same members as the vector's JWK, in the order Better Auth's /jwks serves them.
    assert_eq!(
        entry,
        json!({"crv": "Ed25519", "x": V7_X, "kty": "OKP", "alg": "EdDSA", "kid": V7_KID})
    );
    assert_eq!(
        entry.to_string(),
        format!(r#"{{"alg":"EdDSA","crv":"Ed25519","x":"{V7_X}","kty":"OKP","kid":"{V7_KID}"}}"#)
    );
}

#[test]
fn vector_v7_private_jwk_and_pkcs8_prefix() {
    let key = v7_key();
    let private = key.private_jwk_json();
    assert_eq!(
        private,
        format!(r#"{{"crv":"Ed25519","d":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8","x":"{V7_X}","kty":"OKP"}}"#)
    );
    let again = KeyPair::from_private_jwk_json(Algorithm::EdDSA, &private).unwrap();
    assert_eq!(again.public_jwk(), key.public_jwk());
    // The PKCS#8 wrapping the spec gives for Better Auth's seeds.
    let prefix: String = ED25519_PKCS8_PREFIX.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(prefix, "302e020100300506032b657004220420");
    use ed25519_dalek::pkcs8::DecodePrivateKey;
    let mut der = ED25519_PKCS8_PREFIX.to_vec();
    der.extend(0u8..32);
    let parsed = ed25519_dalek::SigningKey::from_pkcs8_der(&der).unwrap();
    assert_eq!(URL_SAFE_NO_PAD.encode(parsed.verifying_key().as_bytes()), V7_X);
}

#[test]
fn vector_v7_token_verifies() {
    let validation = Validation::jwt_plugin(NOW, ORIGIN, ORIGIN);
    let header = decode_header(V7_TOKEN).unwrap();
    assert_eq!(header, Header { alg: "EdDSA".into(), kid: Some(V7_KID.into()), typ: None });
    for key in [
        v7_key().verifying_key(),
        VerifyingKey::from_jwk_json(Algorithm::EdDSA, &v7_key().public_jwk_json()).unwrap(),
        // A /jwks entry (with alg and kid) works as well.
        VerifyingKey::from_jwk(
            Algorithm::EdDSA,
            &json!({"alg": "EdDSA", "crv": "Ed25519", "x": V7_X, "kty": "OKP", "kid": V7_KID}),
        )
        .unwrap(),
    ] {
        let claims = verify(V7_TOKEN, &key, &validation).unwrap();
        assert_eq!(claims["email"], "alice@example.com");
        assert_eq!(claims["sub"], "UserId0123456789abcdefABCDEFghij");
        assert_eq!(claims.keys().collect::<Vec<_>>(), ["iat", "id", "email", "sub", "exp", "iss", "aud"]);
    }
    // At or after exp (4102444800) it is expired.
    assert_eq!(
        verify(V7_TOKEN, &v7_key().verifying_key(), &Validation::jwt_plugin(4_102_444_800, ORIGIN, ORIGIN)),
        Err(JwtError::Expired)
    );
}

#[test]
fn vector_v7_resigning_is_byte_identical() {
    let payload = segment_json(V7_TOKEN, 1);
    let token = v7_key().sign(Some(V7_KID), &payload).unwrap();
    assert_eq!(token, V7_TOKEN);
}

// ---- V6: email-verification HS256 -----------------------------------------------------------

#[test]
fn vector_v6_hs256() {
    let claims = verify_hs256(S, V6_TOKEN, &Validation::at(NOW)).unwrap();
    assert_eq!(claims["email"], "alice@example.com");
    // Signing the same claims gives the same token (header {"alg":"HS256"}, no typ).
    assert_eq!(sign_hs256(S, &Value::Object(claims)).unwrap(), V6_TOKEN);
    assert_eq!(verify_hs256("another-secret", V6_TOKEN, &Validation::at(NOW)), Err(JwtError::InvalidSignature));
    assert_eq!(verify_hs256(S, V6_TOKEN, &Validation::at(4_102_444_800)), Err(JwtError::Expired));
    // An asymmetric key never accepts it.
    assert!(matches!(
        verify(V6_TOKEN, &v7_key().verifying_key(), &Validation::at(NOW)),
        Err(JwtError::AlgorithmMismatch { expected: Algorithm::EdDSA, .. })
    ));
}

// ---- every algorithm ----------------------------------------------------------------------

#[test]
fn round_trip_every_algorithm() {
    for alg in ALL {
        let key = KeyPair::generate(alg).unwrap();
        assert_eq!(key.alg(), alg);
        let token = key.sign(Some("kid-1"), &claims()).unwrap();
        let header = segment_json(&token, 0);
        assert_eq!(header.to_string(), format!(r#"{{"alg":"{alg}","kid":"kid-1"}}"#));
        assert_eq!(segment_json(&token, 1), claims());
        let validation = Validation::jwt_plugin(NOW, ORIGIN, ORIGIN);
        let from_jwk = VerifyingKey::from_jwk_json(alg, &key.public_jwk_json()).unwrap();
        for vk in [key.verifying_key(), from_jwk] {
            assert_eq!(vk.alg(), alg);
            let got = verify(&token, &vk, &validation).unwrap();
            assert_eq!(Value::Object(got), claims(), "{alg}");
        }
        // The private JWK re-imports to the same key: its signatures verify with the old public key.
        let again = KeyPair::from_private_jwk_json(alg, &key.private_jwk_json()).unwrap();
        assert_eq!(again.public_jwk(), key.public_jwk(), "{alg}");
        assert_eq!(again.private_jwk(), key.private_jwk(), "{alg}");
        let token2 = again.sign(None, &claims()).unwrap();
        assert_eq!(segment_json(&token2, 0).to_string(), format!(r#"{{"alg":"{alg}"}}"#));
        verify(&token2, &key.verifying_key(), &validation).unwrap();
        // Signature sizes of a standard JWS.
        let sig = URL_SAFE_NO_PAD.decode(token.rsplit('.').next().unwrap()).unwrap();
        let expected_len = match alg {
            Algorithm::EdDSA | Algorithm::ES256 => 64,
            Algorithm::ES512 => 132,
            _ => 256,
        };
        assert_eq!(sig.len(), expected_len, "{alg}");
    }
}

#[test]
fn jwk_shapes_match_node_export_order() {
    let cases = [
        (Algorithm::EdDSA, vec!["crv", "x", "kty"], vec!["crv", "d", "x", "kty"]),
        (Algorithm::ES256, vec!["kty", "x", "y", "crv"], vec!["kty", "x", "y", "crv", "d"]),
        (Algorithm::ES512, vec!["kty", "x", "y", "crv"], vec!["kty", "x", "y", "crv", "d"]),
        (Algorithm::RS256, vec!["kty", "n", "e"], vec!["kty", "n", "e", "d", "p", "q", "dp", "dq", "qi"]),
    ];
    for (alg, public, private) in cases {
        let key = KeyPair::generate(alg).unwrap();
        let pub_jwk = key.public_jwk();
        let priv_jwk = key.private_jwk();
        assert_eq!(keys_of(&pub_jwk), public, "{alg}");
        assert_eq!(keys_of(&priv_jwk), private, "{alg}");
        match alg {
            Algorithm::ES256 => {
                assert_eq!(pub_jwk["crv"], "P-256");
                for m in ["x", "y"] {
                    assert_eq!(pub_jwk[m].as_str().unwrap().len(), 43);
                }
                assert_eq!(priv_jwk["d"].as_str().unwrap().len(), 43);
            }
            Algorithm::ES512 => {
                assert_eq!(pub_jwk["crv"], "P-521");
                for m in ["x", "y"] {
                    assert_eq!(pub_jwk[m].as_str().unwrap().len(), 88, "66 bytes, zero-padded");
                }
                assert_eq!(priv_jwk["d"].as_str().unwrap().len(), 88);
            }
            Algorithm::RS256 => {
                assert_eq!(pub_jwk["e"], "AQAB");
                assert_eq!(URL_SAFE_NO_PAD.decode(pub_jwk["n"].as_str().unwrap()).unwrap().len(), 256);
            }
            _ => {}
        }
        assert_eq!(alg.crv(), pub_jwk.get("crv").and_then(Value::as_str));
    }
}

#[test]
fn tampered_tokens_are_rejected() {
    for alg in ALL {
        let key = KeyPair::generate(alg).unwrap();
        let vk = key.verifying_key();
        let token = key.sign(Some("k"), &claims()).unwrap();
        let parts: Vec<&str> = token.split('.').collect();
        let validation = Validation::at(NOW);

        let mut forged = claims();
        forged["sub"] = json!("admin");
        let tampered_payload = format!("{}.{}.{}", parts[0], b64_json(&forged), parts[2]);
        assert_eq!(verify(&tampered_payload, &vk, &validation), Err(JwtError::InvalidSignature), "{alg}");

        let mut sig: Vec<char> = parts[2].chars().collect();
        let mid = sig.len() / 2;
        sig[mid] = if sig[mid] == 'A' { 'B' } else { 'A' };
        let tampered_sig = format!("{}.{}.{}", parts[0], parts[1], sig.into_iter().collect::<String>());
        assert_eq!(verify(&tampered_sig, &vk, &validation), Err(JwtError::InvalidSignature), "{alg}");

        let truncated = format!("{}.{}.{}", parts[0], parts[1], &parts[2][..parts[2].len() - 4]);
        assert_eq!(verify(&truncated, &vk, &validation), Err(JwtError::InvalidSignature), "{alg}");

        // Another key of the same algorithm.
        let other = KeyPair::generate(alg).unwrap().verifying_key();
        assert_eq!(verify(&token, &other, &validation), Err(JwtError::InvalidSignature), "{alg}");

        // Same header, different kid: the header is signed too.
        let header = b64_json(&json!({"alg": alg.as_str(), "kid": "other"}));
        let swapped = format!("{header}.{}.{}", parts[1], parts[2]);
        assert_eq!(verify(&swapped, &vk, &validation), Err(JwtError::InvalidSignature), "{alg}");
    }
}

#[test]
fn alg_none_is_rejected() {
    let body = b64_json(&claims());
    for header in [json!({"alg": "none"}), json!({"alg": "None"}), json!({"typ": "JWT"}), json!({"alg": null})] {
        let h = b64_json(&header);
        for token in [format!("{h}.{body}."), format!("{h}.{body}.AAAA")] {
            for vk in [v7_key().verifying_key(), VerifyingKey::hs256(S)] {
                assert!(
                    matches!(verify(&token, &vk, &Validation::at(NOW)), Err(JwtError::AlgorithmMismatch { .. })),
                    "{header}"
                );
            }
        }
    }
}

#[test]
fn hs256_forged_with_the_rsa_public_key_is_rejected() {
    use rsa::pkcs1::{EncodeRsaPublicKey, LineEnding};
    let key = KeyPair::generate(Algorithm::RS256).unwrap();
    let vk = key.verifying_key();
    let jwk = key.public_jwk();
    let n = URL_SAFE_NO_PAD.decode(jwk["n"].as_str().unwrap()).unwrap();
    let e = URL_SAFE_NO_PAD.decode(jwk["e"].as_str().unwrap()).unwrap();
    let public =
        rsa::RsaPublicKey::new(rsa::BigUint::from_bytes_be(&n), rsa::BigUint::from_bytes_be(&e)).unwrap();
    let pem = public.to_pkcs1_pem(LineEnding::LF).unwrap();
    let der = public.to_pkcs1_der().unwrap();
    let jwk_json = key.public_jwk_json();
    let secrets: [&[u8]; 3] = [pem.as_bytes(), der.as_bytes(), jwk_json.as_bytes()];
    for secret in secrets {
        // Honest HS256 header: refused before any HMAC is computed.
        let forged = hmac_token(&json!({"alg": "HS256", "kid": "k"}), &claims(), secret);
        assert_eq!(
            verify(&forged, &vk, &Validation::at(NOW)),
            Err(JwtError::AlgorithmMismatch { expected: Algorithm::RS256, found: "HS256".into() })
        );
        // Lying RS256 header over an HMAC: not an RSA signature.
        let lying = hmac_token(&json!({"alg": "RS256", "kid": "k"}), &claims(), secret);
        assert_eq!(verify(&lying, &vk, &Validation::at(NOW)), Err(JwtError::InvalidSignature));
    }
    // Same RSA material under the other RSA scheme is still a mismatch.
    let ps_vk = VerifyingKey::from_jwk_json(Algorithm::PS256, &key.public_jwk_json()).unwrap();
    let token = key.sign(None, &claims()).unwrap();
    assert!(matches!(verify(&token, &ps_vk, &Validation::at(NOW)), Err(JwtError::AlgorithmMismatch { .. })));
    // And a JWKS entry announcing one alg cannot be loaded as another.
    let entry = jwks_entry("RS256", None, &key.public_jwk_json(), "k").unwrap();
    assert!(VerifyingKey::from_jwk(Algorithm::PS256, &entry).is_err());
    assert!(VerifyingKey::from_jwk(Algorithm::RS256, &entry).is_ok());
}

#[test]
fn es256_accepts_high_s_signatures() {
    // WebCrypto (Better Auth's signer) does not normalise s; both halves must verify.
    use p256::ecdsa::Signature;
    let key = KeyPair::generate(Algorithm::ES256).unwrap();
    let token = key.sign(Some("k"), &claims()).unwrap();
    let (input, sig) = token.rsplit_once('.').unwrap();
    let sig = Signature::from_slice(&URL_SAFE_NO_PAD.decode(sig).unwrap()).unwrap();
    let (r, s) = sig.split_scalars();
    let flipped = Signature::from_scalars(r, -s).unwrap();
    assert_ne!(flipped, sig);
    let other = format!("{input}.{}", URL_SAFE_NO_PAD.encode(flipped.to_bytes()));
    verify(&other, &key.verifying_key(), &Validation::at(NOW)).unwrap();
}

// ---- claims -------------------------------------------------------------------------------

#[test]
fn time_claims() {
    let vk = VerifyingKey::hs256(S);
    let token = |c: Value| sign_hs256(S, &c).unwrap();
    // exp: expired when exp <= now (jose), no leeway unless asked.
    assert_eq!(verify(&token(json!({"exp": NOW})), &vk, &Validation::at(NOW)), Err(JwtError::Expired));
    assert_eq!(verify(&token(json!({"exp": NOW - 1})), &vk, &Validation::at(NOW)), Err(JwtError::Expired));
    assert!(verify(&token(json!({"exp": NOW + 1})), &vk, &Validation::at(NOW)).is_ok());
    assert!(verify(&token(json!({"exp": NOW - 5})), &vk, &Validation::at(NOW).leeway(10)).is_ok());
    assert!(verify(&token(json!({"exp": NOW as f64 + 0.5})), &vk, &Validation::at(NOW)).is_ok());
    // nbf
    assert_eq!(verify(&token(json!({"nbf": NOW + 1})), &vk, &Validation::at(NOW)), Err(JwtError::NotYetValid));
    assert!(verify(&token(json!({"nbf": NOW})), &vk, &Validation::at(NOW)).is_ok());
    assert!(verify(&token(json!({"nbf": NOW + 5})), &vk, &Validation::at(NOW).leeway(10)).is_ok());
    // Types
    assert_eq!(verify(&token(json!({"exp": "9999999999"})), &vk, &Validation::at(NOW)), Err(JwtError::InvalidClaim("exp")));
    assert_eq!(verify(&token(json!({"iat": "x"})), &vk, &Validation::at(NOW)), Err(JwtError::InvalidClaim("iat")));
    assert_eq!(verify(&token(json!({"nbf": null})), &vk, &Validation::at(NOW)), Err(JwtError::InvalidClaim("nbf")));
    // No exp at all is accepted unless required.
    assert!(verify(&token(json!({"a": 1})), &vk, &Validation::at(NOW)).is_ok());
    assert_eq!(
        verify(&token(json!({"a": 1})), &vk, &Validation::at(NOW).require("exp")),
        Err(JwtError::MissingClaim("exp".into()))
    );
}

#[test]
fn issuer_and_audience() {
    let key = v7_key();
    let vk = key.verifying_key();
    let sign = |c: Value| key.sign(Some("k"), &c).unwrap();
    let plugin = Validation::jwt_plugin(NOW, ORIGIN, ORIGIN);
    let base = claims();

    let mut c = base.clone();
    c["iss"] = json!("https://evil.example");
    assert_eq!(verify(&sign(c), &vk, &plugin), Err(JwtError::InvalidIssuer));

    let mut c = base.clone();
    c["aud"] = json!("https://evil.example");
    assert_eq!(verify(&sign(c), &vk, &plugin), Err(JwtError::InvalidAudience));

    let mut c = base.clone();
    c["aud"] = json!(["https://other.example", ORIGIN]);
    assert!(verify(&sign(c), &vk, &plugin).is_ok());

    let mut c = base.clone();
    c["aud"] = json!(["https://other.example"]);
    assert_eq!(verify(&sign(c), &vk, &plugin), Err(JwtError::InvalidAudience));

    let mut c = base.clone();
    c["iss"] = json!(42);
    assert_eq!(verify(&sign(c), &vk, &plugin), Err(JwtError::InvalidIssuer));

    for missing in ["iss", "aud", "sub"] {
        let mut c = base.clone();
        c.as_object_mut().unwrap().remove(missing);
        assert_eq!(verify(&sign(c), &vk, &plugin), Err(JwtError::MissingClaim(missing.into())), "{missing}");
    }
    // Without issuer/audience options nothing is checked.
    let mut c = base.clone();
    c["iss"] = json!("anyone");
    assert!(verify(&sign(c), &vk, &Validation::at(NOW)).is_ok());
}

#[test]
fn malformed_tokens() {
    let vk = VerifyingKey::hs256(S);
    let v = Validation::at(NOW);
    let ok = sign_hs256(S, &json!({"a": 1})).unwrap();
    for bad in ["", ".", "..", "a.b", "a.b.c.d", &format!("{ok}.x"), "!!!.e30.AAAA", "e30=.e30.AAAA"] {
        assert!(verify(bad, &vk, &v).is_err(), "{bad:?}");
    }
    assert!(matches!(decode_header("nodots"), Err(JwtError::Malformed(_))));
    // A header that is not an object.
    let arr = URL_SAFE_NO_PAD.encode("[1]");
    assert!(matches!(verify(&format!("{arr}.e30.AAAA"), &vk, &v), Err(JwtError::Malformed(_))));
    // Properly signed, but the claims are not an object.
    let header = b64_json(&json!({"alg": "HS256"}));
    let input = format!("{header}.{}", URL_SAFE_NO_PAD.encode("[1]"));
    let key = jsonwebtoken::EncodingKey::from_secret(S.as_bytes());
    let sig = jsonwebtoken::crypto::sign(input.as_bytes(), &key, jsonwebtoken::Algorithm::HS256).unwrap();
    assert!(matches!(verify(&format!("{input}.{sig}"), &vk, &v), Err(JwtError::Malformed(_))));
    // crit extensions are not understood.
    let crit = hmac_token(&json!({"alg": "HS256", "crit": ["exp"]}), &json!({"a": 1}), S.as_bytes());
    assert_eq!(verify(&crit, &vk, &v), Err(JwtError::UnsupportedCritical));
    // Claims must be an object when signing too.
    assert!(sign_hs256(S, &json!([1])).is_err());
    assert!(v7_key().sign(None, &json!("x")).is_err());
}

// ---- keys ---------------------------------------------------------------------------------

#[test]
fn private_key_column_round_trips() {
    let key = v7_key();
    let private = key.private_jwk_json();
    for cfg in [SecretConfig::single(S), SecretConfig::versioned(vec![(3, S.to_string())], None).unwrap()] {
        let column = seal_private_key_column(Some(&cfg), &private).unwrap();
        assert!(column.starts_with('"') && column.ends_with('"'), "JSON string literal: {column}");
        let opened = open_private_key_column(Some(&cfg), &column).unwrap();
        assert_eq!(opened, private);
        let again = KeyPair::from_private_jwk_json(Algorithm::EdDSA, &opened).unwrap();
        assert_eq!(again.sign(Some(V7_KID), &segment_json(V7_TOKEN, 1)).unwrap(), V7_TOKEN);
        // The wrong secret fails with Better Auth's message.
        let err = open_private_key_column(Some(&SecretConfig::single("other")), &column).unwrap_err();
        assert!(err.to_string().contains("Failed to decrypt private key"));
    }
    let versioned = seal_private_key_column(
        Some(&SecretConfig::versioned(vec![(3, S.to_string())], None).unwrap()),
        &private,
    )
    .unwrap();
    assert!(versioned.starts_with("\"$ba$3$"));
    // Encryption disabled: the raw JWK JSON.
    assert_eq!(seal_private_key_column(None, &private).unwrap(), private);
    assert_eq!(open_private_key_column(None, &private).unwrap(), private);
    // The V5 column value of the vectors file.
    let v5 = "\"0707070707070707070707070707070707070707070707071a30004038e2333fbf4964288436750cc1bce5cc82bcebb30afcbecde4783ddee5147c5f7c473f8ed20a1065b4\"";
    assert_eq!(open_private_key_column(Some(&SecretConfig::single(S)), v5).unwrap(), r#"{"kty":"OKP","crv":"Ed25519"}"#);
    // A bare (unquoted) column is refused when encryption is on.
    assert!(open_private_key_column(Some(&SecretConfig::single(S)), &v5[1..v5.len() - 1]).is_err());
}

#[test]
fn jwks_entries_follow_better_auths_spread() {
    let ec = KeyPair::generate(Algorithm::ES256).unwrap();
    let entry = jwks_entry("ES256", Some("P-256"), &ec.public_jwk_json(), "kid").unwrap();
    assert_eq!(keys_of(&entry), ["alg", "crv", "kty", "x", "y", "kid"]);
    // A null crv column still puts the key's crv second.
    let entry = jwks_entry("ES256", None, &ec.public_jwk_json(), "kid").unwrap();
    assert_eq!(keys_of(&entry), ["alg", "crv", "kty", "x", "y", "kid"]);
    assert_eq!(entry["crv"], "P-256");
    let rsa = KeyPair::generate(Algorithm::PS256).unwrap();
    let entry = jwks_entry("PS256", None, &rsa.public_jwk_json(), "kid").unwrap();
    assert_eq!(keys_of(&entry), ["alg", "kty", "n", "e", "kid"]);
    // Every entry loads back as a verifying key for its alg.
    VerifyingKey::from_jwk(Algorithm::PS256, &entry).unwrap();
    assert!(jwks_entry("EdDSA", None, "not json", "kid").is_err());
}

#[test]
fn bad_keys_are_refused() {
    let ed = v7_key().private_jwk();
    // Wrong alg for the key type, wrong curve, wrong kty.
    assert!(KeyPair::from_private_jwk(Algorithm::ES256, &ed).is_err());
    assert!(VerifyingKey::from_jwk(Algorithm::RS256, &ed).is_err());
    let mut wrong_crv = ed.clone();
    wrong_crv["crv"] = json!("Ed448");
    assert!(KeyPair::from_private_jwk(Algorithm::EdDSA, &wrong_crv).is_err());
    // Public member that does not belong to the private key.
    let mut wrong_x = ed.clone();
    wrong_x["x"] = json!(KeyPair::generate(Algorithm::EdDSA).unwrap().public_jwk()["x"]);
    assert!(KeyPair::from_private_jwk(Algorithm::EdDSA, &wrong_x).is_err());
    // Short or missing material.
    let mut short_d = ed.clone();
    short_d["d"] = json!("AAEC");
    assert!(KeyPair::from_private_jwk(Algorithm::EdDSA, &short_d).is_err());
    assert!(VerifyingKey::from_jwk(Algorithm::EdDSA, &json!({"kty": "OKP", "crv": "Ed25519", "x": "AAEC"})).is_err());
    assert!(VerifyingKey::from_jwk(Algorithm::EdDSA, &json!({"kty": "OKP", "crv": "Ed25519"})).is_err());
    // An EC point that is not on the curve.
    let mut ec = KeyPair::generate(Algorithm::ES256).unwrap().public_jwk();
    ec["y"] = ec["x"].clone();
    assert!(VerifyingKey::from_jwk(Algorithm::ES256, &ec).is_err());
    // A P-521 key is not a P-256 key.
    let p521 = KeyPair::generate(Algorithm::ES512).unwrap().public_jwk();
    assert!(VerifyingKey::from_jwk(Algorithm::ES256, &p521).is_err());
    // RSA shorter than 2048 bits (jose refuses them too).
    let small = rsa::RsaPrivateKey::new(&mut rand_core06::OsRng, 1024).unwrap();
    use rsa::traits::PublicKeyParts;
    let small_jwk = json!({
        "kty": "RSA",
        "n": URL_SAFE_NO_PAD.encode(small.n().to_bytes_be()),
        "e": URL_SAFE_NO_PAD.encode(small.e().to_bytes_be()),
    });
    assert!(VerifyingKey::from_jwk(Algorithm::RS256, &small_jwk).is_err());
    assert!(KeyPair::generate_rsa(Algorithm::RS256, 1024).is_err());
    // HS256 is not a key-pair algorithm; EdDSA is not RSA.
    assert!(KeyPair::generate(Algorithm::HS256).is_err());
    assert!(KeyPair::generate_rsa(Algorithm::EdDSA, 2048).is_err());
    assert!(VerifyingKey::from_jwk(Algorithm::HS256, &json!({"kty": "oct", "k": "AAAA"})).is_err());
    assert!(KeyPair::from_private_jwk_json(Algorithm::EdDSA, "not json").is_err());
    assert!(KeyPair::from_private_jwk(Algorithm::EdDSA, &json!([])).is_err());
}

#[test]
fn rsa_jwk_without_primes_is_recovered() {
    let key = KeyPair::generate(Algorithm::RS256).unwrap();
    let mut jwk = key.private_jwk();
    for m in ["p", "q", "dp", "dq", "qi"] {
        jwk.as_object_mut().unwrap().remove(m);
    }
    let again = KeyPair::from_private_jwk(Algorithm::RS256, &jwk).unwrap();
    assert_eq!(again.public_jwk(), key.public_jwk());
    let token = again.sign(Some("k"), &claims()).unwrap();
    verify(&token, &key.verifying_key(), &Validation::at(NOW)).unwrap();
}

#[test]
fn algorithm_names() {
    for alg in [Algorithm::EdDSA, Algorithm::ES256, Algorithm::ES512, Algorithm::RS256, Algorithm::PS256, Algorithm::HS256] {
        assert_eq!(Algorithm::parse(alg.as_str()), Some(alg));
        assert_eq!(alg.to_string(), alg.as_str());
    }
    assert_eq!(Algorithm::parse("none"), None);
    assert_eq!(Algorithm::parse("eddsa"), None);
    assert_eq!(Algorithm::parse("ES384"), None);
}

#[test]
fn debug_output_has_no_key_material() {
    let key = v7_key();
    let d = key.private_jwk()["d"].as_str().unwrap().to_string();
    assert!(!format!("{key:?}").contains(&d));
    assert!(!format!("{:?}", VerifyingKey::hs256(S)).contains(S));
}
