//! The periodic work of accounts: housekeeping.

pub mod housekeeping;

use std::time::Duration;

use kefu_platform::jobs::{every, Job};
use sea_orm::DatabaseConnection;

/// How often the clean-up runs.
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(600);

/// Starts the clean-up.
pub fn start(db: DatabaseConnection) -> Job {
    every("accounts.housekeeping", HOUSEKEEPING_EVERY, move || {
        let db = db.clone();
        async move {
            housekeeping::run_once(&db).await?;
            Ok(())
        }
    })
}
