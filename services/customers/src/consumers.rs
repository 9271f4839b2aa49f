//! The events customers consumes: accounts' tenants and users feed its directory, and a
//! new tenant gets its classification settings.

use kefu_events::catalogue::accounts::{TenantCreated, TenantDeleted};
use kefu_events::Consumers;

use crate::store::settings;

/// Every handler of the customers service, as consumer group `customers`.
pub fn consumers(clock: kefu_platform::clock::Clock) -> Consumers {
    let consumers = kefu_directory::record_accounts_events(Consumers::new("customers"));
    let consumers = consumers.on::<TenantCreated, _>(move |txn, _envelope, event| {
        let now = clock.now();
        Box::pin(async move {
            kefu_directory::upsert_tenant(txn, &event.0).await?;
            settings::seed(txn, event.0.tenant_id, now).await?;
            Ok(())
        })
    });
    // A deleted tenant's customers go with it; the directory keeps the tombstone so its
    // tokens stay refused.
    consumers.on::<TenantDeleted, _>(|txn, _envelope, event| {
        Box::pin(async move {
            crate::defaults::purge(txn, event.0.tenant_id).await?;
            kefu_directory::upsert_tenant(txn, &event.0).await?;
            Ok(())
        })
    })
}
