//! Password hashing: argon2id (m = 19456 KiB, t = 2, p = 1) in PHC strings, on threads of its
//! own, one per CPU: a flood of logins queues there and cannot starve the rest of the API.
//!
//! One hash takes 19 MiB. On the runtime's blocking pool any of its threads could run the next
//! one, and each kept the memory of its last hash for a while: the peak RSS grew with every
//! thread that had hashed. Then, with `Argon2::hash_password`, every hash allocated its 19 MiB
//! afresh, and the allocator kept the freed blocks for up to a second before giving them back:
//! a burst of registrations and logins held several hashes' memory at once (docs/benchmarks.md).
//! Now a hashing thread fills the same buffer every time ([`ThreadArgon2`]).
use std::cell::RefCell;
use std::sync::mpsc;
use std::sync::{LazyLock, Mutex};

use argon2::password_hash::{
    Decimal, Ident, Output, ParamsString, PasswordHash, PasswordHasher, PasswordVerifier, Salt, SaltString,
};
use argon2::{Algorithm, Argon2, Block, Params, Version};
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

/// The parameters of new hashes. Stored hashes are verified with their own.
fn params() -> Params {
    Params::new(19_456, 2, 1, None).expect("valid argon2 parameters")
}

thread_local! {
    /// The memory argon2 fills, kept by each hashing thread from one hash to the next.
    static MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Argon2 as the crate computes it, PHC strings and all, with its memory taken from
/// [`MEMORY`] instead of allocated per hash. Verifying goes through the crate's own
/// `PasswordVerifier` (parameters read from the stored string, constant-time comparison).
struct ThreadArgon2;

impl PasswordHasher for ThreadArgon2 {
    type Params = Params;

    fn hash_password_customized<'a>(
        &self,
        password: &[u8],
        algorithm: Option<Ident<'a>>,
        version: Option<Decimal>,
        params: Params,
        salt: impl Into<Salt<'a>>,
    ) -> argon2::password_hash::Result<PasswordHash<'a>> {
        let algorithm = algorithm.map(Algorithm::try_from).transpose()?.unwrap_or_default();
        let version = version.map(Version::try_from).transpose()?.unwrap_or_default();
        let salt = salt.into();
        let mut salt_bytes = [0u8; 64];
        let salt_bytes = salt.decode_b64(&mut salt_bytes)?;
        let argon2 = Argon2::new(algorithm, version, params.clone());
        let len = params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);
        let output = MEMORY.with_borrow_mut(|memory| {
            memory.resize(params.block_count(), Block::default());
            Output::init_with(len, |out| {
                Ok(argon2.hash_password_into_with_memory(password, salt_bytes, out, &mut memory[..])?)
            })
        })?;
        Ok(PasswordHash {
            algorithm: algorithm.ident(),
            version: Some(version.into()),
            params: ParamsString::try_from(&params)?,
            salt: Some(salt),
            hash: Some(output),
        })
    }
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
    ThreadArgon2
        .hash_password_customized(password.as_bytes(), None, None, params(), &salt)
        .map(|h| h.to_string())
        .map_err(PasswordError::Hash)
}

/// Whether `stored` is a bcrypt hash, as the FastAPI system kept them (`joan import legacy`).
pub fn is_legacy(stored: &str) -> bool {
    ["$2a$", "$2b$", "$2y$"].iter().any(|prefix| stored.starts_with(prefix))
}

/// A stored hash that does not parse verifies nothing. Imported bcrypt hashes verify as
/// bcrypt until their first successful login replaces them.
fn verify_now(password: &str, phc: &str) -> bool {
    if is_legacy(phc) {
        return bcrypt::verify(password, phc).unwrap_or(false);
    }
    PasswordHash::new(phc).is_ok_and(|parsed| ThreadArgon2.verify_password(password.as_bytes(), &parsed).is_ok())
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
    fn hashes_agree_with_the_argon2_crates_own_both_ways() {
        let ours = hash_now("correct horse").unwrap();
        let crates = Argon2::new(Algorithm::Argon2id, Version::V0x13, params());
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(crates.verify_password(b"correct horse", &parsed).is_ok());
        assert!(crates.verify_password(b"wrong horse", &parsed).is_err());

        // Stored hashes made by the crate, with other parameters too, verify here.
        for params in [params(), Params::new(8_192, 3, 1, Some(16)).unwrap()] {
            let salt = SaltString::encode_b64(b"sixteen byte slt").unwrap();
            let theirs = Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
                .hash_password(b"correct horse", &salt)
                .unwrap()
                .to_string();
            assert!(verify_now("correct horse", &theirs), "{theirs}");
            assert!(!verify_now("wrong horse", &theirs));
        }
    }

    #[test]
    fn a_hashing_thread_keeps_one_buffer_of_argon2_memory() {
        hash_now("first password").unwrap();
        let kept = MEMORY.with_borrow(|m| m.as_ptr() as usize);
        hash_now("second password").unwrap();
        assert_eq!(MEMORY.with_borrow(|m| (m.as_ptr() as usize, m.len())), (kept, 19_456));
    }

    #[test]
    fn imported_bcrypt_hashes_verify_only_their_password() {
        let legacy = bcrypt::hash("old secret", 4).unwrap();
        assert!(is_legacy(&legacy), "{legacy}");
        assert!(verify_now("old secret", &legacy));
        assert!(!verify_now("old secreT", &legacy));
        assert!(!is_legacy(&hash_now("old secret").unwrap()));
    }

    #[test]
    fn lengths_are_counted_in_characters() {
        assert!(check_length("1234567").is_err());
        assert!(check_length("12345678").is_ok());
        assert!(check_length(&"é".repeat(128)).is_ok());
        assert!(check_length(&"é".repeat(129)).is_err());
    }
}
