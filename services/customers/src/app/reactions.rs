//! What customers does when tickets or surveys announce something (PRODUCT.md §4):
//! the card's ticket counters and satisfaction, and interactions from tickets.

use chrono::{DateTime, Utc};
use kefu_events::catalogue::surveys::ResponseData;
use kefu_events::catalogue::tickets::{TicketData, TicketReplyData};
use kefu_platform::ids::TenantId;
use sea_orm::{DatabaseTransaction, DbErr};
use uuid::Uuid;

use crate::domain::ids::CustomerId;
use crate::domain::interactions::{interaction_of, TicketMoment};
use crate::store::activity::ActivityStore;
use crate::store::customers::CustomerStore;
use crate::store::entities::interaction;

/// The live customer an id stands for now: itself, or the survivor it was merged into.
async fn current_customer(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    id: Uuid,
) -> Result<Option<Uuid>, DbErr> {
    let store = CustomerStore::new(txn, tenant);
    let mut id = id;
    // A chain of merges is short; the bound guards against a cycle in bad data.
    for _ in 0..8 {
        match store.get(CustomerId::from(id)).await? {
            Some(c) if c.deleted_at.is_some() => return Ok(None),
            Some(c) => match c.merged_into {
                Some(survivor) => id = survivor,
                None => return Ok(Some(c.id)),
            },
            None => return Ok(None),
        }
    }
    Ok(None)
}

/// A ticket event: the copy of the ticket, and the interaction `moment` leaves on its
/// customer's record (at the time the event occurred, by `actor`).
pub async fn ticket_moment(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    data: &TicketData,
    moment: Option<TicketMoment>,
    actor: Option<Uuid>,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let activity = ActivityStore::new(txn, tenant);
    activity.record_ticket(data, at).await?;
    let (Some(customer), Some(moment)) = (data.customer_id, moment) else {
        return Ok(());
    };
    let Some(customer) = current_customer(txn, tenant, customer).await? else {
        return Ok(());
    };
    let Some((channel, direction, summary)) =
        interaction_of(moment, &data.channel, data.number, &data.subject)
    else {
        return Ok(());
    };
    activity
        .append(interaction::Model {
            id: crate::store::id_at(at),
            tenant_id: tenant.uuid(),
            customer_id: customer,
            at,
            channel: channel.as_str().into(),
            direction: direction.as_str().into(),
            summary,
            outcome: None,
            user_id: actor,
            source: "ticket".into(),
            ticket_id: Some(data.ticket_id),
            created_at: at,
        })
        .await?;
    Ok(())
}

/// `ticket.replied`: as [`ticket_moment`], by the reply's author.
pub async fn ticket_replied(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    reply: &TicketReplyData,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let moment = TicketMoment::Replied {
        public: reply.public,
        by_customer: reply.author_kind == "customer",
    };
    ticket_moment(
        txn,
        tenant,
        &reply.ticket,
        Some(moment),
        reply.author_id,
        at,
    )
    .await
}

/// `survey.response_submitted`: the scores count towards the customer's satisfaction.
pub async fn response_submitted(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    response: &ResponseData,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let Some(customer) = response.customer_id else {
        return Ok(());
    };
    let customer = current_customer(txn, tenant, customer)
        .await?
        .unwrap_or(customer);
    ActivityStore::new(txn, tenant)
        .record_score(customer, response, at)
        .await
}
