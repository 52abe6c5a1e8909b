//! Password hashing: argon2id (m = 19456 KiB, t = 2, p = 1) in PHC strings, on threads of its
//! own, one per CPU: a flood of logins queues there and cannot starve the rest of the API.
//!
//! One hash takes 19 MiB. On the runtime's blocking pool any of its threads could run the next
//! one, and each kept the memory of its last hash for a while: the peak RSS grew with every
//! thread that had hashed. A hashing thread reuses its own.
use std::sync::mpsc;
use std::sync::{LazyLock, Mutex};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore;
use tokio::sync::oneshot;

/// Accepted password lengths, in characters. The upper bound caps the cost of hashing.
pub const MIN_CHARS: usize = 8;
pub const MAX_CHARS: usize = 128;

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("password hashing failed: {0}")]
    Hash(argon2::password_hash::Error),
    #[error("the hashing thread stopped")]
    Stopped,
}

/// Why a new password is refused, shown beside the field.
pub fn check_length(password: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if (MIN_CHARS..=MAX_CHARS).contains(&chars) {
        Ok(())
    } else {
        Err(format!("must be {MIN_CHARS} to {MAX_CHARS} characters"))
    }
}

fn argon2() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

type Job = Box<dyn FnOnce() + Send>;

/// The queue of the hashing threads, started on first use.
static HASHERS: LazyLock<mpsc::Sender<Job>> = LazyLock::new(|| {
    let (jobs, queue) = mpsc::channel::<Job>();
    let queue = std::sync::Arc::new(Mutex::new(queue));
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    for n in 0..cpus {
        let queue = queue.clone();
        std::thread::Builder::new()
            .name(format!("joan-hash-{n}"))
            .spawn(move || {
                loop {
                    // The lock is held only while waiting for a job, not while running it.
                    let job = queue.lock().unwrap_or_else(|p| p.into_inner()).recv();
                    match job {
                        // A job that panics drops its answer (the caller sees `Stopped`);
                        // the thread lives on for the next.
                        Ok(job) => {
                            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                        }
                        Err(_) => return,
                    }
                }
            })
            .expect("starting a password hashing thread");
    }
    jobs
});

/// Verified against when the account is unknown, so that an unknown email costs what a wrong
/// password costs.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let mut random = [0u8; 32];
    rand::rng().fill_bytes(&mut random);
    hash_now(&hex::encode(random)).expect("hashing a random password")
});

fn hash_now(password: &str) -> Result<String, PasswordError> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(PasswordError::Hash)?;
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(PasswordError::Hash)
}

/// A stored hash that does not parse verifies nothing.
fn verify_now(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|parsed| argon2().verify_password(password.as_bytes(), &parsed).is_ok())
}

async fn off_thread<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, PasswordError> {
    let (done, answer) = oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = done.send(work());
    });
    HASHERS.send(job).map_err(|_| PasswordError::Stopped)?;
    answer.await.map_err(|_| PasswordError::Stopped)
}

/// The PHC string of `password` with a fresh salt.
pub async fn hash(password: String) -> Result<String, PasswordError> {
    off_thread(move || hash_now(&password)).await?
}

/// Whether `password` matches `phc`; with no stored hash, a dummy is verified instead and the
/// answer is always `false`.
pub async fn verify(password: String, phc: Option<String>) -> Result<bool, PasswordError> {
    off_thread(move || match phc {
        Some(phc) => verify_now(&password, &phc),
        None => {
            verify_now(&password, &DUMMY_HASH);
            false
        }
    })
    .await
}

/// Builds the dummy hash now rather than on the first unknown-email login, whose answer would
/// otherwise take twice as long as any other.
pub async fn warm_up() {
    let _ = off_thread(|| LazyLock::force(&DUMMY_HASH).len()).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_phc_strings_that_verify_only_their_password() {
        let phc = hash("correct horse".into()).await.unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify("correct horse".into(), Some(phc.clone())).await.unwrap());
        assert!(!verify("wrong horse".into(), Some(phc)).await.unwrap());
        assert!(!verify("anything".into(), None).await.unwrap());
        assert!(!verify("anything".into(), Some("not a hash".into())).await.unwrap());
    }

    #[test]
    fn lengths_are_counted_in_characters() {
        assert!(check_length("1234567").is_err());
        assert!(check_length("12345678").is_ok());
        assert!(check_length(&"é".repeat(128)).is_ok());
        assert!(check_length(&"é".repeat(129)).is_err());
    }
}
