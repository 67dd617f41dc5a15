//! Random credentials, shown once and stored as SHA-256 digests. The secrets carry ≥190 bits of
//! entropy, so a fast digest is the right tool (as for GitHub or Stripe tokens): a slow password
//! hash would only slow down every authenticated request.

use rand::distr::{Alphanumeric, SampleString};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

pub fn random_token(len: usize) -> String {
    Alphanumeric.sample_string(&mut rand::rng(), len)
}

pub fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Compares a presented secret with a stored digest in constant time.
pub fn verify(secret: &str, stored_digest: &str) -> bool {
    digest(secret)
        .as_bytes()
        .ct_eq(stored_digest.as_bytes())
        .into()
}

pub fn new_api_key() -> String {
    format!("sk_{}", random_token(40))
}

pub fn new_client_id() -> String {
    format!("cli_{}", random_token(24))
}

pub fn new_client_secret() -> String {
    format!("cs_{}", random_token(48))
}
