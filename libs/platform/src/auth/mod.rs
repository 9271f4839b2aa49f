//! Authentication and authorisation: token claims, the JWKS-backed verifier and
//! the `Authz<S>` extractor that carries the tenant and requires scope `S`.

mod claims;
mod extractor;
pub mod scopes;
mod verifier;

pub use claims::{Claims, AUDIENCE};
pub use extractor::{bearer_token, AuthState, Authz, Operator, PrincipalGuard, TenantContext};
pub use scopes::RequiredScope;
pub use verifier::{HttpJwks, JwksSource, StaticJwks, TokenVerifier, VerifyError};
