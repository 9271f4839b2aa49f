//! Customers configuration from `KEFU_*` variables.

use kefu_platform::config::CommonSettings;

/// Everything customers needs to run.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Database URL (`KEFU_CUSTOMERS_DATABASE_URL`).
    pub database_url: String,
    /// Token issuer: the gateway's public URL (`KEFU_PUBLIC_URL`).
    pub issuer: String,
    /// Where the signing keys are (`KEFU_JWKS_URL`; the suite points it at accounts).
    pub jwks_url: Option<String>,
    /// Where the service reads the time: the system clock, or a test's fixed clock.
    pub clock: kefu_platform::clock::Clock,
}

impl Settings {
    /// Reads the settings.
    pub fn from_env() -> anyhow::Result<Self> {
        let common = CommonSettings::from_env()?;
        Ok(Self {
            database_url: common.database_url("customers"),
            issuer: common.public_url,
            jwks_url: common.jwks_url.clone(),
            clock: kefu_platform::clock::Clock::system(),
        })
    }

    /// Settings for tests: the given database and issuer.
    pub fn for_tests(database_url: &str, issuer: &str) -> Self {
        Self {
            database_url: database_url.into(),
            issuer: issuer.into(),
            jwks_url: None,
            clock: kefu_platform::clock::Clock::system(),
        }
    }
}
