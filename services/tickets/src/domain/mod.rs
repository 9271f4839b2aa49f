//! Tickets rules with no I/O: the status machine, field values, which event a change is.

pub mod calendar;
pub mod changes;
pub mod custom_fields;
pub mod dispatch;
pub mod escalation;
pub mod fields;
pub mod history;
pub mod ids;
pub mod policy;
pub mod rules;
pub mod sla;
pub mod status;
