//! Better Auth's `symmetricEncrypt` / `symmetricDecrypt`. (Being written.)
