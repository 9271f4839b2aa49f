//! The state every customers handler shares.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::settings::Settings;

/// Shared by handlers as `web::Data<AppState>`.
#[derive(Clone)]
pub struct AppState {
    /// The customers database.
    pub db: DatabaseConnection,
    /// Configuration.
    pub settings: Settings,
    /// Wakes the event relay after a commit that appended events.
    pub outbox: kefu_events::Outbox,
    /// The relay shipping the outbox to the bus, once one is attached.
    pub relay: Option<Arc<kefu_events::EventsRuntime>>,
    /// Where handlers and consumers read the time.
    pub clock: kefu_platform::clock::Clock,
    /// The periodic work, once a bus is attached; it stops with the last clone.
    pub jobs: Vec<kefu_platform::jobs::Job>,
}

impl AppState {
    /// State over a migrated database.
    pub fn new(db: DatabaseConnection, settings: Settings) -> Self {
        Self {
            clock: settings.clock.clone(),
            db,
            settings,
            outbox: kefu_events::Outbox::new(),
            relay: None,
            jobs: Vec::new(),
        }
    }

    /// Starts relaying this service's outbox to `bus` and consuming the events customers needs.
    pub async fn with_bus(mut self, bus: Arc<dyn kefu_events::EventBus>) -> anyhow::Result<Self> {
        crate::events::consumers(self.clock.clone())
            .spawn(self.db.clone(), bus.clone())
            .await?;
        self.jobs = crate::jobs::start(
            self.db.clone(),
            self.outbox.clone(),
            self.clock.clone(),
            std::time::Duration::from_secs(60),
        );
        self.relay = Some(kefu_events::EventsRuntime::start(
            self.db.clone(),
            bus,
            &self.outbox,
        ));
        Ok(self)
    }
}
