//! Access tokens: HS256 JWTs naming the user by id, short-lived, every claim validated.
use joan_domain::UserId;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::config::Secret;

pub const ISSUER: &str = "joan";
pub const AUDIENCE: &str = "joan-api";
/// Access tokens live 15 minutes; refresh tokens renew them.
pub const ACCESS_TTL_SECONDS: i64 = 15 * 60;

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    iss: String,
    aud: String,
    iat: i64,
    nbf: i64,
    exp: i64,
    jti: String,
}

/// Signs and checks access tokens with the server's secret.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl TokenKeys {
    pub fn new(secret: &Secret) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "nbf", "iat", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = 5;
        Self {
            encoding: EncodingKey::from_secret(secret.expose().as_bytes()),
            decoding: DecodingKey::from_secret(secret.expose().as_bytes()),
            validation,
        }
    }

    /// A fresh access token for `user`, issued at `now` (unix seconds).
    pub fn issue(&self, user: UserId, now: i64) -> Result<String, jsonwebtoken::errors::Error> {
        let claims = Claims {
            sub: user.to_string(),
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            iat: now,
            nbf: now,
            exp: now + ACCESS_TTL_SECONDS,
            jti: Uuid::new_v4().to_string(),
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }

    /// The user a valid token names; `None` for anything forged, expired, or not ours.
    pub fn verify(&self, token: &str) -> Option<UserId> {
        let data = decode::<Claims>(token, &self.decoding, &self.validation).ok()?;
        Uuid::parse_str(&data.claims.sub).ok().map(UserId)
    }
}
