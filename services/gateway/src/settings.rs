//! The gateway's configuration: upstreams, listen address, limits and policies.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, bail, Context};
use kefu_platform::auth::{HttpJwks, TokenVerifier};
use kefu_platform::config::{parse_or, seconds_or, var, CommonSettings};

use crate::client_ip::IpRange;
use crate::routes::SERVICES;

/// Where the gateway sends a path prefix: a named service or a URL of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteTarget {
    /// One of the configured services (`accounts`, `tickets`, …).
    Service(String),
    /// A base URL, for prefixes outside the built-in path map.
    Url(String),
}

/// Typed gateway settings; every field is public so callers and tests can adjust them.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Address to listen on (`KEFU_GATEWAY_ADDR`).
    pub listen_addr: String,
    /// Public URL of the gateway: token issuer and the OpenAPI server (`KEFU_PUBLIC_URL`).
    pub public_url: String,
    /// Base URL of each configured service, by name; unconfigured services are not routed.
    pub upstreams: BTreeMap<String, String>,
    /// Extra prefixes beyond the built-in path map (`/prefix=url` in `KEFU_GATEWAY_ROUTES`).
    pub extra_routes: Vec<(String, RouteTarget)>,
    /// Where the token verifier fetches keys; `None` means accounts' `/.well-known/jwks.json`.
    pub jwks_url: Option<String>,
    /// Requests per minute of one tenant (the plan's limit; the token carries no plan yet).
    pub tenant_limit_per_minute: u32,
    /// Requests per minute of one tenant, by the plan its tokens carry.
    pub plan_limits: BTreeMap<String, u32>,
    /// Share of the tenant's limit one credential (user or API client token) may use.
    pub credential_share: f64,
    /// Requests per minute of one client IP on public routes.
    pub public_limit_per_minute: u32,
    /// Peers whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpRange>,
    /// Origins allowed by CORS; `*` allows any; empty allows none.
    pub cors_origins: Vec<String>,
    /// Largest request body forwarded, in bytes.
    pub body_limit_bytes: usize,
    /// Largest upload to an `…/attachments` path (`KEFU_GATEWAY_UPLOAD_LIMIT_BYTES`, 50 MiB);
    /// the service then holds the tenant to its plan's limit.
    pub upload_limit_bytes: usize,
    /// Time an upstream has to start answering.
    pub timeout: Duration,
    /// Longer or shorter timeouts for some prefixes (exports, reports).
    pub route_timeouts: Vec<(String, Duration)>,
    /// Services whose `/openapi.json` is merged into the gateway's document.
    pub openapi_services: Vec<String>,
    /// How long the merged OpenAPI document is reused before it is fetched again.
    pub openapi_cache: Duration,
}

/// Default limit of a tenant when its plan is unknown (the `standard` plan).
pub const DEFAULT_TENANT_LIMIT_PER_MINUTE: u32 = 600;

/// Where accounts listens when nothing else is configured.
const DEFAULT_ACCOUNTS_URL: &str = "http://127.0.0.1:8081";

impl Settings {
    /// Defaults for `public_url` with no upstream configured and no environment read.
    pub fn new(public_url: impl Into<String>) -> Self {
        Self {
            listen_addr: "0.0.0.0:8080".into(),
            public_url: public_url.into().trim_end_matches('/').to_string(),
            upstreams: BTreeMap::new(),
            extra_routes: Vec::new(),
            jwks_url: None,
            tenant_limit_per_minute: DEFAULT_TENANT_LIMIT_PER_MINUTE,
            plan_limits: [("free", 120), ("standard", 600), ("enterprise", 3000)]
                .into_iter()
                .map(|(plan, limit)| (plan.to_string(), limit))
                .collect(),
            credential_share: 0.5,
            public_limit_per_minute: 120,
            trusted_proxies: Vec::new(),
            cors_origins: Vec::new(),
            body_limit_bytes: 1024 * 1024,
            upload_limit_bytes: 50 * 1024 * 1024,
            timeout: Duration::from_secs(30),
            route_timeouts: Vec::new(),
            openapi_services: SERVICES.iter().map(|s| s.to_string()).collect(),
            openapi_cache: Duration::from_secs(10),
        }
    }

