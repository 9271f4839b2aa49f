//! Token-bucket rate limits per tenant, per credential and per client IP (governor).

use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use governor::clock::{Clock, DefaultClock};
use governor::middleware::{StateInformationMiddleware, StateSnapshot};
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{NotUntil, Quota, RateLimiter};
use uuid::Uuid;

use crate::settings::Settings;

type Keyed<K> = RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock, StateInformationMiddleware>;

/// Forgotten keys are swept after this many checks, so idle buckets do not pile up.
const SWEEP_EVERY: u64 = 4096;

/// What the `RateLimit-*` headers report: the bucket closest to refusing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Requests the bucket holds when full.
    pub limit: u32,
    /// Requests left now.
    pub remaining: u32,
    /// Seconds until the bucket is full again.
    pub reset_secs: u64,
}

impl Budget {
    /// Puts `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` on `headers`.
    pub fn apply(&self, headers: &mut HeaderMap) {
        let pairs = [
            ("ratelimit-limit", u64::from(self.limit)),
            ("ratelimit-remaining", u64::from(self.remaining)),
            ("ratelimit-reset", self.reset_secs),
        ];
        for (name, value) in pairs {
            headers.insert(HeaderName::from_static(name), HeaderValue::from(value));
        }
    }

    fn tighter(self, other: Budget) -> Budget {
        if (other.remaining, other.limit) < (self.remaining, self.limit) {
            other
        } else {
            self
        }
    }
}

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Go ahead.
    Allowed(Budget),
    /// Refused; retry after `retry_after` seconds.
    Refused {
        /// What the headers report.
        budget: Budget,
        /// Seconds until one request would be allowed.
        retry_after: u64,
    },
}

/// The tenant and credential buckets of one limit (a plan, or the default).
struct Buckets {
    tenants: Keyed<Uuid>,
    credentials: Keyed<Uuid>,
}

impl Buckets {
    fn new(settings: &Settings, tenant_per_minute: u32) -> Self {
        Self {
            tenants: keyed(tenant_per_minute),
            credentials: keyed(settings.credential_limit(tenant_per_minute)),
        }
    }

    fn retain_recent(&self) {
        self.tenants.retain_recent();
        self.credentials.retain_recent();
    }
}

/// The gateway's buckets, in this replica's memory.
pub struct RateLimits {
    /// For tokens without a known plan.
    default: Buckets,
    /// One set per plan, sized by the plan's limit.
    plans: std::collections::HashMap<String, Buckets>,
    clients: Keyed<IpAddr>,
    checks: AtomicU64,
}

impl RateLimits {
    /// Buckets sized from the settings' per-minute limits.
    pub fn new(settings: &Settings) -> Self {
        Self {
            default: Buckets::new(settings, settings.tenant_limit_per_minute),
            plans: settings
                .plan_limits
                .iter()
                .map(|(plan, limit)| (plan.clone(), Buckets::new(settings, *limit)))
                .collect(),
            clients: keyed(settings.public_limit_per_minute),
            checks: AtomicU64::new(0),
        }
    }

    /// A request of credential `subject` of `tenant` (none for platform operators) on `plan`.
    /// The credential is checked first so that a refused credential does not drain its tenant.
    pub fn check_token(&self, tenant: Option<Uuid>, subject: Uuid, plan: Option<&str>) -> Decision {
        self.sweep();
        let buckets = plan
            .and_then(|p| self.plans.get(p))
            .unwrap_or(&self.default);
        let credential = match check(&buckets.credentials, &subject) {
            Decision::Allowed(budget) => budget,
            refused => return refused,
        };
        let Some(tenant) = tenant else {
            return Decision::Allowed(credential);
        };
        match check(&buckets.tenants, &tenant) {
            Decision::Allowed(budget) => Decision::Allowed(budget.tighter(credential)),
            refused => refused,
        }
    }

    /// A request without a (valid) token, from `ip`.
    pub fn check_client(&self, ip: IpAddr) -> Decision {
        self.sweep();
        check(&self.clients, &ip)
    }

    fn sweep(&self) {
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            self.default.retain_recent();
            self.plans.values().for_each(Buckets::retain_recent);
            self.clients.retain_recent();
        }
    }
}

fn keyed<K: Clone + Hash + Eq>(per_minute: u32) -> Keyed<K> {
    let burst = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
    RateLimiter::keyed(Quota::per_minute(burst)).with_middleware::<StateInformationMiddleware>()
}

fn check<K: Clone + Hash + Eq>(limiter: &Keyed<K>, key: &K) -> Decision {
    match limiter.check_key(key) {
        Ok(snapshot) => Decision::Allowed(allowed_budget(&snapshot)),
        Err(not_until) => refused(limiter, &not_until),
    }
}

