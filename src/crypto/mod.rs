//! Cryptography: password hashing, random identifiers, HMAC signing.
pub mod password;
pub mod random;
pub mod sign;
