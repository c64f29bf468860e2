//! JSON Web Tokens: Better Auth's JWT plugin keys (JWKS) and signing, and the HS256
//! shared-secret mode. (Being written.)
