//! Plans and their quotas (PRODUCT.md §3.1).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A tenant's plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Plan {
    /// 5 users, 120 requests/min.
    Free,
    /// 50 users, 600 requests/min.
    Standard,
    /// Unlimited users, 3 000 requests/min.
    Enterprise,
}

/// The quotas a plan grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Quotas {
    /// Most staff users (portal users do not count); null = unlimited.
    pub max_users: Option<u32>,
    /// API requests per minute for the tenant.
    pub requests_per_minute: u32,
}

impl Plan {
    /// The plan's quotas.
    pub fn quotas(self) -> Quotas {
        match self {
            Plan::Free => Quotas {
                max_users: Some(5),
                requests_per_minute: 120,
            },
            Plan::Standard => Quotas {
                max_users: Some(50),
                requests_per_minute: 600,
            },
            Plan::Enterprise => Quotas {
                max_users: None,
                requests_per_minute: 3000,
            },
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Plan::Free => "free",
            Plan::Standard => "standard",
            Plan::Enterprise => "enterprise",
        }
    }

    /// Parses a stored name.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "free" => Some(Plan::Free),
            "standard" => Some(Plan::Standard),
            "enterprise" => Some(Plan::Enterprise),
            _ => None,
        }
    }

    /// Whether one more staff user fits when `current` exist.
    pub fn allows_another_user(self, current: u64) -> bool {
        self.quotas()
            .max_users
            .is_none_or(|max| current < u64::from(max))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_quota() {
        assert!(Plan::Free.allows_another_user(4));
        assert!(!Plan::Free.allows_another_user(5));
        assert!(Plan::Enterprise.allows_another_user(1_000_000));
    }
}
