//! Argon2id password hashing off the async runtime.
//!
//! A hash costs about a second of CPU in debug builds and tens of milliseconds in release; run inline it
//! would stall every other request on a 2-core machine. Hashing therefore runs in `spawn_blocking`,
//! behind a semaphore sized to the cores so a login flood queues instead of exhausting the pool.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use secrecy::{ExposeSecret, SecretString};
use std::sync::Arc;
use tokio::sync::Semaphore;

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error("password hashing task did not finish")]
    Join(#[from] tokio::task::JoinError),
    #[error("password hashing is shutting down")]
    Closed(#[from] tokio::sync::AcquireError),
}

#[derive(Clone)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
    /// Hash verified when an account does not exist, so that a wrong username costs as much time
    /// as a wrong password and the two cannot be told apart.
    decoy_hash: Arc<str>,
}

impl PasswordHasher {
    pub async fn new() -> Result<Self, PasswordError> {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        let permits = Arc::new(Semaphore::new(cores));
        let decoy = SecretString::from("kubechart-decoy-password".to_string());
        let decoy_hash = hash_in_pool(&permits, decoy).await?;
        Ok(Self {
            permits,
            decoy_hash: decoy_hash.into(),
        })
    }

    pub async fn hash(&self, password: SecretString) -> Result<String, PasswordError> {
        hash_in_pool(&self.permits, password).await
    }

    /// `true` when `password` matches `stored_hash`. A malformed stored hash never matches.
    pub async fn verify(
        &self,
        password: SecretString,
        stored_hash: &str,
    ) -> Result<bool, PasswordError> {
        let _permit = self.permits.acquire().await?;
        let stored_hash = stored_hash.to_string();
        let verified = tokio::task::spawn_blocking(move || {
            PasswordHash::new(&stored_hash).is_ok_and(|parsed| {
                Argon2::default()
                    .verify_password(password.expose_secret().as_bytes(), &parsed)
                    .is_ok()
            })
        })
        .await?;
        Ok(verified)
    }

    /// Spends the same work as a real verification and always fails.
    pub async fn verify_decoy(&self, password: SecretString) -> Result<bool, PasswordError> {
        let decoy_hash = Arc::clone(&self.decoy_hash);
        self.verify(password, &decoy_hash).await.map(|_| false)
    }
}

async fn hash_in_pool(
    permits: &Semaphore,
    password: SecretString,
) -> Result<String, PasswordError> {
    let _permit = permits.acquire().await?;
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.expose_secret().as_bytes())
            .map(|hash| hash.to_string())
            .map_err(|error| PasswordError::Hash(error.to_string()))
    })
    .await?
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn secret(text: &str) -> SecretString {
        SecretString::from(text.to_string())
    }

    #[tokio::test]
    async fn hashes_are_argon2id_and_verify() {
        let hasher = PasswordHasher::new().await.unwrap();
        let hash = hasher.hash(secret("correct horse battery")).await.unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(
            hasher
                .verify(secret("correct horse battery"), &hash)
                .await
                .unwrap()
        );
        assert!(
            !hasher
                .verify(secret("wrong horse battery"), &hash)
                .await
                .unwrap()
        );
        assert!(!hasher.verify(secret("x"), "not a hash").await.unwrap());
        assert!(
            !hasher
                .verify_decoy(secret("kubechart-decoy-password"))
                .await
                .unwrap()
        );
    }
}
