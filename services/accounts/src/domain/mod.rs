//! Accounts rules with no I/O: roles and scopes, passwords, lock-out, opaque tokens, plans.

pub mod lockout;
pub mod opaque_token;
pub mod password;
pub mod plans;
pub mod roles;
pub mod status;
