//! Typed ids of customers' aggregates: a customer's id cannot be passed where another
//! record's (a contact's, an agreement's) is expected.

kefu_platform::typed_id!(
    /// A customer of a tenant (an organisation or a person).
    CustomerId
);
