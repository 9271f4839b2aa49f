//! The accounts use cases: handlers (`api/`), the CLI and the demo call these, and
//! nothing here knows about HTTP.

pub mod announce;
pub mod api_clients;
pub mod passwords;
pub mod roles;
pub mod teams;
pub mod tenants;
pub mod users;
