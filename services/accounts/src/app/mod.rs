//! The accounts use cases: handlers (`api/`), the CLI and the demo call these, and
//! nothing here knows about HTTP. A use case takes the caller's transaction and tenant
//! context; the few that hash a password (sign-up, creating a user, accepting an
//! invitation, changing or resetting a password) take the state instead and open
//! their transaction after hashing, so no write lock waits on argon2's tens of
//! milliseconds.

pub mod announce;
pub mod api_clients;
pub mod passwords;
pub mod roles;
pub mod teams;
pub mod tenants;
pub mod users;
