//! Keys derived from the token signing secret for other uses than tokens: today the key page
//! cursors are signed with. Neither `auth` (which derives it) nor the transports (which seal
//! and open cursors with it) own it, so it lives here, below both.
//!
//! Signed page cursors. A cursor carries the sort column, that column's value in the last row
//! seen and the row's ID; the client must hand it back unchanged. Each one ends with an
//! HMAC-SHA256 tag over its payload and the merchant it was issued to, so an edited cursor (a
//! moved value, another ID, a cursor of another merchant) is refused as `BAD_USER_INPUT`
//! instead of silently seeking somewhere else.
//!
//! The key is derived from the token signing secret: cursors stay valid across restarts and
//! nodes exactly when tokens do.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// Bytes of the tag kept in a cursor (128 bits).
const TAG_LEN: usize = 16;

/// The key cursors are signed with (schema data, one per running gateway). Kept as a full
/// SHA-256 block: HMAC pads shorter keys with zeros to this size, so the 32 derived bytes
/// followed by zeros are the same key, and building the MAC from it cannot fail.
#[derive(Clone)]
pub struct CursorKey([u8; 64]);

impl CursorKey {
    /// Derives the cursor key from the token signing secret (a key of its own, so a cursor tag
    /// can never be replayed as a token signature or the other way round).
    pub fn derive(secret: &[u8]) -> Self {
        let mut key = [0u8; 64];
        let digest = Sha256::new()
            .chain_update(b"commerce-gateway page cursors v1\0")
            .chain_update(secret)
            .finalize();
        key[..32].copy_from_slice(&digest);
        Self(key)
    }

    fn mac(&self, merchant_id: i64, payload: &[u8]) -> HmacSha256 {
        let mut mac = <HmacSha256 as KeyInit>::new(&self.0.into());
        mac.update(&merchant_id.to_be_bytes());
        mac.update(payload);
        mac
    }

    /// `payload` as an opaque cursor for `merchant_id`.
    pub fn seal(&self, merchant_id: i64, payload: &[u8]) -> String {
        let tag = self.mac(merchant_id, payload).finalize().into_bytes();
        let mut bytes = Vec::with_capacity(payload.len() + TAG_LEN);
        bytes.extend_from_slice(payload);
        bytes.extend_from_slice(&tag[..TAG_LEN]);
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// The payload of a cursor this key sealed for `merchant_id`; `None` if it was not (bad
    /// encoding, edited, truncated, or issued to another merchant or by another key).
    pub fn open(&self, merchant_id: i64, cursor: &str) -> Option<Vec<u8>> {
        let mut bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
        if bytes.len() <= TAG_LEN {
            return None;
        }
        let tag = bytes.split_off(bytes.len() - TAG_LEN);
        // Constant-time comparison of the truncated tag.
        self.mac(merchant_id, &bytes)
            .verify_truncated_left(&tag)
            .ok()?;
        Some(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_cursor_opens_only_unchanged_for_its_merchant_and_key() {
        let key = CursorKey::derive(b"a-secret-of-at-least-thirty-two-bytes!!");
        let cursor = key.seal(7, br#"{"s":"created_at","v":"1","id":"or_x"}"#);
        assert_eq!(
            key.open(7, &cursor).as_deref(),
            Some(&br#"{"s":"created_at","v":"1","id":"or_x"}"#[..])
        );
        assert_eq!(key.open(8, &cursor), None, "another merchant");
        let other = CursorKey::derive(b"another-secret-of-at-least-thirty-two-b");
        assert_eq!(other.open(7, &cursor), None, "another key");
        // Flip every character in turn: none of the edits opens.
        let chars: Vec<char> = cursor.chars().collect();
        for i in 0..chars.len() {
            let mut edited = chars.clone();
            edited[i] = if edited[i] == 'A' { 'B' } else { 'A' };
            let edited: String = edited.into_iter().collect();
            assert_eq!(key.open(7, &edited), None, "edited at {i}");
        }
        assert_eq!(key.open(7, &cursor[..cursor.len() - 2]), None, "truncated");
        assert_eq!(key.open(7, ""), None);
        assert_eq!(key.open(7, "!!!"), None);
    }
}
