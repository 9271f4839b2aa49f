//! The events tickets emits (PRODUCT.md §4), always through the outbox of the change.

use kefu_events::catalogue::tickets::{
    TicketAssigned, TicketCancelled, TicketClosed, TicketData, TicketReopened, TicketSolved,
    TicketStatusChanged, TicketUpdated,
};
use kefu_platform::ApiError;
use sea_orm::DatabaseTransaction;
use uuid::Uuid;

use crate::domain::changes::{ticket_change, TicketChange};
use crate::store::decode_list;
use crate::store::entities::ticket;

/// Appends `event` of `tenant_id`, caused by `actor`, to the change's transaction.
pub async fn emit<E: kefu_events::Event>(
    txn: &DatabaseTransaction,
    tenant_id: Uuid,
    actor: Option<Uuid>,
    event: E,
) -> Result<(), ApiError> {
    kefu_events::append(txn, tenant_id, actor, &event).await?;
    Ok(())
}

/// A ticket as events carry it.
pub fn ticket_data(t: &ticket::Model) -> TicketData {
    TicketData {
        ticket_id: t.id,
        number: t.number,
        subject: t.subject.clone(),
        customer_id: t.customer_id,
        requester_id: t.requester_id,
        kind: t.kind.clone(),
        priority: t.priority.clone(),
        channel: t.channel.clone(),
        team_id: t.team_id,
        assignee_id: t.assignee_id,
        status: t.status.clone(),
        tags: decode_list(&t.tags),
        reopen_count: t.reopen_count,
        created_at: t.created_at,
        first_response_at: t.first_response_at,
        solved_at: t.solved_at,
    }
}

/// Emits the one event of a ticket's change, if consumers can see one.
pub async fn emit_ticket_change(
    txn: &DatabaseTransaction,
    actor: Option<Uuid>,
    before: &ticket::Model,
    after: &ticket::Model,
) -> Result<(), ApiError> {
    let (old, new) = (ticket_data(before), ticket_data(after));
    let tenant = after.tenant_id;
    match ticket_change(&old, &new) {
        None => Ok(()),
        Some(TicketChange::Updated) => emit(txn, tenant, actor, TicketUpdated(new)).await,
        Some(TicketChange::Assigned) => emit(txn, tenant, actor, TicketAssigned(new)).await,
        Some(TicketChange::StatusChanged) => {
            emit(txn, tenant, actor, TicketStatusChanged(new)).await
        }
        Some(TicketChange::Solved) => emit(txn, tenant, actor, TicketSolved(new)).await,
        Some(TicketChange::Reopened) => emit(txn, tenant, actor, TicketReopened(new)).await,
        Some(TicketChange::Closed) => emit(txn, tenant, actor, TicketClosed(new)).await,
        Some(TicketChange::Cancelled) => emit(txn, tenant, actor, TicketCancelled(new)).await,
    }
}
