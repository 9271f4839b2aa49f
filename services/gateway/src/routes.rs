//! The routing table: which upstream owns a path, and which paths need no token.

use std::sync::Arc;

use actix_web::http::Method;

use crate::settings::{RouteTarget, Settings};

/// Every service the gateway knows by name (the OpenAPI merge order).
pub const SERVICES: &[&str] = &[
    "accounts",
    "customers",
    "tickets",
    "surveys",
    "training",
    "reporting",
    "integrations",
];

/// The path map of PRODUCT.md §5: prefix → owning service.
const PATH_MAP: &[(&str, &str)] = &[
    ("/api/v1/tenants", "accounts"),
    ("/api/v1/tenant", "accounts"),
    ("/api/v1/users", "accounts"),
    ("/api/v1/user-invitations", "accounts"),
    ("/api/v1/password-resets", "accounts"),
    ("/api/v1/teams", "accounts"),
    ("/api/v1/roles", "accounts"),
    ("/api/v1/api-clients", "accounts"),
    ("/api/v1/audit-log", "accounts"),
    ("/api/v1/platform", "accounts"),
    ("/oauth", "accounts"),
    ("/.well-known", "accounts"),
    ("/api/v1/customers", "customers"),
    ("/api/v1/care-plans", "customers"),
    ("/api/v1/follow-ups", "customers"),
    ("/api/v1/pain-points", "customers"),
    ("/api/v1/agreements", "customers"),
    ("/api/v1/customer-settings", "customers"),
    ("/api/v1/tickets", "tickets"),
    ("/api/v1/calendars", "tickets"),
    ("/api/v1/sla-policies", "tickets"),
    ("/api/v1/escalation-rules", "tickets"),
    ("/api/v1/triggers", "tickets"),
    ("/api/v1/automations", "tickets"),
    ("/api/v1/dispatch-rules", "tickets"),
    ("/api/v1/macros", "tickets"),
    ("/api/v1/custom-fields", "tickets"),
    ("/api/v1/kb", "tickets"),
    ("/api/v1/survey-templates", "surveys"),
    ("/api/v1/campaigns", "surveys"),
    ("/api/v1/survey-invitations", "surveys"),
    ("/api/v1/survey-responses", "surveys"),
    ("/api/v1/satisfaction-index", "surveys"),
    ("/api/v1/research-plans", "surveys"),
    ("/public/surveys", "surveys"),
    ("/api/v1/courses", "training"),
    ("/api/v1/course-sessions", "training"),
    ("/api/v1/enrollments", "training"),
    ("/api/v1/question-banks", "training"),
    ("/api/v1/assessments", "training"),
    ("/api/v1/certifications", "training"),
    ("/api/v1/training-plans", "training"),
    ("/api/v1/training-needs", "training"),
    ("/api/v1/staff-evaluations", "training"),
    ("/api/v1/reports", "reporting"),
    ("/api/v1/dashboards", "reporting"),
    ("/api/v1/exports", "reporting"),
    ("/api/v1/events", "integrations"),
    ("/api/v1/webhooks", "integrations"),
];

/// One service behind the gateway.
#[derive(Debug, PartialEq, Eq)]
pub struct Upstream {
    /// Service name, used in errors, metrics and `/healthz/services`.
    pub name: String,
    /// Base URL without a trailing slash.
    pub base_url: String,
}

/// Values keyed by path prefix, matched on whole segments, longest prefix first.
#[derive(Debug)]
pub struct PrefixMap<T> {
    entries: Vec<(String, T)>,
}

impl<T> PrefixMap<T> {
    /// A map of `(prefix, value)`; a later duplicate prefix wins.
    pub fn new(pairs: impl IntoIterator<Item = (String, T)>) -> Self {
        let mut entries: Vec<(String, T)> = Vec::new();
        for (prefix, value) in entries_normalised(pairs) {
            entries.retain(|(p, _)| *p != prefix);
            entries.push((prefix, value));
        }
        entries.sort_by_key(|(prefix, _)| std::cmp::Reverse(prefix.len()));
        Self { entries }
    }

