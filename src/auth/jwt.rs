//! Signed access tokens (HS256). Every token names the key that signed it in `kid`; the verifier
//! accepts the current key and any previous keys still configured, so secrets can rotate without
//! logging every client out.

use std::num::NonZeroUsize;
use std::sync::Mutex;
use std::time::Duration;

use lru::LruCache;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::JwtConfig;
use crate::keys::CursorKey;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    /// The API client the token was issued to.
    pub sub: String,
    pub iat: i64,
    /// Not before: refused until then (checked when present; issued tokens carry `iat`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    pub exp: i64,
    pub jti: String,
    /// Merchant slug: the tenant every request of this token is scoped to.
    pub merchant: String,
    /// Space-separated canonical scopes.
    pub scope: String,
    /// Issued to an installed application's client (which shares its store's Spark Pay call
    /// limit), not a custom one. Absent: custom.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub installed: bool,
}

struct Key {
    kid: String,
    decoding: DecodingKey,
}

pub struct JwtKeys {
    kid: String,
    encoding: EncodingKey,
    verify: Vec<Key>,
    issuer: String,
    audience: String,
    ttl: Duration,
    /// Whether the signing key was generated at start (tokens die with the process).
    pub generated: bool,
    /// Tokens that passed verification, by their exact text. A client sends the same token on
    /// every request until it expires, and decoding plus checking it was about 5 % of the
    /// server's CPU for a lookup. Signature, issuer and audience cannot change for a given text
    /// and these keys; expiry is checked again on every hit.
    verified: Mutex<LruCache<String, Claims>>,
    cursor_key: CursorKey,
}

/// Verified tokens remembered.
const VERIFIED_TOKENS: usize = 4096;
/// Seconds a token is still accepted after `exp` (clock skew between nodes).
const LEEWAY: i64 = 30;

fn kid_of(secret: &[u8]) -> String {
    hex::encode(&Sha256::digest(secret)[..6])
}

impl JwtKeys {
    pub fn new(config: &JwtConfig) -> Self {
        let (secret, generated) = match &config.secret {
            Some(s) => (s.clone(), false),
            None => (super::secrets::random_token(64), true),
        };
        let mut verify = vec![Key {
            kid: kid_of(secret.as_bytes()),
            decoding: DecodingKey::from_secret(secret.as_bytes()),
        }];
        for old in &config.previous_secrets {
            verify.push(Key {
                kid: kid_of(old.as_bytes()),
                decoding: DecodingKey::from_secret(old.as_bytes()),
            });
        }
        Self {
            cursor_key: CursorKey::derive(secret.as_bytes()),
            kid: kid_of(secret.as_bytes()),
            encoding: EncodingKey::from_secret(secret.as_bytes()),
            verify,
            issuer: config.issuer.clone(),
            audience: config.audience.clone(),
            ttl: config.ttl,
            generated,
            verified: Mutex::new(LruCache::new(
                NonZeroUsize::new(VERIFIED_TOKENS).unwrap_or(NonZeroUsize::MIN),
            )),
        }
    }

    /// The key page cursors are signed with, derived from the current signing secret.
    pub fn cursor_key(&self) -> CursorKey {
        self.cursor_key.clone()
    }

