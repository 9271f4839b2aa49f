//! The periodic work of tickets: the SLA scanner, the automations and auto-close, on
//! one schedule. Each job finds its work across tenants (`store::all_tenants`), then
//! acts for each tenant inside that tenant's scope through a call of `app/`.

pub mod auto_close;
pub mod automations;
pub mod sla_scan;

use std::time::Duration;

use kefu_platform::jobs::{every, Job};
use sea_orm::DatabaseConnection;

/// Starts the scanner: every `period`, SLA clocks, then automations, then auto-close.
/// One failing does not keep the others from running.
pub fn start(
    db: DatabaseConnection,
    outbox: kefu_events::Outbox,
    clock: kefu_platform::clock::Clock,
    period: Duration,
) -> Job {
    every("tickets.scanner", period, move || {
        let (db, outbox, now) = (db.clone(), outbox.clone(), clock.now());
        async move {
            let sla = sla_scan::run_once(&db, &outbox, now).await;
            let automations = automations::run_once(&db, &outbox, now).await;
            let auto_close = auto_close::run_once(&db, &outbox, now).await;
            for (what, result) in [
                ("SLA scan", sla.map(|_| ())),
                ("automations", automations.map(|_| ())),
                ("auto-close", auto_close.map(|_| ())),
            ] {
                if let Err(error) = result {
                    tracing::warn!(%error, "{what} failed");
                }
            }
            Ok(())
        }
    })
}