    /// The value of the longest prefix owning `path`.
    pub fn find(&self, path: &str) -> Option<&T> {
        self.entries
            .iter()
            .find(|(prefix, _)| owns(prefix, path))
            .map(|(_, value)| value)
    }
}

fn entries_normalised<T>(
    entries: impl IntoIterator<Item = (String, T)>,
) -> impl Iterator<Item = (String, T)> {
    entries
        .into_iter()
        .map(|(prefix, value)| (prefix.trim_end_matches('/').to_string(), value))
}

/// `/api/v1/tenant` owns `/api/v1/tenant` and `/api/v1/tenant/x`, not `/api/v1/tenants`.
fn owns(prefix: &str, path: &str) -> bool {
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Path prefix → upstream, for the configured services only.
#[derive(Debug)]
pub struct RoutingTable {
    routes: PrefixMap<Arc<Upstream>>,
    upstreams: Vec<Arc<Upstream>>,
}

impl RoutingTable {
    /// The table of the built-in path map plus extra routes, limited to configured services.
    pub fn from_settings(settings: &Settings) -> Self {
        let upstreams: Vec<Arc<Upstream>> = settings
            .upstreams
            .iter()
            .map(|(name, url)| {
                Arc::new(Upstream {
                    name: name.clone(),
                    base_url: url.trim_end_matches('/').to_string(),
                })
            })
            .collect();
        let by_name = |name: &str| upstreams.iter().find(|u| u.name == name).cloned();
        let builtin = PATH_MAP
            .iter()
            .filter_map(|(prefix, service)| Some((prefix.to_string(), by_name(service)?)));
        let extra = settings.extra_routes.iter().filter_map(|(prefix, target)| {
            let upstream = match target {
                RouteTarget::Service(name) => by_name(name)?,
                RouteTarget::Url(url) => Arc::new(Upstream {
                    name: prefix.trim_matches('/').replace('/', "-"),
                    base_url: url.trim_end_matches('/').to_string(),
                }),
            };
            Some((prefix.clone(), upstream))
        });
        let routes = PrefixMap::new(builtin.chain(extra).collect::<Vec<_>>());
        Self { routes, upstreams }
    }

    /// The upstream that owns `path`, if its service is configured.
    pub fn resolve(&self, path: &str) -> Option<&Arc<Upstream>> {
        if is_ambiguous(path) {
            // The URL parser would rewrite these after the access check saw the raw path.
            return None;
        }
        self.routes.find(path)
    }

    /// The configured services, by name.
    pub fn upstreams(&self) -> &[Arc<Upstream>] {
        &self.upstreams
    }

    /// A configured service by name.
    pub fn upstream(&self, name: &str) -> Option<&Arc<Upstream>> {
        self.upstreams.iter().find(|u| u.name == name)
    }
}

/// A path the URL parser would normalise: a dot segment, or a backslash, which WHATWG
/// URL parsing treats as `/` (so `/oauth/token/..\\..\\api` would reach `/api`).
fn is_ambiguous(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    if lower.contains('\\') || lower.contains("%5c") {
        return true;
    }
    lower.split('/').any(|segment| {
        let segment = segment.replace("%2e", ".");
        segment == "." || segment == ".."
    })
}

/// Whether an upstream route answers without a token (sign-up, token endpoint, JWKS, …).
pub fn is_public(method: &Method, path: &str) -> bool {
    if path == "/api/v1/tenants" {
        return method == Method::POST;
    }
    if [
        "/oauth/token",
        "/.well-known",
        "/api/v1/password-resets",
        "/public",
    ]
    .iter()
    .any(|prefix| owns(prefix, path))
    {
        return true;
    }
    // Accepting an invitation is public; the token travels in the body, never the path.
    path == "/api/v1/user-invitations/accept" && method == Method::POST
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(services: &[&str]) -> RoutingTable {
        let settings = services.iter().fold(Settings::new("http://gw"), |s, name| {
            s.with_upstream(*name, format!("http://{name}:80"))
        });
        RoutingTable::from_settings(&settings)
    }

    fn owner(table: &RoutingTable, path: &str) -> Option<String> {
        table.resolve(path).map(|u| u.name.clone())
    }

    #[test]
    fn longest_prefix_wins_on_segment_boundaries() {
        let table = table(&["accounts", "tickets"]);
        assert_eq!(owner(&table, "/api/v1/tenant").as_deref(), Some("accounts"));
        assert_eq!(
            owner(&table, "/api/v1/tenants").as_deref(),
            Some("accounts")
        );
        assert_eq!(
            owner(&table, "/api/v1/tickets/1/comments").as_deref(),
            Some("tickets")
        );
        assert_eq!(
            owner(&table, "/api/v1/kb/articles").as_deref(),
            Some("tickets")
        );
        assert_eq!(owner(&table, "/api/v1/ticketsx"), None);
        assert_eq!(owner(&table, "/api/v1"), None);
        assert_eq!(owner(&table, "/"), None);
    }

    #[test]
    fn unconfigured_services_are_not_routed() {
        let table = table(&["accounts"]);
        assert_eq!(owner(&table, "/api/v1/tickets"), None);
        assert_eq!(owner(&table, "/oauth/token").as_deref(), Some("accounts"));
        assert_eq!(table.upstreams().len(), 1);
    }

    #[test]
    fn extra_routes_override_and_extend() {
        let settings = Settings::new("http://gw")
            .with_upstream("accounts", "http://a")
            .with_route("/api/v1/users/me", RouteTarget::Url("http://me/".into()))
            .with_route("/api/v1/sessions", RouteTarget::Service("accounts".into()))
            .with_route("/api/v1/ghost", RouteTarget::Service("tickets".into()));
        let table = RoutingTable::from_settings(&settings);
        assert_eq!(
            table.resolve("/api/v1/users/me").unwrap().base_url,
            "http://me"
        );
        assert_eq!(
            owner(&table, "/api/v1/users/1").as_deref(),
            Some("accounts")
        );
        assert_eq!(
            owner(&table, "/api/v1/sessions/1").as_deref(),
            Some("accounts")
        );
        assert_eq!(owner(&table, "/api/v1/ghost"), None);
    }

    #[test]
    fn dot_segments_are_never_routed() {
        let table = table(&["accounts"]);
        assert_eq!(owner(&table, "/api/v1/password-resets/../users"), None);
        assert_eq!(owner(&table, "/api/v1/password-resets/%2E%2e/users"), None);
        assert_eq!(owner(&table, "/api/v1/users/./1"), None);
        // URL parsing turns `\\` into `/`, so these would reach /api/v1/users untokened.
        assert_eq!(owner(&table, "/oauth/token/..\\..\\api/v1/users"), None);
        assert_eq!(owner(&table, "/public\\..\\api/v1/users"), None);
        assert_eq!(owner(&table, "/oauth/token/%5C..%5c../api/v1/users"), None);
        assert_eq!(
            owner(&table, "/api/v1/users/a..b").as_deref(),
            Some("accounts")
        );
    }

    #[test]
    fn public_routes() {
        assert!(is_public(&Method::POST, "/api/v1/tenants"));
        assert!(!is_public(&Method::GET, "/api/v1/tenants"));
        assert!(!is_public(&Method::POST, "/api/v1/tenants/1"));
        assert!(is_public(&Method::POST, "/oauth/token"));
        assert!(!is_public(&Method::POST, "/oauth/revoke"));
        assert!(is_public(&Method::GET, "/.well-known/jwks.json"));
        assert!(is_public(&Method::POST, "/api/v1/user-invitations/accept"));
        assert!(!is_public(&Method::GET, "/api/v1/user-invitations/accept"));
        assert!(!is_public(&Method::POST, "/api/v1/user-invitations/portal"));
        assert!(!is_public(&Method::GET, "/api/v1/user-invitations"));
        assert!(is_public(&Method::POST, "/api/v1/password-resets"));
        assert!(is_public(&Method::POST, "/api/v1/password-resets/confirm"));
        assert!(is_public(&Method::GET, "/public/surveys/t"));
        assert!(!is_public(&Method::GET, "/publicity"));
        assert!(!is_public(&Method::GET, "/api/v1/users"));
    }
}
