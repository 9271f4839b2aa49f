//! The tickets use cases: every change of a ticket goes through [`changes::record_change`];
//! handlers (`api/`), consumers (`events`) and periodic work (`jobs`) call these, and
//! nothing here knows about HTTP or the bus.

pub mod access;
pub mod announce;
pub mod auto_close;
pub mod changes;
pub mod clocks;
pub mod conversation;
pub mod defaults;
pub mod dispatch;
pub mod escalation;
pub mod kb;
pub mod notify;
pub mod reactions;
pub mod rules;
pub mod tickets;
