//! The accounts use cases: handlers (`api/`), the CLI and the demo call these, and
//! nothing here knows about HTTP.

pub mod announce;
pub mod passwords;
pub mod tenants;
pub mod users;

use kefu_platform::ApiError;

/// Maps a unique violation (a lost race) to a 409.
pub fn unique_as_conflict(err: sea_orm::DbErr, code: &'static str, detail: &str) -> ApiError {
    if kefu_platform::db::is_unique_violation(&err) {
        ApiError::conflict(code, detail)
    } else {
        err.into()
    }
}
