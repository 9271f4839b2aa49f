//! The state every tickets handler shares, and the token status guard.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::settings::Settings;

/// Shared by handlers as `web::Data<AppState>`.
#[derive(Clone)]
pub struct AppState {
    /// The tickets database.
    pub db: DatabaseConnection,
    /// Configuration.
    pub settings: Settings,
    /// Wakes the event relay after a commit that appended events.
    pub outbox: kefu_events::Outbox,
    /// Wakes the mail sender after a commit that queued email.
    pub mailer: kefu_platform::mail::Mailer,
    /// Where attachment bytes live.
    pub objects: Arc<dyn object_store::ObjectStore>,
    /// The relay shipping the outbox to the bus, once one is attached.
    pub relay: Option<Arc<kefu_events::EventsRuntime>>,
    /// Where handlers, consumers and the scanner read the time.
    pub clock: kefu_platform::clock::Clock,
    /// The periodic work, once a bus is attached (see `jobs`).
    pub jobs: Vec<kefu_platform::jobs::Job>,
}

impl AppState {
    /// State over a migrated database.
    pub fn new(db: DatabaseConnection, settings: Settings) -> anyhow::Result<Self> {
        let mailer = kefu_platform::mail::Mailer::start(db.clone(), settings.mail.clone());
        let objects = crate::attachments::object_store(&settings)?;
        Ok(Self {
            clock: settings.clock.clone(),
            db,
            settings,
            mailer,
            objects,
            outbox: kefu_events::Outbox::new(),
            relay: None,
            jobs: Vec::new(),
        })
    }

    /// Starts relaying this service's outbox to `bus` and consuming the events tickets needs.
    pub async fn with_bus(mut self, bus: Arc<dyn kefu_events::EventBus>) -> anyhow::Result<Self> {
        crate::events::consumers(self.objects.clone(), self.clock.clone())
            .spawn(self.db.clone(), bus.clone())
            .await?;
        self.jobs.push(crate::jobs::start(
            self.db.clone(),
            self.outbox.clone(),
            self.clock.clone(),
            std::time::Duration::from_secs(30),
        ));
        self.relay = Some(kefu_events::EventsRuntime::start(
            self.db.clone(),
            bus,
            &self.outbox,
        ));
        Ok(self)
    }
}

/// The token guard: refuses suspended tenants and disabled users.
pub use kefu_directory::DirectoryGuard;
