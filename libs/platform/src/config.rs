//! Typed configuration from `KEFU_*` environment variables, with defaults that
//! run the embedded mode with nothing installed.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use anyhow::{anyhow, Context};

/// A value that must never be printed (passwords, keys, secrets).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    /// Wraps a secret value.
    pub fn new(value: T) -> Self {
        Self(value)
    }
    /// The secret itself; call only where it is used.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Reads an environment variable, treating empty as unset.
pub fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Reads and parses a variable, or returns the default; a bad value is an error naming the variable.
pub fn parse_or<T>(name: &str, default: T) -> anyhow::Result<T>
where
    T: FromStr,
    T::Err: fmt::Display,
{
    match var(name) {
        None => Ok(default),
        Some(raw) => raw
            .trim()
            .parse()
            .map_err(|e| anyhow!("{name}={raw:?} is invalid: {e}")),
    }
}

/// Reads a duration given in seconds.
pub fn seconds_or(name: &str, default_secs: u64) -> anyhow::Result<Duration> {
    parse_or(name, default_secs).map(Duration::from_secs)
}

/// Reads a boolean (`true/false/1/0/yes/no`).
pub fn bool_or(name: &str, default: bool) -> anyhow::Result<bool> {
    match var(name).map(|v| v.to_ascii_lowercase()) {
        None => Ok(default),
        Some(v) if ["1", "true", "yes", "on"].contains(&v.as_str()) => Ok(true),
        Some(v) if ["0", "false", "no", "off"].contains(&v.as_str()) => Ok(false),
        Some(v) => Err(anyhow!("{name}={v:?} is not a boolean")),
    }
}

/// Settings shared by every service.
#[derive(Debug, Clone)]
pub struct CommonSettings {
    /// Directory for SQLite files and other embedded-mode state (`KEFU_DATA_DIR`).
    pub data_dir: std::path::PathBuf,
    /// Public URL of the gateway, used as the token issuer (`KEFU_PUBLIC_URL`).
    pub public_url: String,
    /// Where services fetch the JWKS from (`KEFU_JWKS_URL`).
    pub jwks_url: Option<String>,
}

impl CommonSettings {
    /// Reads the shared settings.
    pub fn from_env() -> anyhow::Result<Self> {
        let public_url = var("KEFU_PUBLIC_URL").unwrap_or_else(|| "http://localhost:8080".into());
        url::Url::parse(&public_url).context("KEFU_PUBLIC_URL is not a URL")?;
        Ok(Self {
            data_dir: var("KEFU_DATA_DIR").unwrap_or_else(|| "data".into()).into(),
            public_url: public_url.trim_end_matches('/').to_string(),
            jwks_url: var("KEFU_JWKS_URL"),
        })
    }

    /// The database URL of a service: `KEFU_<SERVICE>_DATABASE_URL`, else a SQLite file in the data dir.
    pub fn database_url(&self, service: &str) -> String {
        var(&format!(
            "KEFU_{}_DATABASE_URL",
            service.to_ascii_uppercase()
        ))
        .unwrap_or_else(|| format!("sqlite://{}/{service}.db?mode=rwc", self.data_dir.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_do_not_print() {
        let secret = Secret::new("hunter2hunter2");
        assert_eq!(format!("{secret:?}"), "Secret(***)");
    }
}
