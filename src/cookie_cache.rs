//! The `session_data` cookie cache, byte-compatible with Better Auth. (Being written.)
