//! Domain rules of customers, as pure functions over plain values.

pub mod abc;
pub mod agreements;
pub mod fields;
pub mod ids;
pub mod interactions;
pub mod pain_points;
pub mod recurrence;
pub mod tiers;
pub mod value;
