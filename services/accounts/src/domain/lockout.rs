//! Login lock-out: 5 failures within 15 minutes lock the account for 15 minutes.

use chrono::{DateTime, Duration, Utc};

/// Lock-out parameters.
#[derive(Debug, Clone, Copy)]
pub struct LockoutPolicy {
    /// Failures that trigger a lock.
    pub max_failures: i64,
    /// Window in which failures count.
    pub window: Duration,
    /// How long a lock lasts.
    pub lock_for: Duration,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        Self {
            max_failures: 5,
            window: Duration::minutes(15),
            lock_for: Duration::minutes(15),
        }
    }
}

/// The failure counters of one account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counters {
    /// Failures in the current window.
    pub failures: i64,
    /// When the current window started.
    pub window_start: Option<DateTime<Utc>>,
    /// Locked until then.
    pub locked_until: Option<DateTime<Utc>>,
}

impl LockoutPolicy {
    /// Seconds left on a lock, if locked at `now`.
    pub fn locked_for(&self, counters: &Counters, now: DateTime<Utc>) -> Option<u64> {
        counters
            .locked_until
            .filter(|until| *until > now)
            .map(|until| u64::try_from((until - now).num_seconds().max(1)).unwrap_or(1))
    }

    /// Counters after one more failure at `now` (may set a lock).
    pub fn after_failure(&self, counters: &Counters, now: DateTime<Utc>) -> Counters {
        let in_window = counters
            .window_start
            .is_some_and(|start| now - start < self.window);
        let (failures, window_start) = if in_window {
            (counters.failures + 1, counters.window_start)
        } else {
            (1, Some(now))
        };
        let locked_until = if failures >= self.max_failures {
            Some(now + self.lock_for)
        } else {
            counters.locked_until
        };
        let failures = if failures >= self.max_failures {
            0
        } else {
            failures
        };
        Counters {
            failures,
            window_start: if failures == 0 { None } else { window_start },
            locked_until,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifth_failure_in_window_locks() {
        let policy = LockoutPolicy::default();
        let now = Utc::now();
        let mut counters = Counters {
            failures: 0,
            window_start: None,
            locked_until: None,
        };
        for i in 0..4 {
            counters = policy.after_failure(&counters, now + Duration::seconds(i));
            assert!(policy.locked_for(&counters, now).is_none());
        }
        counters = policy.after_failure(&counters, now + Duration::seconds(5));
        assert!(policy
            .locked_for(&counters, now + Duration::seconds(6))
            .is_some());
        assert!(policy
            .locked_for(&counters, now + Duration::minutes(16))
            .is_none());
    }

    #[test]
    fn failures_outside_window_do_not_add_up() {
        let policy = LockoutPolicy::default();
        let now = Utc::now();
        let mut counters = Counters {
            failures: 0,
            window_start: None,
            locked_until: None,
        };
        for i in 0..10 {
            counters = policy.after_failure(&counters, now + Duration::minutes(16 * i));
        }
        assert!(policy
            .locked_for(&counters, now + Duration::minutes(160))
            .is_none());
    }
}
