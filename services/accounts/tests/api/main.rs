//! Accounts through HTTP: one test binary, one module per concern.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod escalation;
mod events;
mod idempotency;
mod invitations;
mod matrix;
mod outage;
mod password_resets;
mod platform_ops;
mod signup;
mod tenant_settings;
mod token_attacks;
mod tokens;
mod users;
