//! The events tickets consumes: accounts' tenants and users feed its directories.

use kefu_events::catalogue::accounts::{
    TenantCreated, TenantDeleted, TenantRestored, TenantSuspended, TenantUpdated, UserCreated,
    UserDisabled, UserEnabled, UserRolesChanged, UserUpdated,
};
use kefu_events::Consumers;

use crate::store::{directory, purge};

/// Registers a handler recording a tenant event's data in the directory.
macro_rules! tenant_handler {
    ($consumers:expr, $event:ty) => {
        $consumers.on::<$event, _>(|txn, _envelope, event| {
            Box::pin(async move {
                directory::upsert_tenant(txn, &event.0).await?;
                Ok(())
            })
        })
    };
}

/// Registers a handler recording a user event's data in the assignee directory.
macro_rules! user_handler {
    ($consumers:expr, $event:ty) => {
        $consumers.on::<$event, _>(|txn, envelope, event| {
            let tenant = envelope.tenant_id;
            Box::pin(async move {
                directory::upsert_user(txn, tenant, &event.0).await?;
                Ok(())
            })
        })
    };
}

/// Every handler of the tickets service, as consumer group `tickets`.
pub fn consumers() -> Consumers {
    let consumers = Consumers::new("tickets");
    let consumers = consumers.on::<TenantCreated, _>(|txn, _envelope, event| {
        Box::pin(async move {
            directory::upsert_tenant(txn, &event.0).await?;
            crate::defaults::seed(txn, &event.0).await?;
            Ok(())
        })
    });
    let consumers = tenant_handler!(consumers, TenantUpdated);
    let consumers = tenant_handler!(consumers, TenantSuspended);
    let consumers = tenant_handler!(consumers, TenantRestored);
    let consumers = user_handler!(consumers, UserCreated);
    let consumers = user_handler!(consumers, UserUpdated);
    let consumers = user_handler!(consumers, UserDisabled);
    let consumers = user_handler!(consumers, UserEnabled);
    let consumers = user_handler!(consumers, UserRolesChanged);
    // A deleted tenant's tickets go with it; the directory keeps the tombstone so its
    // tokens stay refused.
    consumers.on::<TenantDeleted, _>(|txn, _envelope, event| {
        Box::pin(async move {
            purge::purge(txn, event.0.tenant_id).await?;
            directory::upsert_tenant(txn, &event.0).await?;
            Ok(())
        })
    })
}
