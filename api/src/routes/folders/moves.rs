//! One folder move at a time per user. The cycle rule reads the new parent's ancestors from
//! the read table and then appends the move: two moves racing between those steps (A under B
//! while B goes under A) could each pass and together make a cycle. Holding the user's lock
//! from the read through the append closes that on one node, which is every SQLite deployment;
//! nodes sharing a PostgreSQL database do not share it (docs/api.md, folders).
use std::hash::{BuildHasher, Hash};

use tokio::sync::{Mutex, MutexGuard};

/// Striped: a fixed set of locks, a user's is picked by hash, so memory stays bounded and
/// two users rarely wait for each other.
static STRIPES: [Mutex<()>; 64] = [const { Mutex::const_new(()) }; 64];

/// Waits for and holds the caller's move lock until the guard drops.
pub async fn lock(user: &impl Hash) -> MutexGuard<'static, ()> {
    // A fixed hasher: the stripe of a user must not change within the process.
    let hash = std::hash::BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default().hash_one(user);
    STRIPES[(hash % STRIPES.len() as u64) as usize].lock().await
}
