//! `Idempotency-Key` on POST (filled in with the task routes).
