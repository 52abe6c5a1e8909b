//! Sealing users' secrets (LLM API keys) at rest: XChaCha20-Poly1305 with a random 24-byte
//! nonce per seal, the owner and purpose bound in as associated data, and the id of the key
//! that sealed it kept beside the ciphertext so keys can be rotated (docs/security.md).
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::config::Secret;

const NONCE_BYTES: usize = 24;

#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("an encryption key must be 32 bytes, written as 64 hex digits or in base64")]
    BadKey,
    #[error("no encryption key with id {0} is configured (JOAN_ENCRYPTION_OLD_KEYS?)")]
    UnknownKey(String),
    #[error("a sealed value could not be opened: damaged, or sealed for another owner")]
    Unsealable,
}

/// One 256-bit key and its id: the first 16 hex digits of a SHA-256 of the key, so the id
/// names the key without revealing it, and the same key always has the same id.
#[derive(Clone)]
struct Key {
    id: String,
    cipher: XChaCha20Poly1305,
}

impl Key {
    fn parse(text: &str) -> Result<Self, CryptoError> {
        let text = text.trim();
        let bytes = match hex::decode(text) {
            Ok(bytes) => bytes,
            Err(_) => STANDARD
                .decode(text)
                .or_else(|_| URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')))
                .map_err(|_| CryptoError::BadKey)?,
        };
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| CryptoError::BadKey)?;
        Ok(Self::from_bytes(&bytes))
    }

    fn from_bytes(bytes: &[u8; 32]) -> Self {
        let digest = Sha256::new()
            .chain_update(b"joan encryption key id\0")
            .chain_update(bytes)
            .finalize();
        Self {
            id: hex::encode(&digest[..8]),
            cipher: XChaCha20Poly1305::new(bytes.into()),
        }
    }
}

/// The key that seals, and older keys that still open what they sealed.
#[derive(Clone)]
pub struct Keyring {
    current: Key,
    old: Vec<Key>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyring")
            .field("current", &self.current.id)
            .field("old", &self.old.iter().map(|k| &k.id).collect::<Vec<_>>())
            .finish()
    }
}

/// A value sealed by [`Keyring::seal`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    pub key_id: String,
    /// base64url (no padding) of the nonce followed by the ciphertext and its tag.
    pub ciphertext: String,
}

impl Keyring {
    /// The current key and any older ones, each 64 hex digits or base64 of 32 bytes.
    pub fn new(current: &Secret, old: &[Secret]) -> Result<Self, CryptoError> {
        Ok(Self {
            current: Key::parse(current.expose())?,
            old: old.iter().map(|k| Key::parse(k.expose())).collect::<Result<_, _>>()?,
        })
    }

    /// A keyring of one key given as bytes (tests).
    pub fn from_bytes(bytes: &[u8; 32]) -> Self {
        Self {
            current: Key::from_bytes(bytes),
            old: Vec::new(),
        }
    }

    /// The id of the key new seals use.
    pub fn current_id(&self) -> &str {
        &self.current.id
    }

    /// Seals `plain` for `context` (who owns it and what it is): opening it needs the same
    /// context, so a sealed value copied to another user or field does not open.
    pub fn seal(&self, plain: &Secret, context: &str) -> Sealed {
        let mut nonce = [0u8; NONCE_BYTES];
        rand::rng().fill_bytes(&mut nonce);
        let payload = Payload {
            msg: plain.expose().as_bytes(),
            aad: context.as_bytes(),
        };
        // Encryption fails only for messages past 256 GiB.
        let sealed = self
            .current
            .cipher
            .encrypt(&XNonce::from(nonce), payload)
            .unwrap_or_default();
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&sealed);
        Sealed {
            key_id: self.current.id.clone(),
            ciphertext: URL_SAFE_NO_PAD.encode(bytes),
        }
    }

    /// Opens what [`Keyring::seal`] sealed with the key `key_id` for `context`.
    pub fn open(&self, key_id: &str, ciphertext: &str, context: &str) -> Result<Secret, CryptoError> {
        let key = std::iter::once(&self.current)
            .chain(&self.old)
            .find(|k| k.id == key_id)
            .ok_or_else(|| CryptoError::UnknownKey(key_id.to_string()))?;
        let bytes = URL_SAFE_NO_PAD
            .decode(ciphertext)
            .map_err(|_| CryptoError::Unsealable)?;
        if bytes.len() < NONCE_BYTES {
            return Err(CryptoError::Unsealable);
        }
        let (nonce, sealed) = bytes.split_at(NONCE_BYTES);
        let nonce: [u8; NONCE_BYTES] = nonce.try_into().map_err(|_| CryptoError::Unsealable)?;
        let payload = Payload {
            msg: sealed,
            aad: context.as_bytes(),
        };
        let plain = key
            .cipher
            .decrypt(&XNonce::from(nonce), payload)
            .map_err(|_| CryptoError::Unsealable)?;
        String::from_utf8(plain)
            .map(Secret::new)
            .map_err(|_| CryptoError::Unsealable)
    }
}

