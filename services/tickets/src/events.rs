//! The events tickets consumes: accounts' tenants and users feed its directories;
//! customers, surveys and training events feed the customer directory, SLA matching,
//! follow-up tickets and skills.

use kefu_events::catalogue::accounts::{TenantCreated, TenantDeleted, UserDisabled};
use kefu_events::catalogue::customers::{
    AgreementActivated, AgreementExpired, AgreementTerminated, CustomerCreated,
    CustomerFollowupDue, CustomerLifecycleChanged, CustomerMerged, CustomerTierChanged,
    CustomerUpdated,
};
use kefu_events::catalogue::surveys::{SurveyDetractorDetected, SurveyResponseSubmitted};
use kefu_events::catalogue::training::{
    CertificationExpired, CertificationGranted, CertificationRevoked,
};
use kefu_events::Consumers;

use crate::app::reactions;
use crate::store::directory;
use crate::store::dispatch::DispatchStore;

/// Registers, for each `Event => reaction`, a handler running the reaction on the
/// event's data at the clock's time.
macro_rules! reactions {
    ($consumers:expr, $clock:expr, { $($event:ty => $reaction:path),+ $(,)? }) => {{
        let consumers = $consumers;
        $(
            let clock = $clock.clone();
            let consumers = consumers.on::<$event, _>(move |txn, envelope, event| {
                let (tenant, now) = (envelope.scope().tenant(), clock.now());
                Box::pin(async move { Ok($reaction(txn, tenant, &event.0, now).await?) })
            });
        )+
        consumers
    }};
}

/// Every handler of the tickets service, as consumer group `tickets`.
pub fn consumers(
    objects: std::sync::Arc<dyn object_store::ObjectStore>,
    clock: kefu_platform::clock::Clock,
) -> Consumers {
    let consumers = kefu_directory::record_accounts_events(Consumers::new("tickets"));
    let consumers = consumers.on::<TenantCreated, _>(|txn, envelope, event| {
        let tenant = envelope.scope().tenant();
        Box::pin(async move {
            directory::upsert_tenant(txn, &event.0).await?;
            crate::app::defaults::seed(txn, tenant, &event.0).await?;
            Ok(())
        })
    });
    let at = clock.clone();
    let consumers = consumers.on::<UserDisabled, _>(move |txn, envelope, event| {
        let (tenant, now) = (envelope.scope().tenant(), at.now());
        Box::pin(async move {
            directory::upsert_user(txn, tenant.uuid(), &event.0).await?;
            crate::app::dispatch::release_tickets_of(txn, tenant, event.0.user_id, now).await?;
            Ok(())
        })
    });
    let consumers = consumers
        .on::<CertificationGranted, _>(|txn, envelope, event| {
            let tenant = envelope.scope().tenant();
            Box::pin(async move {
                let c = event.0;
                DispatchStore::new(txn, tenant)
                    .grant_skill(c.user_id, &c.skill_key, c.expires_at)
                    .await?;
                Ok(())
            })
        })
        .on::<CertificationExpired, _>(|txn, envelope, event| {
            let tenant = envelope.scope().tenant();
            Box::pin(async move {
                DispatchStore::new(txn, tenant)
                    .withdraw_skill(event.0.user_id, &event.0.skill_key)
                    .await?;
                Ok(())
            })
        })
        .on::<CertificationRevoked, _>(|txn, envelope, event| {
            let tenant = envelope.scope().tenant();
            Box::pin(async move {
                DispatchStore::new(txn, tenant)
                    .withdraw_skill(event.0.user_id, &event.0.skill_key)
                    .await?;
                Ok(())
            })
        });
    let consumers = reactions!(consumers, clock, {
        CustomerCreated => reactions::customer_changed,
        CustomerUpdated => reactions::customer_changed,
        CustomerLifecycleChanged => reactions::customer_changed,
        CustomerTierChanged => reactions::tier_changed,
        CustomerMerged => reactions::customer_merged,
        AgreementActivated => reactions::agreement_changed,
        AgreementExpired => reactions::agreement_changed,
        AgreementTerminated => reactions::agreement_changed,
        CustomerFollowupDue => reactions::followup_due,
        SurveyResponseSubmitted => reactions::response_submitted,
        SurveyDetractorDetected => reactions::detractor_detected,
    });
    // A deleted tenant's tickets go with it; the directory keeps the tombstone so its
    // tokens stay refused.
    consumers.on::<TenantDeleted, _>(move |txn, _envelope, event| {
        let objects = objects.clone();
        Box::pin(async move {
            crate::attachments::delete_tenant_objects(objects.as_ref(), event.0.tenant_id).await?;
            kefu_platform::purge::purge_tenant(txn, event.0.tenant_id).await?;
            directory::upsert_tenant(txn, &event.0).await?;
            Ok(())
        })
    })
}
