//! Access tokens: HS256 JWTs naming the user by id and the session by its `sid`, short-lived,
//! every claim validated. Whether the session has ended is asked on every request after this
//! (`sessions.rs`), remembered token or not.
use std::collections::HashMap;
use std::sync::Mutex;

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
    /// The session (login) the token belongs to.
    sid: String,
}

/// What a valid token says: who, and in which session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verified {
    pub user: UserId,
    pub session: Uuid,
}

/// Clock skew tolerated on `nbf` and `exp`.
const LEEWAY_SECONDS: i64 = 5;

/// How many verified tokens are remembered. Checking a signature and its claims is a sizeable
/// share of a task read's CPU, and a client sends the same token for up to 15 minutes.
const VERIFIED_CAPACITY: usize = 4096;

/// Signs and checks access tokens with the server's secret.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    /// Exact token text → (claims, `nbf`, `exp`) of tokens that passed every check. A forged or
    /// altered token is another text, so it misses and is verified in full. Emptied when full.
    verified: Mutex<HashMap<Box<str>, (Verified, i64, i64)>>,
}

impl TokenKeys {
    pub fn new(secret: &Secret) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "nbf", "iat", "iss", "aud", "sub"]);
        // The time window is checked in `verify_at`, against one clock reading, for tokens
        // decoded now and tokens remembered alike.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        Self {
            encoding: EncodingKey::from_secret(secret.expose().as_bytes()),
            decoding: DecodingKey::from_secret(secret.expose().as_bytes()),
            validation,
            verified: Mutex::new(HashMap::new()),
        }
    }

    /// A fresh access token for `user` in `session`, issued at `now` (unix seconds).
    pub fn issue(&self, user: UserId, session: Uuid, now: i64) -> Result<String, jsonwebtoken::errors::Error> {
        let claims = Claims {
            sub: user.to_string(),
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            iat: now,
            nbf: now,
            exp: now + ACCESS_TTL_SECONDS,
            jti: Uuid::new_v4().to_string(),
            sid: session.to_string(),
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }

    /// The user and session a valid token names; `None` for anything forged, expired, or not
    /// ours.
    pub fn verify(&self, token: &str) -> Option<Verified> {
        self.verify_at(token, time::OffsetDateTime::now_utc().unix_timestamp())
    }

    /// [`TokenKeys::verify`] at `now` (unix seconds). A remembered token is still checked for
    /// its time window.
    pub fn verify_at(&self, token: &str, now: i64) -> Option<Verified> {
        let within = |nbf: i64, exp: i64| nbf - LEEWAY_SECONDS <= now && now < exp + LEEWAY_SECONDS;
        let remembered = self.lock().get(token).copied();
        if let Some((claims, nbf, exp)) = remembered {
            return within(nbf, exp).then_some(claims);
        }
        let data = decode::<Claims>(token, &self.decoding, &self.validation).ok()?;
        if !within(data.claims.nbf, data.claims.exp) {
            return None;
        }
        let user = Uuid::parse_str(&data.claims.sub).ok().map(UserId)?;
        let session = Uuid::parse_str(&data.claims.sid).ok()?;
        let claims = Verified { user, session };
        let mut verified = self.lock();
        if verified.len() >= VERIFIED_CAPACITY {
            verified.clear();
        }
        verified.insert(token.into(), (claims, data.claims.nbf, data.claims.exp));
        Some(claims)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Box<str>, (Verified, i64, i64)>> {
        self.verified.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> TokenKeys {
        TokenKeys::new(&Secret::new("a-test-secret-of-enough-length"))
    }

    fn keys_with_token_forgotten(keys: TokenKeys) -> TokenKeys {
        keys.lock().clear();
        keys
    }

    #[test]
    fn a_remembered_token_still_expires_and_a_changed_one_is_checked_in_full() {
        let keys = keys();
        let user = Verified {
            user: UserId(Uuid::new_v4()),
            session: Uuid::new_v4(),
        };
        let now = 1_790_000_000;
        let token = keys.issue(user.user, user.session, now).unwrap();
        assert_eq!(keys.verify_at(&token, now + 1), Some(user));
        // Remembered now; past its expiry it is refused all the same.
        assert_eq!(keys.verify_at(&token, now + 10), Some(user));
        assert_eq!(
            keys.verify_at(&token, now + ACCESS_TTL_SECONDS + 4),
            Some(user),
            "leeway"
        );
        assert_eq!(keys.verify_at(&token, now + ACCESS_TTL_SECONDS + 5), None);
        assert_eq!(keys.verify_at(&token, now - 6), None, "not yet valid");
        // A fresh memory decodes it again and reaches the same answers.
        let keys = keys_with_token_forgotten(keys);
        assert_eq!(keys.verify_at(&token, now + ACCESS_TTL_SECONDS + 5), None);
        assert_eq!(keys.verify_at(&token, now - 6), None);
        // One character of the signature changed: another text, verified, refused.
        let mut forged = token.clone();
        let last = forged.pop().unwrap();
        forged.push(if last == 'A' { 'B' } else { 'A' });
        assert_eq!(keys.verify_at(&forged, now + 1), None);
        // Another secret's token, though its claims name the same user.
        let other = TokenKeys::new(&Secret::new("another-secret-entirely-000000"));
        let theirs = other.issue(user.user, user.session, now).unwrap();
        assert_eq!(keys.verify_at(&theirs, now + 1), None);
    }

    #[test]
    fn the_memory_of_verified_tokens_stays_bounded() {
        let keys = keys();
        let now = 1_790_000_000;
        for _ in 0..VERIFIED_CAPACITY + 10 {
            let token = keys.issue(UserId(Uuid::new_v4()), Uuid::new_v4(), now).unwrap();
            assert!(keys.verify_at(&token, now).is_some());
        }
        assert!(keys.lock().len() <= VERIFIED_CAPACITY);
    }
}