fn allowed_budget(snapshot: &StateSnapshot) -> Budget {
    let quota = snapshot.quota();
    let limit = quota.burst_size().get();
    let remaining = snapshot.remaining_burst_capacity();
    let empty = limit.saturating_sub(remaining);
    Budget {
        limit,
        remaining,
        reset_secs: ceil_secs(quota.replenish_interval() * empty),
    }
}

fn refused<K: Clone + Hash + Eq>(
    limiter: &Keyed<K>,
    not_until: &NotUntil<<DefaultClock as Clock>::Instant>,
) -> Decision {
    let quota = not_until.quota();
    let limit = quota.burst_size().get();
    let wait = not_until.wait_time_from(limiter.clock().now());
    let retry_after = ceil_secs(wait).max(1);
    let refill = quota.replenish_interval() * limit.saturating_sub(1);
    Decision::Refused {
        budget: Budget {
            limit,
            remaining: 0,
            reset_secs: ceil_secs(wait + refill).max(retry_after),
        },
        retry_after,
    }
}

fn ceil_secs(duration: Duration) -> u64 {
    let secs = duration.as_secs();
    if duration.subsec_nanos() > 0 {
        secs + 1
    } else {
        secs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(tenant: u32, share: f64, public: u32) -> RateLimits {
        let mut settings = Settings::new("http://gw");
        settings.tenant_limit_per_minute = tenant;
        settings.credential_share = share;
        settings.public_limit_per_minute = public;
        RateLimits::new(&settings)
    }

    #[test]
    fn credential_share_refuses_before_the_tenant_limit() {
        let limits = limits(4, 0.5, 10);
        let (tenant, first, second) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let Decision::Allowed(budget) = limits.check_token(Some(tenant), first, None) else {
            panic!("first request refused");
        };
        assert_eq!((budget.limit, budget.remaining), (2, 1));
        assert!(matches!(
            limits.check_token(Some(tenant), first, None),
            Decision::Allowed(_)
        ));
        let Decision::Refused {
            budget,
            retry_after,
        } = limits.check_token(Some(tenant), first, None)
        else {
            panic!("third request of one credential allowed");
        };
        assert_eq!(budget.remaining, 0);
        assert!((1..=30).contains(&retry_after));
        // The refused credential did not spend the tenant's budget.
        assert!(matches!(
            limits.check_token(Some(tenant), second, None),
            Decision::Allowed(_)
        ));
        assert!(matches!(
            limits.check_token(Some(tenant), second, None),
            Decision::Allowed(_)
        ));
        let third = Uuid::now_v7();
        assert!(matches!(
            limits.check_token(Some(tenant), third, None),
            Decision::Refused { .. }
        ));
        assert!(matches!(
            limits.check_token(Some(Uuid::now_v7()), third, None),
            Decision::Allowed(_)
        ));
    }

    #[test]
    fn clients_are_limited_by_ip() {
        let limits = limits(10, 0.5, 2);
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        assert!(matches!(limits.check_client(a), Decision::Allowed(_)));
        assert!(matches!(limits.check_client(a), Decision::Allowed(_)));
        assert!(matches!(limits.check_client(a), Decision::Refused { .. }));
        assert!(matches!(limits.check_client(b), Decision::Allowed(_)));
    }

    #[test]
    fn budget_reports_the_tighter_bucket() {
        let wide = Budget {
            limit: 100,
            remaining: 50,
            reset_secs: 30,
        };
        let narrow = Budget {
            limit: 10,
            remaining: 2,
            reset_secs: 48,
        };
        assert_eq!(wide.tighter(narrow), narrow);
        assert_eq!(narrow.tighter(wide), narrow);
        let mut headers = HeaderMap::new();
        narrow.apply(&mut headers);
        assert_eq!(headers.get("ratelimit-remaining").unwrap(), "2");
        assert_eq!(ceil_secs(Duration::from_millis(1500)), 2);
    }

    #[test]
    fn each_plan_has_its_own_limit() {
        let mut settings = Settings::new("http://kefu.test");
        settings.plan_limits = [("free".to_string(), 2), ("enterprise".to_string(), 10)].into();
        settings.credential_share = 1.0;
        let limits = RateLimits::new(&settings);
        let (free, big) = (Uuid::now_v7(), Uuid::now_v7());

        for _ in 0..2 {
            assert!(matches!(
                limits.check_token(Some(free), free, Some("free")),
                Decision::Allowed(_)
            ));
        }
        let third = limits.check_token(Some(free), free, Some("free"));

        assert!(matches!(third, Decision::Refused { .. }));
        for _ in 0..5 {
            assert!(matches!(
                limits.check_token(Some(big), big, Some("enterprise")),
                Decision::Allowed(_)
            ));
        }
        let Decision::Allowed(budget) = limits.check_token(Some(big), big, Some("enterprise"))
        else {
            panic!("enterprise refused early");
        };
        assert_eq!(budget.limit, 10);
    }
}
