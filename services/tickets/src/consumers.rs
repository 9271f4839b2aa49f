//! The events tickets consumes: accounts' tenants and users feed its directories.

use kefu_events::catalogue::accounts::{
    TenantCreated, TenantDeleted, TenantRestored, TenantSuspended, TenantUpdated, UserCreated,
    UserDisabled, UserEnabled, UserRolesChanged, UserUpdated,
};
use kefu_events::catalogue::customers::{CustomerCreated, CustomerTierChanged, CustomerUpdated};
use kefu_events::catalogue::surveys::{SurveyDetractorDetected, SurveyResponseSubmitted};
use kefu_events::catalogue::training::{
    CertificationExpired, CertificationGranted, CertificationRevoked,
};
use kefu_events::Consumers;
use kefu_platform::ids::TenantId;

use crate::reactions;
use crate::store::dispatch::DispatchStore;
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

/// Registers a handler running `reaction` on an event's data at the clock's time.
macro_rules! reaction {
    ($consumers:expr, $event:ty, $reaction:path, $clock:expr) => {{
        let clock = $clock.clone();
        $consumers.on::<$event, _>(move |txn, envelope, event| {
            let (tenant, now) = (envelope.tenant_id, clock.now());
            Box::pin(async move { Ok($reaction(txn, tenant, &event.0, now).await?) })
        })
    }};
}

/// Every handler of the tickets service, as consumer group `tickets`.
pub fn consumers(
    objects: std::sync::Arc<dyn object_store::ObjectStore>,
    clock: kefu_platform::clock::Clock,
) -> Consumers {
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
    let at = clock.clone();
    let consumers = consumers.on::<UserDisabled, _>(move |txn, envelope, event| {
        let (tenant, now) = (envelope.tenant_id, at.now());
        Box::pin(async move {
            directory::upsert_user(txn, tenant, &event.0).await?;
            crate::dispatching::release_tickets_of(txn, tenant, event.0.user_id, now).await?;
            Ok(())
        })
    });
    let consumers = consumers
        .on::<CertificationGranted, _>(|txn, envelope, event| {
            let tenant = TenantId(envelope.tenant_id);
            Box::pin(async move {
                let c = event.0;
                DispatchStore::new(txn, tenant)
                    .grant_skill(c.user_id, &c.skill_key, c.expires_at)
                    .await?;
                Ok(())
            })
        })
        .on::<CertificationExpired, _>(|txn, envelope, event| {
            let tenant = TenantId(envelope.tenant_id);
            Box::pin(async move {
                DispatchStore::new(txn, tenant)
                    .withdraw_skill(event.0.user_id, &event.0.skill_key)
                    .await?;
                Ok(())
            })
        })
        .on::<CertificationRevoked, _>(|txn, envelope, event| {
            let tenant = TenantId(envelope.tenant_id);
            Box::pin(async move {
                DispatchStore::new(txn, tenant)
                    .withdraw_skill(event.0.user_id, &event.0.skill_key)
                    .await?;
                Ok(())
            })
        });
    let consumers = user_handler!(consumers, UserEnabled);
    let consumers = user_handler!(consumers, UserRolesChanged);
    let consumers = reaction!(
        consumers,
        CustomerCreated,
        reactions::customer_changed,
        clock
    );
    let consumers = reaction!(
        consumers,
        CustomerUpdated,
        reactions::customer_changed,
        clock
    );
    let consumers = reaction!(
        consumers,
        CustomerTierChanged,
        reactions::tier_changed,
        clock
    );
    let consumers = reaction!(
        consumers,
        SurveyResponseSubmitted,
        reactions::response_submitted,
        clock
    );
    let consumers = reaction!(
        consumers,
        SurveyDetractorDetected,
        reactions::detractor_detected,
        clock
    );
    // A deleted tenant's tickets go with it; the directory keeps the tombstone so its
    // tokens stay refused.
    consumers.on::<TenantDeleted, _>(move |txn, _envelope, event| {
        let objects = objects.clone();
        Box::pin(async move {
            crate::attachments::delete_tenant_objects(objects.as_ref(), event.0.tenant_id).await?;
            purge::purge(txn, event.0.tenant_id).await?;
            directory::upsert_tenant(txn, &event.0).await?;
            Ok(())
        })
    })
}
