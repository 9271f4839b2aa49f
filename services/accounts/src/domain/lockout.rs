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

/// What one login attempt leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// Locked before the attempt: the password is not even checked.
    Locked(u64),
    /// Wrong password: store `counters`; `locked_for` is set when this failure locked the account.
    Failed {
        /// The counters to store.
        counters: Counters,
        /// Seconds of the lock this failure started, if it did.
        locked_for: Option<u64>,
    },
    /// Right password: store cleared counters.
    Passed,
}

impl Counters {
    /// No failures, no lock.
    pub const CLEAR: Counters = Counters {
        failures: 0,
        window_start: None,
        locked_until: None,
    };
}

impl LockoutPolicy {
    /// Decides a login attempt; `password_ok` runs only when the account is not locked.
    pub fn attempt(
        &self,
        counters: &Counters,
        now: DateTime<Utc>,
        password_ok: impl FnOnce() -> bool,
    ) -> Attempt {
        if let Some(seconds) = self.locked_for(counters, now) {
            return Attempt::Locked(seconds);
        }
        if password_ok() {
            return Attempt::Passed;
        }
        let after = self.after_failure(counters, now);
        Attempt::Failed {
            counters: after,
            locked_for: self.locked_for(&after, now),
        }
    }

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
    fn a_locked_account_does_not_check_the_password() {
        let policy = LockoutPolicy::default();
        let now = Utc::now();
        let locked = Counters {
            failures: 0,
            window_start: None,
            locked_until: Some(now + Duration::minutes(5)),
        };
        let attempt = policy.attempt(&locked, now, || panic!("password checked while locked"));
        assert!(matches!(attempt, Attempt::Locked(seconds) if seconds > 0));
        assert_eq!(
            policy.attempt(&Counters::CLEAR, now, || true),
            Attempt::Passed
        );
        let failed = policy.attempt(&Counters::CLEAR, now, || false);
        assert!(
            matches!(failed, Attempt::Failed { counters, locked_for: None } if counters.failures == 1)
        );
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
