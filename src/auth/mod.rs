//! Authentication and authorization: OAuth 2.0 client credentials (`POST /oauth/token`), signed
//! JWTs (refused once their client is revoked), API keys, scopes, the throttling of failed
//! attempts, and the per-request [`Principal`].

pub mod credentials;
pub mod jwt;
pub mod principal;
pub mod revocation;
pub mod scopes;
pub mod secrets;
pub mod throttle;
pub mod token;

pub use principal::Principal;
pub use scopes::{Scope, ScopeSet};
