//! Accounts configuration from `KEFU_*` variables.

use std::time::Duration;

use anyhow::{bail, Context};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use kefu_platform::config::{self, CommonSettings, Secret};
use kefu_platform::mail::{MailSettings, MailTransport};

use crate::domain::lockout::LockoutPolicy;

/// Everything accounts needs to run.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Database URL (`KEFU_ACCOUNTS_DATABASE_URL`).
    pub database_url: String,
    /// Token issuer: the gateway's public URL (`KEFU_PUBLIC_URL`).
    pub issuer: String,
    /// Key that seals signing keys at rest (`KEFU_MASTER_KEY`, base64 of 32 bytes).
    pub master_key: Secret<[u8; 32]>,
    /// Access-token lifetime (`KEFU_ACCESS_TOKEN_TTL_SECS`, 900).
    pub access_ttl: Duration,
    /// Refresh-token lifetime (`KEFU_REFRESH_TOKEN_TTL_SECS`, 30 days).
    pub refresh_ttl: Duration,
    /// Invitation lifetime (`KEFU_INVITATION_TTL_SECS`, 7 days).
    pub invitation_ttl: Duration,
    /// Login lock-out (`KEFU_LOGIN_MAX_FAILURES`, `KEFU_LOGIN_LOCK_SECS`).
    pub lockout: LockoutPolicy,
    /// Password-reset token lifetime (`KEFU_PASSWORD_RESET_TTL_SECS`, 1 hour).
    pub password_reset_ttl: Duration,
    /// Outgoing mail (`KEFU_SMTP_URL`, `KEFU_MAIL_FROM`, `KEFU_MAIL_DIR`).
    pub mail: MailSettings,
}

impl Settings {
    /// Reads the settings; in embedded mode a master key is created in the data dir.
    pub fn from_env() -> anyhow::Result<Self> {
        let common = CommonSettings::from_env()?;
        let database_url = common.database_url("accounts");
        let master_key = match config::var("KEFU_MASTER_KEY") {
            Some(encoded) => decode_master_key(&encoded)?,
            None if kefu_platform::db::is_production_url(&database_url) => {
                bail!("KEFU_MASTER_KEY is required with a PostgreSQL database (base64 of 32 random bytes)")
            }
            None => embedded_master_key(&common.data_dir)?,
        };
        let lock_secs: i64 = config::parse_or("KEFU_LOGIN_LOCK_SECS", 900)?;
        Ok(Self {
            database_url,
            issuer: common.public_url,
            master_key: Secret::new(master_key),
            access_ttl: config::seconds_or("KEFU_ACCESS_TOKEN_TTL_SECS", 900)?,
            refresh_ttl: config::seconds_or("KEFU_REFRESH_TOKEN_TTL_SECS", 30 * 24 * 3600)?,
            invitation_ttl: config::seconds_or("KEFU_INVITATION_TTL_SECS", 7 * 24 * 3600)?,
            lockout: LockoutPolicy {
                max_failures: config::parse_or("KEFU_LOGIN_MAX_FAILURES", 5)?,
                window: chrono::Duration::seconds(lock_secs),
                lock_for: chrono::Duration::seconds(lock_secs),
            },
            password_reset_ttl: config::seconds_or("KEFU_PASSWORD_RESET_TTL_SECS", 3600)?,
            mail: MailSettings::from_env(&common.data_dir),
        })
    }

    /// Settings for tests: the given database, a random master key, default lifetimes.
    pub fn for_tests(database_url: &str, issuer: &str) -> Self {
        let mut key = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut key);
        Self {
            database_url: database_url.into(),
            issuer: issuer.into(),
            master_key: Secret::new(key),
            access_ttl: Duration::from_secs(900),
            refresh_ttl: Duration::from_secs(30 * 24 * 3600),
            invitation_ttl: Duration::from_secs(7 * 24 * 3600),
            lockout: LockoutPolicy::default(),
            password_reset_ttl: Duration::from_secs(3600),
            mail: MailSettings {
                transport: MailTransport::Files(
                    std::env::temp_dir()
                        .join("kefu-tests")
                        .join(format!("mail-{}", uuid::Uuid::now_v7())),
                ),
                from: "Kefu <no-reply@kefu.test>".into(),
            },
        }
    }
}

fn decode_master_key(encoded: &str) -> anyhow::Result<[u8; 32]> {
    let bytes = STANDARD
        .decode(encoded.trim())
        .context("KEFU_MASTER_KEY is not base64")?;
    bytes
        .try_into()
        .map_err(|_| anyhow::anyhow!("KEFU_MASTER_KEY must decode to exactly 32 bytes"))
}

/// Reads `<data_dir>/master.key`, creating it (mode 0600) on first start.
fn embedded_master_key(data_dir: &std::path::Path) -> anyhow::Result<[u8; 32]> {
    let path = data_dir.join("master.key");
    if path.exists() {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        return decode_master_key(&text);
    }
    kefu_platform::files::create_private_dir(data_dir)?;
    let mut key = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut key);
    kefu_platform::files::write_private(&path, STANDARD.encode(key).as_bytes())?;
    Ok(key)
}