    /// Reads every `KEFU_GATEWAY_*`, `KEFU_RATE_LIMIT_*` and shared variable.
    pub fn from_env() -> anyhow::Result<Self> {
        let common = CommonSettings::from_env()?;
        let mut settings = Self::new(common.public_url);
        settings.jwks_url = common.jwks_url;
        settings
            .upstreams
            .insert("accounts".into(), DEFAULT_ACCOUNTS_URL.into());
        if let Some(raw) = var("KEFU_GATEWAY_ROUTES") {
            settings.apply_routes(&raw).context("KEFU_GATEWAY_ROUTES")?;
        }
        if let Some(addr) = var("KEFU_GATEWAY_ADDR") {
            settings.listen_addr = addr;
        }
        settings.tenant_limit_per_minute = parse_or(
            "KEFU_RATE_LIMIT_PER_MINUTE",
            settings.tenant_limit_per_minute,
        )?;
        if let Some(raw) = var("KEFU_RATE_LIMIT_PLANS") {
            settings.plan_limits = parse_plan_limits(&raw).context("KEFU_RATE_LIMIT_PLANS")?;
        }
        settings.credential_share = parse_or(
            "KEFU_RATE_LIMIT_CREDENTIAL_SHARE",
            settings.credential_share,
        )?;
        settings.public_limit_per_minute = parse_or(
            "KEFU_RATE_LIMIT_PUBLIC_PER_MINUTE",
            settings.public_limit_per_minute,
        )?;
        if let Some(raw) = var("KEFU_TRUSTED_PROXIES") {
            settings.trusted_proxies = list(&raw)
                .map(|item| item.parse())
                .collect::<anyhow::Result<_>>()
                .context("KEFU_TRUSTED_PROXIES")?;
        }
        if let Some(raw) = var("KEFU_CORS_ORIGINS") {
            settings.cors_origins = list(&raw).map(String::from).collect();
        }
        settings.body_limit_bytes =
            parse_or("KEFU_GATEWAY_BODY_LIMIT_BYTES", settings.body_limit_bytes)?;
        settings.upload_limit_bytes = parse_or(
            "KEFU_GATEWAY_UPLOAD_LIMIT_BYTES",
            settings.upload_limit_bytes,
        )?;
        settings.timeout = seconds_or("KEFU_GATEWAY_TIMEOUT_SECS", 30)?;
        if let Some(raw) = var("KEFU_GATEWAY_ROUTE_TIMEOUTS") {
            settings.route_timeouts = parse_route_timeouts(&raw)?;
        }
        if let Some(raw) = var("KEFU_GATEWAY_OPENAPI_SERVICES") {
            settings.openapi_services = list(&raw).map(String::from).collect();
        }
        settings.openapi_cache = seconds_or("KEFU_GATEWAY_OPENAPI_CACHE_SECS", 10)?;
        settings.validate()?;
        Ok(settings)
    }

    /// Routes the service `name` (and every prefix it owns) to `base_url`.
    pub fn with_upstream(mut self, name: impl Into<String>, base_url: impl Into<String>) -> Self {
        let base_url = base_url.into().trim_end_matches('/').to_string();
        self.upstreams.insert(name.into(), base_url);
        self
    }

    /// Routes every `(name, base_url)` pair, replacing the upstreams configured so far.
    pub fn with_upstreams<N, U>(mut self, upstreams: impl IntoIterator<Item = (N, U)>) -> Self
    where
        N: Into<String>,
        U: Into<String>,
    {
        self.upstreams.clear();
        upstreams.into_iter().fold(self, |settings, (name, url)| {
            settings.with_upstream(name, url)
        })
    }

    /// Adds a prefix outside the built-in path map.
    pub fn with_route(mut self, prefix: impl Into<String>, target: RouteTarget) -> Self {
        self.extra_routes.push((prefix.into(), target));
        self
    }

    /// The JWKS URL: the configured one, else accounts' well-known document.
    pub fn jwks_url(&self) -> Option<String> {
        self.jwks_url.clone().or_else(|| {
            self.upstreams
                .get("accounts")
                .map(|url| format!("{url}/.well-known/jwks.json"))
        })
    }

    /// A verifier for tokens of `public_url`, with keys fetched from [`Settings::jwks_url`].
    pub fn verifier(&self) -> anyhow::Result<TokenVerifier> {
        let url = self
            .jwks_url()
            .ok_or_else(|| anyhow!("no JWKS URL: configure accounts or KEFU_JWKS_URL"))?;
        Ok(TokenVerifier::new(
            Arc::new(HttpJwks::new(url)),
            self.public_url.clone(),
        ))
    }

    /// The per-credential limit derived from the default tenant limit and the share.
    pub fn credential_limit_per_minute(&self) -> u32 {
        self.credential_limit(self.tenant_limit_per_minute)
    }

    /// The per-credential limit for a tenant limit of `tenant_per_minute`.
    pub fn credential_limit(&self, tenant_per_minute: u32) -> u32 {
        let share = (f64::from(tenant_per_minute) * self.credential_share).floor();
        (share as u32).max(1)
    }

