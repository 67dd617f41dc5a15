//! Authentication and authorization: OAuth 2.0 client credentials (`POST /oauth/token`), signed
//! JWTs, API keys, scopes, and the per-request [`Principal`].

pub mod credentials;
pub mod jwt;
pub mod principal;
pub mod scopes;
pub mod secrets;
pub mod token;

pub use principal::Principal;
pub use scopes::{Scope, ScopeSet};
