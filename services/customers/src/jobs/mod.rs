//! The periodic work of customers: agreement expiry and the care-plan follow-ups. Each
//! job finds its work across tenants (`store::all_tenants`), then acts for each tenant
//! inside that tenant's scope through a call of `app/`.

pub mod agreement_expiry;
pub mod follow_ups;

use std::time::Duration;

use kefu_platform::jobs::{every, Job};
use sea_orm::DatabaseConnection;

/// Starts both jobs, each every `period`.
pub fn start(
    db: DatabaseConnection,
    outbox: kefu_events::Outbox,
    clock: kefu_platform::clock::Clock,
    period: Duration,
) -> Vec<Job> {
    let expiry = {
        let (db, outbox, clock) = (db.clone(), outbox.clone(), clock.clone());
        every("customers.agreement_expiry", period, move || {
            let (db, outbox, now) = (db.clone(), outbox.clone(), clock.now());
            async move {
                agreement_expiry::run_once(&db, &outbox, now).await?;
                Ok(())
            }
        })
    };
    let follow_ups = every("customers.follow_ups", period, move || {
        let (db, outbox, now) = (db.clone(), outbox.clone(), clock.now());
        async move {
            follow_ups::run_once(&db, &outbox, now).await?;
            Ok(())
        }
    });
    vec![expiry, follow_ups]
}
