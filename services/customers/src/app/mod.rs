//! The customers use cases: handlers (`api/`), consumers (`events`) and periodic work
//! (`jobs`) call these, and nothing here knows about HTTP or the bus.

pub mod agreements;
pub mod announce;
pub mod care;
pub mod customers;
pub mod merge;
pub mod pain_points;
pub mod reactions;
pub mod recompute;
