//! The seeded role catalogue (PRODUCT.md §2) and scope expansion.

use kefu_platform::auth::scopes;

/// A role every new tenant starts with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuiltinRole {
    /// Stable key, e.g. `service_manager`.
    pub key: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Who holds it.
    pub description: &'static str,
    /// Scope patterns; `area:*` means every action of the area.
    pub patterns: &'static [&'static str],
}

/// The catalogue of PRODUCT.md §2.
pub const BUILTIN_ROLES: &[BuiltinRole] = &[
    BuiltinRole {
        key: "owner",
        name: "Owner",
        description: "Service-centre director; everything in the tenant",
        patterns: &["*"],
    },
    BuiltinRole {
        key: "service_manager",
        name: "Service manager",
        description: "After-sales service supervisor",
        patterns: &[
            "tickets:*",
            "kb:*",
            "customers:read",
            "surveys:read",
            "reports:*",
            "accounts:read",
        ],
    },
    BuiltinRole {
        key: "relationship_manager",
        name: "Relationship manager",
        description: "Customer-relationship supervisor",
        patterns: &[
            "customers:*",
            "surveys:read",
            "surveys:write",
            "tickets:read",
            "reports:*",
            "accounts:read",
        ],
    },
    BuiltinRole {
        key: "training_manager",
        name: "Training manager",
        description: "Training supervisor",
        patterns: &["training:*", "reports:read", "accounts:read"],
    },
    BuiltinRole {
        key: "research_manager",
        name: "Research manager",
        description: "Customer-survey supervisor",
        patterns: &["surveys:*", "customers:read", "reports:*", "accounts:read"],
    },
    BuiltinRole {
        key: "agent",
        name: "Agent",
        description: "Call-centre or desk agent",
        patterns: &[
            "tickets:read",
            "tickets:write",
            "kb:read",
            "customers:read",
            "customers:write",
            "surveys:read",
            "training:read",
            "accounts:read",
        ],
    },
    BuiltinRole {
        key: "engineer",
        name: "Engineer",
        description: "Field or service engineer",
        patterns: &[
            "tickets:read",
            "tickets:write",
            "kb:read",
            "customers:read",
            "training:read",
            "accounts:read",
        ],
    },
    BuiltinRole {
        key: "analyst",
        name: "Analyst",
        description: "Reporting user",
        patterns: &["reports:read", "reports:export", "accounts:read"],
    },
    BuiltinRole {
        key: "customer",
        name: "Customer",
        description: "An end customer of the tenant (portal user)",
        patterns: &["portal"],
    },
];

/// Scopes a tenant role may never hold.
const TENANT_FORBIDDEN: &[&str] = &["platform:admin"];

/// Expands patterns into concrete, sorted, unique scopes of the catalogue.
/// `*` is every tenant scope except `portal`; `area:*` is every action of the area.
pub fn expand(patterns: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for pattern in patterns {
        for scope in scopes::ALL {
            let matches = match *pattern {
                "*" => *scope != "portal" && !TENANT_FORBIDDEN.contains(scope),
                p if p.ends_with(":*") => scope.starts_with(&p[..p.len() - 1]),
                p => p == *scope,
            };
            if matches && !TENANT_FORBIDDEN.contains(scope) && !out.iter().any(|s| s == scope) {
                out.push((*scope).to_string());
            }
        }
    }
    out.sort();
    out
}

/// Checks scopes given for a tenant-defined role or API client; returns the invalid ones.
pub fn invalid_scopes(requested: &[String]) -> Vec<String> {
    requested
        .iter()
        .filter(|s| !scopes::is_known(s) || TENANT_FORBIDDEN.contains(&s.as_str()))
        .cloned()
        .collect()
}

/// Whether a role key is well formed: lowercase letters, digits and `_`, 2–40 chars.
pub fn is_valid_key(key: &str) -> bool {
    (2..=40).contains(&key.len())
        && key.starts_with(|c: char| c.is_ascii_lowercase())
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owner_has_everything_but_platform_and_portal() {
        let owner = expand(&["*"]);
        assert!(owner.contains(&"accounts:admin".to_string()));
        assert!(owner.contains(&"integrations:admin".to_string()));
        assert!(!owner.contains(&"platform:admin".to_string()));
        assert!(!owner.contains(&"portal".to_string()));
    }

    #[test]
    fn area_wildcards_expand() {
        let scopes = expand(&["tickets:*"]);
        assert_eq!(
            scopes,
            vec![
                "tickets:admin",
                "tickets:assign",
                "tickets:read",
                "tickets:write"
            ]
        );
    }

    #[test]
    fn rejects_unknown_and_platform_scopes() {
        let bad = invalid_scopes(&[
            "tickets:read".into(),
            "nope:x".into(),
            "platform:admin".into(),
        ]);
        assert_eq!(bad, vec!["nope:x", "platform:admin"]);
    }

    #[test]
    fn role_keys() {
        assert!(is_valid_key("night_shift"));
        assert!(!is_valid_key("Night"));
        assert!(!is_valid_key("x"));
    }
}