    /// Checks values that parse but make no sense.
    pub fn validate(&self) -> anyhow::Result<()> {
        if self.tenant_limit_per_minute == 0
            || self.public_limit_per_minute == 0
            || self.plan_limits.values().any(|l| *l == 0)
        {
            bail!("rate limits must be at least 1 request per minute");
        }
        if !(self.credential_share > 0.0 && self.credential_share <= 1.0) {
            bail!("KEFU_RATE_LIMIT_CREDENTIAL_SHARE must be in (0, 1]");
        }
        if self.body_limit_bytes == 0 || self.timeout.is_zero() {
            bail!("the body limit and the timeout must be positive");
        }
        if let Some(bad) = self
            .cors_origins
            .iter()
            .find(|o| !crate::cors::is_valid_origin(o))
        {
            bail!("CORS origin {bad:?} must be `*` or scheme://host[:port]");
        }
        for url in self.upstreams.values() {
            url::Url::parse(url).with_context(|| format!("upstream {url:?} is not a URL"))?;
        }
        Ok(())
    }

    /// Applies `name=url` (a service) and `/prefix=url|service` (an extra route) pairs.
    fn apply_routes(&mut self, raw: &str) -> anyhow::Result<()> {
        for item in list(raw) {
            let (key, value) = item
                .split_once('=')
                .ok_or_else(|| anyhow!("{item:?} is not name=url or /prefix=url"))?;
            let (key, value) = (key.trim(), value.trim());
            if key.starts_with('/') {
                let target = if value.contains("://") {
                    RouteTarget::Url(value.trim_end_matches('/').to_string())
                } else {
                    RouteTarget::Service(value.to_string())
                };
                self.extra_routes.push((key.to_string(), target));
            } else if !value.contains("://") {
                bail!("{item:?}: the upstream of a service must be a URL");
            } else {
                let url = value.trim_end_matches('/').to_string();
                self.upstreams.insert(key.to_string(), url);
            }
        }
        Ok(())
    }
}

fn list(raw: &str) -> impl Iterator<Item = &str> {
    raw.split(',').map(str::trim).filter(|s| !s.is_empty())
}

fn parse_route_timeouts(raw: &str) -> anyhow::Result<Vec<(String, Duration)>> {
    list(raw)
        .map(|item| {
            let (prefix, secs) = item.split_once('=').ok_or_else(|| {
                anyhow!("KEFU_GATEWAY_ROUTE_TIMEOUTS: {item:?} is not /prefix=secs")
            })?;
            let secs: u64 = secs
                .trim()
                .parse()
                .with_context(|| format!("KEFU_GATEWAY_ROUTE_TIMEOUTS: {item:?}"))?;
            Ok((prefix.trim().to_string(), Duration::from_secs(secs)))
        })
        .collect()
}

/// Parses `plan=limit,plan=limit`.
fn parse_plan_limits(raw: &str) -> anyhow::Result<BTreeMap<String, u32>> {
    list(raw)
        .map(|item| {
            let (plan, limit) = item
                .split_once('=')
                .ok_or_else(|| anyhow!("`{item}` is not plan=requests_per_minute"))?;
            let limit = limit.trim().parse().map_err(|e| anyhow!("`{item}`: {e}"))?;
            Ok((plan.trim().to_string(), limit))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_variable_configures_services_and_extra_prefixes() {
        let mut settings = Settings::new("http://localhost:8080/");
        settings
            .apply_routes(
                "accounts=http://a:1/, tickets=http://t:2,/api/v1/x=http://x:3,/api/v1/y=tickets",
            )
            .unwrap();
        assert_eq!(settings.public_url, "http://localhost:8080");
        assert_eq!(settings.upstreams["accounts"], "http://a:1");
        assert_eq!(settings.upstreams["tickets"], "http://t:2");
        assert_eq!(
            settings.extra_routes,
            vec![
                ("/api/v1/x".into(), RouteTarget::Url("http://x:3".into())),
                ("/api/v1/y".into(), RouteTarget::Service("tickets".into())),
            ]
        );
        assert!(settings.apply_routes("accounts").is_err());
        assert!(settings.apply_routes("accounts=tickets").is_err());
    }

    #[test]
    fn jwks_url_defaults_to_accounts() {
        let settings = Settings::new("http://gw").with_upstream("accounts", "http://a:1/");
        assert_eq!(
            settings.jwks_url().as_deref(),
            Some("http://a:1/.well-known/jwks.json")
        );
        assert!(Settings::new("http://gw").verifier().is_err());
    }

    #[test]
    fn credential_share_never_rounds_to_zero() {
        let mut settings = Settings::new("http://gw");
        assert_eq!(settings.credential_limit_per_minute(), 300);
        settings.tenant_limit_per_minute = 1;
        assert_eq!(settings.credential_limit_per_minute(), 1);
    }

    #[test]
    fn route_timeouts_parse() {
        let parsed = parse_route_timeouts("/api/v1/exports=120, /api/v1/reports=60").unwrap();
        assert_eq!(
            parsed[0],
            ("/api/v1/exports".into(), Duration::from_secs(120))
        );
        assert!(parse_route_timeouts("/x=soon").is_err());
    }
}
