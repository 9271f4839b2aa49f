//! Applying a team's dispatch rule to a ticket, and re-dispatching a disabled user's tickets.

use crate::app::changes::{record_change, Cause, Change};
use chrono::{DateTime, Utc};
use kefu_platform::ids::TenantId;
use kefu_platform::ApiError;
use sea_orm::{DatabaseTransaction, DbErr};
use uuid::Uuid;

use crate::domain::dispatch::{pick, Strategy};
use crate::store::dispatch::DispatchStore;
use crate::store::entities::ticket;

/// Sets the assignee of an unassigned ticket of a team by the team's rule; returns
/// `rule:<id>` when a rule chose someone (for the audit trail).
pub async fn assign_by_rule(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    ticket: &mut ticket::Model,
    now: DateTime<Utc>,
) -> Result<Option<String>, DbErr> {
    let (Some(team), None) = (ticket.team_id, ticket.assignee_id) else {
        return Ok(None);
    };
    let store = DispatchStore::new(txn, tenant);
    let Some(rule) = store.rule_of_team(team).await? else {
        return Ok(None);
    };
    let Some(strategy) = Strategy::parse(&rule.strategy) else {
        return Ok(None);
    };
    let candidates = store.candidates(team, now).await?;
    let Some(chosen) = pick(
        strategy,
        &candidates,
        rule.last_assignee_id,
        rule.skill.as_deref(),
    ) else {
        return Ok(None);
    };
    ticket.assignee_id = Some(chosen);
    let via = format!("rule:{}", rule.id);
    store.move_cursor(rule.id, chosen).await?;
    Ok(Some(via))
}

/// Unassigns a disabled user's unsolved tickets and re-dispatches each by its team's rule.
pub async fn release_tickets_of(
    txn: &DatabaseTransaction,
    tenant_id: TenantId,
    user: Uuid,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let tickets = DispatchStore::new(txn, tenant_id).unsolved_of(user).await?;
    for before in tickets {
        let mut after = before.clone();
        after.assignee_id = None;
        let via = assign_by_rule(txn, tenant_id, &mut after, now)
            .await?
            .unwrap_or_else(|| "system:user_disabled".into());
        let change = Change::updated(&before, after, Cause::by(None, via));
        Box::pin(record_change(txn, tenant_id, change, now)).await?;
    }
    Ok(())
}
