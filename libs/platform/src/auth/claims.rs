//! The claims of a Kefu access token.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The `aud` of every Kefu access token.
pub const AUDIENCE: &str = "kefu";

/// Claims of an access token (PRODUCT.md §3.1).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    /// The user, API client or operator id.
    pub sub: Uuid,
    /// The tenant; absent for platform operators.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tid: Option<Uuid>,
    /// Space-separated scopes.
    pub scope: String,
    /// Role keys of a user (empty for API clients).
    #[serde(default)]
    pub roles: Vec<String>,
    /// Expiry, seconds since the epoch.
    pub exp: i64,
    /// Issued at, seconds since the epoch.
    pub iat: i64,
    /// Token id.
    pub jti: Uuid,
    /// Issuer: the gateway's public URL.
    pub iss: String,
    /// Audience: always `kefu`.
    pub aud: String,
    /// The customer a portal user belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cid: Option<Uuid>,
    /// The tenant's plan (`free`, `standard`, `enterprise`), for the gateway's rate limits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    /// Refresh-token family (session) of a user token, for revocation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<Uuid>,
}

impl Claims {
    /// Whether the space-separated `scope` claim holds `wanted`.
    pub fn has_scope(&self, wanted: &str) -> bool {
        self.scope.split_ascii_whitespace().any(|s| s == wanted)
    }
}
