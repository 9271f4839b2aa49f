//! Status values of tenants, users and API clients.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A tenant's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TenantStatus {
    /// Working normally.
    Active,
    /// Suspended by an operator: every token fails.
    Suspended,
    /// Deleted by an operator; data being purged.
    Deleted,
}

/// A user's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UserStatus {
    /// Invited, has not set a password yet.
    Invited,
    /// Can log in.
    Active,
    /// Cannot log in; tokens stop working.
    Disabled,
}

macro_rules! str_enum {
    ($ty:ty { $($variant:ident => $text:literal),* }) => {
        impl $ty {
            /// The stored name.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),* }
            }
            /// Parses a stored name.
            pub fn parse(value: &str) -> Option<Self> {
                match value { $($text => Some(Self::$variant),)* _ => None }
            }
        }
    };
}

str_enum!(TenantStatus { Active => "active", Suspended => "suspended", Deleted => "deleted" });
str_enum!(UserStatus { Invited => "invited", Active => "active", Disabled => "disabled" });

/// What an operator asks of a tenant's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TenantAction {
    /// Stop every token of the tenant.
    Suspend,
    /// Let a suspended tenant work again.
    Restore,
    /// Delete the tenant for good.
    Delete,
}

impl TenantAction {
    /// The audit action that records it.
    pub fn audit_action(self) -> &'static str {
        match self {
            Self::Suspend => "tenant.suspended",
            Self::Restore => "tenant.restored",
            Self::Delete => "tenant.deleted",
        }
    }
}

/// The status after `action`: `Ok(None)` when the tenant is already there (a retry is
/// harmless), 409 `illegal_transition` when a deleted tenant would come back.
pub fn next_status(
    current: TenantStatus,
    action: TenantAction,
) -> Result<Option<TenantStatus>, kefu_platform::ApiError> {
    use TenantAction as A;
    use TenantStatus as S;
    match (current, action) {
        (S::Suspended, A::Suspend) | (S::Active, A::Restore) | (S::Deleted, A::Delete) => Ok(None),
        (S::Active, A::Suspend) => Ok(Some(S::Suspended)),
        (S::Suspended, A::Restore) => Ok(Some(S::Active)),
        (S::Active | S::Suspended, A::Delete) => Ok(Some(S::Deleted)),
        (S::Deleted, A::Suspend | A::Restore) => Err(kefu_platform::ApiError::IllegalTransition {
            detail: "the tenant is deleted".into(),
            allowed: Vec::new(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use TenantAction as A;
    use TenantStatus as S;

    #[test]
    fn transitions_and_harmless_retries() {
        assert_eq!(
            next_status(S::Active, A::Suspend).ok(),
            Some(Some(S::Suspended))
        );
        assert_eq!(
            next_status(S::Suspended, A::Restore).ok(),
            Some(Some(S::Active))
        );
        assert_eq!(
            next_status(S::Suspended, A::Delete).ok(),
            Some(Some(S::Deleted))
        );
        assert_eq!(next_status(S::Suspended, A::Suspend).ok(), Some(None));
        assert_eq!(next_status(S::Deleted, A::Delete).ok(), Some(None));
    }

    #[test]
    fn a_deleted_tenant_stays_deleted() {
        assert!(matches!(
            next_status(S::Deleted, A::Restore),
            Err(kefu_platform::ApiError::IllegalTransition { .. })
        ));
        assert!(matches!(
            next_status(S::Deleted, A::Suspend),
            Err(kefu_platform::ApiError::IllegalTransition { .. })
        ));
    }
}