/// What a user is shown of a key: its first 3 and last 4 characters (`sk-...abcd`); of a key
/// under 12 characters only the last 2, and of one under 6 nothing.
pub fn mask(key: &Secret) -> String {
    let chars: Vec<char> = key.expose().chars().collect();
    let n = chars.len();
    let text = |range: std::ops::Range<usize>| chars[range].iter().collect::<String>();
    match n {
        12.. => format!("{}...{}", text(0..3), text(n - 4..n)),
        6..12 => format!("...{}", text(n - 2..n)),
        _ => "...".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONTEXT: &str = "settings:0000:openai";

    #[test]
    fn a_sealed_key_opens_with_its_key_id_and_context_only() {
        let ring = Keyring::from_bytes(&[7; 32]);
        let plain = Secret::new("sk-live-0123456789abcdef");
        let sealed = ring.seal(&plain, CONTEXT);
        assert_eq!(sealed.key_id, ring.current_id());
        assert_eq!(sealed.key_id.len(), 16);
        assert!(!sealed.ciphertext.contains("0123456789"));
        let opened = ring.open(&sealed.key_id, &sealed.ciphertext, CONTEXT).unwrap();
        assert_eq!(opened.expose(), plain.expose());
        assert!(matches!(
            ring.open(&sealed.key_id, &sealed.ciphertext, "settings:0001:openai"),
            Err(CryptoError::Unsealable)
        ));
        assert!(matches!(
            ring.open("0000000000000000", &sealed.ciphertext, CONTEXT),
            Err(CryptoError::UnknownKey(_))
        ));
        // A fresh nonce every time: the same key never seals to the same text.
        assert_ne!(ring.seal(&plain, CONTEXT).ciphertext, sealed.ciphertext);
    }

    #[test]
    fn after_a_rotation_old_seals_still_open_and_new_ones_use_the_new_key() {
        let old_hex = hex::encode([1u8; 32]);
        let old = Keyring::new(&Secret::new(&old_hex), &[]).unwrap();
        let sealed = old.seal(&Secret::new("sk-ant-abcdefghijkl"), CONTEXT);
        let new_b64 = STANDARD.encode([2u8; 32]);
        let rotated = Keyring::new(&Secret::new(new_b64), &[Secret::new(old_hex)]).unwrap();
        assert_ne!(rotated.current_id(), old.current_id());
        let opened = rotated.open(&sealed.key_id, &sealed.ciphertext, CONTEXT).unwrap();
        assert_eq!(opened.expose(), "sk-ant-abcdefghijkl");
        assert_eq!(rotated.seal(&opened, CONTEXT).key_id, rotated.current_id());
    }

    #[test]
    fn keys_must_be_32_bytes() {
        for bad in ["", "abcd", &hex::encode([0u8; 31]), "not base64 at all!"] {
            assert!(
                matches!(Keyring::new(&Secret::new(bad), &[]), Err(CryptoError::BadKey)),
                "{bad}"
            );
        }
    }

    #[test]
    fn masks_show_little_and_secrets_print_redacted() {
        assert_eq!(mask(&Secret::new("sk-proj-0123456789abcd")), "sk-...abcd");
        assert_eq!(mask(&Secret::new("short-key")), "...ey");
        assert_eq!(mask(&Secret::new("abc")), "...");
        let ring = Keyring::from_bytes(&[7; 32]);
        assert!(!format!("{ring:?}").contains("cipher"));
        assert_eq!(format!("{:?}", Secret::new("sk-secret")), "Secret(<redacted>)");
    }
}
