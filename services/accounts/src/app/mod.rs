//! The accounts use cases: handlers (`api/`), the CLI and the demo call these, and
//! nothing here knows about HTTP.

pub mod announce;
pub mod passwords;
pub mod tenants;
pub mod users;
