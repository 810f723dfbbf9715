//! Session tokens: HS256 JWTs carrying the user id, issue time and expiry.
//!
//! A token alone is never trusted: the request extractor also checks that the account still exists,
//! is enabled, and still has the password it had when the token was issued: the token carries the
//! account's password version (the time of its last password change, in milliseconds), so a password
//! change ends every older session at once.

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use kubechart_store::UserId;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The smallest secret accepted for HS256, as RFC 7518 §3.2 requires.
pub const MIN_SECRET_BYTES: usize = 32;

/// How far ahead of this replica's clock another replica's `iat` may be.
const CLOCK_SKEW_SECONDS: i64 = 60;

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    iat: i64,
    exp: i64,
    pwv: i64,
}

/// A verified token's content.
#[derive(Debug, Clone, Copy)]
pub struct TokenClaims {
    pub user_id: UserId,
    pub password_version: i64,
}

#[derive(Clone)]
pub struct TokenIssuer {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    lifetime: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("the JWT secret must be at least {MIN_SECRET_BYTES} bytes")]
    SecretTooShort,
    #[error("token could not be signed: {0}")]
    Sign(#[from] jsonwebtoken::errors::Error),
}

impl TokenIssuer {
    pub fn new(secret: &[u8], lifetime: Duration) -> Result<Self, TokenError> {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(TokenError::SecretTooShort);
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "sub", "iat"]);
        // A token that claims a future `nbf` is not valid yet; `iat` is checked in `verify`.
        validation.validate_nbf = true;
        Ok(Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            lifetime,
        })
    }

    pub fn issue(
        &self,
        user_id: UserId,
        password_version: i64,
        now: DateTime<Utc>,
    ) -> Result<String, TokenError> {
        let lifetime = i64::try_from(self.lifetime.as_secs()).unwrap_or(i64::MAX);
        let claims = Claims {
            sub: user_id.to_string(),
            iat: now.timestamp(),
            exp: now.timestamp().saturating_add(lifetime),
            pwv: password_version,
        };
        Ok(jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.encoding,
        )?)
    }

    /// `None` for anything that is not a well-signed, unexpired token of ours, or one issued in the
    /// future (this server never does that: such a token was made to outlive its real lifetime).
    pub fn verify(&self, token: &str) -> Option<TokenClaims> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).ok()?;
        if data.claims.iat > Utc::now().timestamp() + CLOCK_SKEW_SECONDS {
            return None;
        }
        let user_id = data.claims.sub.parse().ok()?;
        Some(TokenClaims {
            user_id,
            password_version: data.claims.pwv,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn round_trips_and_rejects_tampering() {
        let issuer = TokenIssuer::new(SECRET, Duration::from_secs(3600)).unwrap();
        let id = UserId(uuid::Uuid::new_v4());
        let token = issuer.issue(id, 7, Utc::now()).unwrap();
        let claims = issuer.verify(&token).unwrap();
        assert_eq!(claims.user_id, id);
        assert_eq!(claims.password_version, 7);

        let other =
            TokenIssuer::new(b"another-secret-another-secret-xx", Duration::from_secs(60)).unwrap();
        assert!(other.verify(&token).is_none(), "signature must be checked");
        assert!(issuer.verify("not.a.token").is_none());
    }

    #[test]
    fn expired_tokens_are_rejected() {
        let issuer = TokenIssuer::new(SECRET, Duration::from_secs(60)).unwrap();
        let token = issuer
            .issue(
                UserId(uuid::Uuid::new_v4()),
                0,
                Utc::now() - chrono::Duration::hours(1),
            )
            .unwrap();
        assert!(issuer.verify(&token).is_none());
    }

    #[test]
    fn tokens_issued_in_the_future_are_rejected() {
        let issuer = TokenIssuer::new(SECRET, Duration::from_secs(7200)).unwrap();
        let id = UserId(uuid::Uuid::new_v4());
        let ahead = issuer
            .issue(id, 0, Utc::now() + chrono::Duration::hours(1))
            .unwrap();
        assert!(issuer.verify(&ahead).is_none());
        let skewed = issuer
            .issue(id, 0, Utc::now() + chrono::Duration::seconds(5))
            .unwrap();
        assert!(
            issuer.verify(&skewed).is_some(),
            "a little clock skew is fine"
        );
    }

    #[test]
    fn short_secrets_are_refused() {
        assert!(matches!(
            TokenIssuer::new(b"short", Duration::from_secs(60)),
            Err(TokenError::SecretTooShort)
        ));
    }
}