    pub fn kid(&self) -> &str {
        &self.kid
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// Issues a token for `subject` of `merchant` with `scope` (space-separated).
    pub fn issue(
        &self,
        subject: &str,
        merchant: &str,
        scope: &str,
        installed: bool,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sub: subject.to_owned(),
            iat: now,
            nbf: Some(now),
            exp: now + self.ttl.as_secs() as i64,
            jti: uuid::Uuid::new_v4().to_string(),
            merchant: merchant.to_owned(),
            scope: scope.to_owned(),
            installed,
        };
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, &claims, &self.encoding)
    }

    /// Verifies signature, issuer, audience, expiry and not-before. The error text is safe to
    /// show.
    pub fn verify(&self, token: &str) -> Result<Claims, String> {
        let remembered = self
            .verified
            .lock()
            .ok()
            .and_then(|mut v| v.get(token).cloned());
        if let Some(claims) = remembered {
            if claims.exp + LEEWAY >= chrono::Utc::now().timestamp() {
                return Ok(claims);
            }
            // Expired since: the full check below reports it.
        }
        let claims = self.verify_signed(token)?;
        if let Ok(mut v) = self.verified.lock() {
            v.put(token.to_owned(), claims.clone());
        }
        Ok(claims)
    }

    fn verify_signed(&self, token: &str) -> Result<Claims, String> {
        let header = jsonwebtoken::decode_header(token)
            .map_err(|_| "the access token is malformed".to_owned())?;
        if header.alg != Algorithm::HS256 {
            return Err("the access token uses an unsupported algorithm".into());
        }
        let key = match &header.kid {
            Some(kid) => self.verify.iter().find(|k| &k.kid == kid),
            None => None,
        }
        .ok_or_else(|| "the access token was signed by an unknown key".to_owned())?;
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        // The same leeway applies to `nbf` (a token used on a node whose clock is behind).
        validation.leeway = LEEWAY as u64;
        validation.validate_nbf = true;
        jsonwebtoken::decode::<Claims>(token, &key.decoding, &validation)
            .map(|d| d.claims)
            .map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => {
                    "the access token has expired".to_owned()
                }
                jsonwebtoken::errors::ErrorKind::ImmatureSignature => {
                    "the access token is not valid yet (nbf)".to_owned()
                }
                _ => "the access token is invalid".to_owned(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issues_verifies_and_rotates() {
        let old = JwtConfig {
            secret: Some("o".repeat(40)),
            ..JwtConfig::default()
        };
        let old_keys = JwtKeys::new(&old);
        let token = old_keys
            .issue("cli_x", "demo", "customers:read", false)
            .unwrap();
        let new = JwtConfig {
            secret: Some("n".repeat(40)),
            previous_secrets: vec!["o".repeat(40)],
            ..JwtConfig::default()
        };
        let keys = JwtKeys::new(&new);
        assert_eq!(keys.verify(&token).unwrap().merchant, "demo");
        let other = JwtKeys::new(&JwtConfig {
            secret: Some("x".repeat(40)),
            ..JwtConfig::default()
        });
        assert!(other.verify(&token).is_err());
        assert!(keys.verify("not.a.token").is_err());
    }

    #[test]
    fn remembered_tokens_still_expire_and_tampering_is_not_remembered() {
        let keys = JwtKeys::new(&JwtConfig {
            secret: Some("r".repeat(40)),
            ..JwtConfig::default()
        });
        let token = keys.issue("cli_r", "demo", "orders:read", false).unwrap();
        assert_eq!(keys.verify(&token).unwrap().scope, "orders:read");
        // Served from memory the second time, with the same claims.
        assert!(keys.verified.lock().unwrap().contains(&token));
        assert_eq!(keys.verify(&token).unwrap().sub, "cli_r");
        // Another text (a changed payload) is checked in full and refused.
        let at = token.find('.').unwrap() + 5;
        let mut tampered = token.clone();
        let was = tampered.remove(at);
        tampered.insert(at, if was == 'x' { 'y' } else { 'x' });
        assert!(keys.verify(&tampered).is_err());
        // A remembered token past its expiry (and the leeway) is refused.
        let mut claims = keys.verify(&token).unwrap();
        claims.exp = chrono::Utc::now().timestamp() - LEEWAY - 1;
        let expired = jsonwebtoken::encode(
            &{
                let mut h = Header::new(Algorithm::HS256);
                h.kid = Some(keys.kid.clone());
                h
            },
            &claims,
            &keys.encoding,
        )
        .unwrap();
        keys.verified
            .lock()
            .unwrap()
            .put(expired.clone(), claims.clone());
        assert_eq!(
            keys.verify(&expired).unwrap_err(),
            "the access token has expired"
        );
    }
}
