//! The events customers consumes: accounts' tenants and users feed its directory, a new
//! tenant gets its classification settings, tickets' and surveys' events feed the card
//! and the interactions.

use kefu_events::catalogue::accounts::{TenantCreated, TenantDeleted};
use kefu_events::catalogue::surveys::SurveyResponseSubmitted;
use kefu_events::catalogue::tickets::{
    TicketAssigned, TicketCancelled, TicketClosed, TicketCreated, TicketReopened, TicketReplied,
    TicketSolved, TicketStatusChanged, TicketUpdated,
};
use kefu_events::Consumers;

use crate::app::reactions;
use crate::domain::interactions::TicketMoment;

use crate::store::settings;

/// Registers, for each `Event => moment`, a handler recording the ticket and the
/// interaction that moment leaves (at the time the event occurred).
macro_rules! ticket_moments {
    ($consumers:expr, { $($event:ty => $moment:expr),+ $(,)? }) => {{
        let consumers = $consumers;
        $(
            let consumers = consumers.on::<$event, _>(|txn, envelope, event| {
                let (tenant, actor, at) = (envelope.scope().tenant(), envelope.actor, envelope.occurred_at);
                Box::pin(async move {
                    Ok(reactions::ticket_moment(txn, tenant, &event.0, $moment, actor, at).await?)
                })
            });
        )+
        consumers
    }};
}

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
    let consumers = ticket_moments!(consumers, {
        TicketCreated => Some(TicketMoment::Created),
        TicketSolved => Some(TicketMoment::Solved),
        TicketClosed => Some(TicketMoment::Closed),
        TicketUpdated => None,
        TicketAssigned => None,
        TicketStatusChanged => None,
        TicketReopened => None,
        TicketCancelled => None,
    });
    let consumers = consumers
        .on::<TicketReplied, _>(|txn, envelope, event| {
            let (tenant, at) = (envelope.scope().tenant(), envelope.occurred_at);
            Box::pin(async move { Ok(reactions::ticket_replied(txn, tenant, &event.0, at).await?) })
        })
        .on::<SurveyResponseSubmitted, _>(|txn, envelope, event| {
            let (tenant, at) = (envelope.scope().tenant(), envelope.occurred_at);
            Box::pin(
                async move { Ok(reactions::response_submitted(txn, tenant, &event.0, at).await?) },
            )
        });
    // A deleted tenant's customers go with it; the directory keeps the tombstone so its
    // tokens stay refused.
    consumers.on::<TenantDeleted, _>(|txn, _envelope, event| {
        Box::pin(async move {
            kefu_platform::purge::purge_tenant(txn, event.0.tenant_id).await?;
            kefu_directory::upsert_tenant(txn, &event.0).await?;
            Ok(())
        })
    })
}
