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
    /// Outgoing mail: public replies to requesters (`KEFU_SMTP_URL`, `KEFU_MAIL_FROM`, `KEFU_MAIL_DIR`).
    pub mail: MailSettings,
}

impl Settings {
    /// Reads the settings.
    pub fn from_env() -> anyhow::Result<Self> {
        let common = CommonSettings::from_env()?;
        Ok(Self {
            database_url: common.database_url("tickets"),
            issuer: common.public_url,
            jwks_url: common.jwks_url.clone(),
            mail: MailSettings::from_env(&common.data_dir),
        })
    }

    /// Settings for tests: the given database and issuer.
    pub fn for_tests(database_url: &str, issuer: &str) -> Self {
        Self {
            database_url: database_url.into(),
            issuer: issuer.into(),
            jwks_url: None,
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
