//! The state every accounts handler shares, and the token status guard.

use async_trait::async_trait;
use chrono::Utc;
use kefu_platform::auth::{Claims, PrincipalGuard};
use kefu_platform::mail::Mailer;
use kefu_platform::ApiError;
use sea_orm::DatabaseConnection;

use crate::keys::Keyring;
use crate::settings::Settings;
use crate::store::principals;

/// Shared by handlers as `web::Data<AppState>`.
#[derive(Clone)]
pub struct AppState {
    /// The accounts database.
    pub db: DatabaseConnection,
    /// Signing keys.
    pub keyring: Keyring,
    /// Configuration.
    pub settings: Settings,
    /// Wakes the mail sender after a commit that queued email.
    pub mailer: Mailer,
    /// Wakes the event relay after a commit that appended events.
    pub outbox: kefu_events::Outbox,
    /// The relay shipping the outbox to the bus, once one is attached.
    pub relay: Option<std::sync::Arc<kefu_events::EventsRuntime>>,
    /// The periodic work; it stops with the last clone.
    pub jobs: Vec<kefu_platform::jobs::Job>,
}

impl AppState {
    /// State over a migrated database; creates the first signing key if needed.
    pub async fn new(db: DatabaseConnection, settings: Settings) -> anyhow::Result<Self> {
        let keyring = Keyring::new(db.clone(), settings.master_key.clone(), settings.access_ttl);
        keyring.ensure_key().await?;
        let mailer = Mailer::start(db.clone(), settings.mail.clone());
        let housekeeping = crate::jobs::start(db.clone());
        Ok(Self {
            db,
            keyring,
            settings,
            mailer,
            outbox: kefu_events::Outbox::new(),
            relay: None,
            jobs: vec![housekeeping],
        })
    }

    /// Starts relaying this service's outbox to `bus`.
    pub fn with_bus(mut self, bus: std::sync::Arc<dyn kefu_events::EventBus>) -> Self {
        self.relay = Some(kefu_events::EventsRuntime::start(
            self.db.clone(),
            bus,
            &self.outbox,
        ));
        self
    }
}

/// Refuses tokens of suspended tenants, disabled users, revoked sessions and revoked clients.
/// Accounts owns this data, so it checks it on every request.
pub struct StatusGuard {
    db: DatabaseConnection,
}

impl StatusGuard {
    /// A guard over the accounts database.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

#[async_trait]
impl PrincipalGuard for StatusGuard {
    async fn check(&self, claims: &Claims) -> Result<(), ApiError> {
        if principals::is_live(&self.db, claims, Utc::now()).await? {
            Ok(())
        } else {
            Err(ApiError::Unauthenticated)
        }
    }
}
