//! The one rustls crypto provider of the process.
//!
//! object_store's S3 client and the AI providers' reqwest client bring aws-lc-rs, and another
//! crate brings ring: with two compiled in, rustls refuses to choose, so Joan names aws-lc-rs
//! before building any TLS client.

/// Installs aws-lc-rs as the process's provider (an error only means one is installed).
pub fn install_crypto_provider() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
}
