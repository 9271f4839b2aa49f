//! Tickets configuration from `KEFU_*` variables.

use kefu_platform::config::CommonSettings;
use kefu_platform::mail::{MailSettings, MailTransport};

/// Everything tickets needs to run.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Database URL (`KEFU_TICKETS_DATABASE_URL`).
    pub database_url: String,
    /// Token issuer: the gateway's public URL (`KEFU_PUBLIC_URL`).
    pub issuer: String,
    /// Where the signing keys are (`KEFU_JWKS_URL`; the suite points it at accounts).
    pub jwks_url: Option<String>,
    /// Where attachments are kept: `s3://bucket/prefix` (credentials from the usual AWS_*
    /// variables) or, unset, a folder (`KEFU_OBJECT_STORE_URL`; default `<data dir>/attachments`).
    pub object_store_url: Option<String>,
    /// The folder of the embedded object store.
    pub attachments_dir: std::path::PathBuf,
    /// Outgoing mail: public replies to requesters (`KEFU_SMTP_URL`, `KEFU_MAIL_FROM`, `KEFU_MAIL_DIR`).
    pub mail: MailSettings,
    /// Where the service reads the time: the system clock, or a test's fixed clock.
    pub clock: kefu_platform::clock::Clock,
}

impl Settings {
    /// Reads the settings.
    pub fn from_env() -> anyhow::Result<Self> {
        let common = CommonSettings::from_env()?;
        Ok(Self {
            database_url: common.database_url("tickets"),
            issuer: common.public_url,
            jwks_url: common.jwks_url.clone(),
            object_store_url: kefu_platform::config::var("KEFU_OBJECT_STORE_URL"),
            attachments_dir: common.data_dir.join("attachments"),
            mail: MailSettings::from_env(&common.data_dir),
            clock: kefu_platform::clock::Clock::system(),
        })
    }

    /// Settings for tests: the given database and issuer.
    pub fn for_tests(database_url: &str, issuer: &str) -> Self {
        Self {
            database_url: database_url.into(),
            issuer: issuer.into(),
            jwks_url: None,
            object_store_url: None,
            attachments_dir: std::env::temp_dir()
                .join("kefu-tests")
                .join(format!("attachments-{}", uuid::Uuid::now_v7())),
            mail: MailSettings {
                transport: MailTransport::Files(
                    std::env::temp_dir()
                        .join("kefu-tests")
                        .join(format!("mail-{}", uuid::Uuid::now_v7())),
                ),
                from: "Kefu <no-reply@kefu.test>".into(),
            },
            clock: kefu_platform::clock::Clock::system(),
        }
    }
}
