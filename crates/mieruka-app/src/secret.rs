//! Passwords and secrets, shared by every front end that makes or checks them: argon2id
//! password hashes, random secrets as hex, and SHA-256 digests (how session cookies and API
//! tokens are kept). Hashing is slow on purpose: the `_blocking` forms run it off the async
//! threads.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use mieruka_domain::digest;

use crate::{AppError, Result};

/// The shortest password accepted.
pub const MIN_PASSWORD: usize = 12;

/// An argon2id hash of the password, in PHC string form.
pub fn hash_password(password: &str) -> Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("password hashing: {e}")))
}

/// Whether the password matches the hash (an unreadable hash matches nothing).
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// [`hash_password`] off the async threads.
pub async fn hash_password_blocking(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| AppError::Internal(format!("password hashing: {e}")))?
}

/// [`verify_password`] off the async threads.
pub async fn verify_password_blocking(password: String, hash: String) -> Result<bool> {
    tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|e| AppError::Internal(format!("password check: {e}")))
}

/// A random secret of `bytes` bytes, as hex.
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).expect("the operating system provides randomness");
    digest::hex(&buf)
}

/// The SHA-256 digest of the text, as hex.
pub fn sha256_hex(s: &str) -> String {
    digest::sha256_hex(s.as_bytes())
}
