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
