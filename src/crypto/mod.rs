//! Cryptography: password hashing, random identifiers, HMAC signing.
pub mod common;
pub mod envelope;
pub mod password;
pub mod random;
pub mod sign;
