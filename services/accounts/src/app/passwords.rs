//! Passwords hashed and verified off the async workers.

/// Hashes a password on the blocking pool: argon2 takes tens of milliseconds and
/// must not stall the async workers that serve other requests.
pub async fn hash_password(password: String) -> Result<String, kefu_platform::ApiError> {
    tokio::task::spawn_blocking(move || crate::domain::password::hash(&password))
        .await
        .map_err(kefu_platform::ApiError::internal)?
        .map_err(kefu_platform::ApiError::internal)
}

/// Verifies a password on the blocking pool; with no stored hash it spends the same
/// time on a dummy hash, so the answer's timing does not tell whether one exists.
pub async fn verify_password(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || match stored {
        Some(hash) => crate::domain::password::verify(&password, &hash),
        None => {
            crate::domain::password::dummy_verify(&password);
            false
        }
    })
    .await
    .unwrap_or(false)
}
