//! Typed ids of tickets' aggregates: a ticket's id cannot be passed where another
//! record's is expected.

kefu_platform::typed_id!(
    /// A ticket of a tenant.
    TicketId
);
