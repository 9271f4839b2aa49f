//! Creating and changing tickets: the checks a change must pass (the status machine,
//! custom fields, the assignee, open children) and dispatch by the team's rule, before
//! [`record_change`] records it.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use kefu_platform::concurrency::IfMatch;
use kefu_platform::ids::TenantId;
use kefu_platform::validation::MaxChars;
use kefu_platform::ApiError;
use sea_orm::{ConnectionTrait, DatabaseTransaction};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::access::Caller;
use super::changes::{record_change, trail, Cause, Change};
use crate::domain::fields::{normalize_tags, Priority, TicketType};
use crate::domain::ids::TicketId;
use crate::domain::status::{self, Status};
use crate::error_codes;
use crate::store::encode_list;
use crate::store::entities::ticket;
use crate::store::tickets::TicketStore;

/// Changes to a ticket; absent fields stay, `null` clears team, assignee or customer.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "pending", "priority": "urgent", "tags": ["printer", "vip"]}))]
pub struct TicketPatch {
    /// Subject, 1–250 characters.
    #[schema(max_length = 250)]
    pub subject: Option<String>,
    /// Description, up to 20 000 characters.
    #[schema(max_length = 20000)]
    pub description: Option<String>,
    /// Type.
    #[serde(rename = "type")]
    pub kind: Option<TicketType>,
    /// Priority.
    pub priority: Option<Priority>,
    /// Status, along the status machine.
    pub status: Option<Status>,
    /// Customer (`null` clears).
    #[serde(default, deserialize_with = "kefu_platform::json::nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub customer_id: Option<Option<Uuid>>,
    /// Team (`null` clears).
    #[serde(default, deserialize_with = "kefu_platform::json::nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub team_id: Option<Option<Uuid>>,
    /// Assignee (`null` unassigns; needs `tickets:assign`).
    #[serde(default, deserialize_with = "kefu_platform::json::nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub assignee_id: Option<Option<Uuid>>,
    /// Tags (replace the current ones): at most 20, each 1–50 letters, digits, `_`, `-`, `:`
    /// or `.`.
    #[schema(value_type = Option<Vec<MaxChars<50>>>, inline, max_items = 20)]
    pub tags: Option<Vec<String>>,
    /// Why it happened (up to 5000 characters; a complaint needs it before it is solved).
    #[schema(max_length = 5000)]
    pub root_cause: Option<String>,
    /// What was done about it (up to 5000 characters; a complaint needs it before it is
    /// solved).
    #[schema(max_length = 5000)]
    pub remedy: Option<String>,
    /// Custom field values to set (`null` removes one).
    #[schema(value_type = Option<Object>)]
    pub custom_fields: Option<BTreeMap<String, serde_json::Value>>,
}

/// An assignee must be an active staff user the directory knows.
pub async fn check_assignee(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    assignee: Option<Uuid>,
) -> Result<(), ApiError> {
    kefu_directory::require_active_staff(txn, tenant.uuid(), "assignee_id", assignee).await
}

/// Checks custom field changes against the tenant's fields; the new values as JSON.
pub async fn custom_values(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    current: &BTreeMap<String, serde_json::Value>,
    changes: &BTreeMap<String, serde_json::Value>,
    creating: bool,
) -> Result<String, ApiError> {
    let specs = crate::store::custom_fields::CustomFieldStore::new(txn, tenant)
        .specs()
        .await?;
    let values = crate::domain::custom_fields::apply(&specs, current, changes, creating).map_err(
        |errors| {
            ApiError::Validation(
                errors
                    .into_iter()
                    .map(|(field, message)| kefu_platform::FieldError::new(field, message))
                    .collect(),
            )
        },
    )?;
    serde_json::to_string(&values).map_err(ApiError::internal)
}

/// A parent cannot be solved while one of its children is unsolved.
pub async fn ensure_children_solved(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    parent: &ticket::Model,
) -> Result<(), ApiError> {
    let links = crate::store::structure::StructureStore::new(txn, tenant)
        .links(parent.id)
        .await?;
    let tickets = TicketStore::new(txn, tenant);
    let mut open = Vec::new();
    for link in links
        .iter()
        .filter(|l| l.kind == "parent_of" && l.source_id == parent.id)
    {
        if let Some(child) = tickets.get(TicketId::from(link.target_id)).await? {
            if Status::parse(&child.status).is_some_and(Status::is_unsolved) {
                open.push(format!("#{}", child.number));
            }
        }
    }
    if open.is_empty() {
        Ok(())
    } else {
        Err(ApiError::conflict(
            error_codes::OPEN_CHILDREN,
            format!("solve the child tickets first: {}", open.join(", ")),
        ))
    }
}

/// Applies a patch to a ticket; the pure part of an update.
pub fn apply(
    ticket: &mut ticket::Model,
    patch: TicketPatch,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    if let Some(subject) = patch.subject {
        ticket.subject = subject.trim().to_string();
    }
    if let Some(description) = patch.description {
        ticket.description = description;
    }
    if let Some(kind) = patch.kind {
        ticket.kind = kind.as_str().into();
    }
    if let Some(priority) = patch.priority {
        ticket.priority = priority.as_str().into();
    }
    if let Some(customer) = patch.customer_id {
        ticket.customer_id = customer;
    }
    if let Some(team) = patch.team_id {
        ticket.team_id = team;
    }
    if let Some(assignee) = patch.assignee_id {
        ticket.assignee_id = assignee;
    }
    if let Some(text) = patch.root_cause {
        ticket.root_cause = Some(text.trim().to_string()).filter(|t| !t.is_empty());
    }
    if let Some(text) = patch.remedy {
        ticket.remedy = Some(text.trim().to_string()).filter(|t| !t.is_empty());
    }
    if let Some(tags) = patch.tags {
        let tags = normalize_tags(&tags)
            .map_err(|i| ApiError::field(format!("tags[{i}]"), "is not a valid tag"))?;
        ticket.tags = encode_list(&tags);
    }
    if let Some(to) = patch.status {
        let from = Status::parse(&ticket.status).ok_or_else(|| {
            ApiError::internal(anyhow::anyhow!("unknown status {}", ticket.status))
        })?;
        status::transition(from, to).map_err(|refused| ApiError::IllegalTransition {
            detail: format!("a {} ticket cannot become {}", from.as_str(), to.as_str()),
            allowed: refused
                .allowed
                .iter()
                .map(|s| s.as_str().to_string())
                .collect(),
        })?;
        if from != to && to == Status::Solved && ticket.kind == TicketType::Complaint.as_str() {
            let missing: Vec<kefu_platform::FieldError> = [
                ("root_cause", &ticket.root_cause),
                ("remedy", &ticket.remedy),
            ]
            .into_iter()
            .filter(|(_, value)| value.is_none())
            .map(|(field, _)| {
                kefu_platform::FieldError::new(field, "a complaint needs it before it is solved")
            })
            .collect();
            if !missing.is_empty() {
                return Err(ApiError::Validation(missing));
            }
        }
        if from != to {
            if status::is_reopen(from, to) {
                ticket.reopen_count += 1;
            }
            match to {
                Status::Solved => ticket.solved_at = Some(now),
                Status::Closed => ticket.closed_at = Some(now),
                _ => {}
            }
            ticket.status = to.as_str().into();
        }
    }
    Ok(())
}

/// A new ticket of `now` with the defaults every path starts from: status `new`,
/// priority `normal`, type `question`, by the API, nothing else set.
pub fn draft(subject: String, now: DateTime<Utc>) -> ticket::Model {
    ticket::Model {
        id: Uuid::now_v7(),
        tenant_id: Uuid::nil(),
        number: 0,
        subject,
        description: String::new(),
        status: Status::New.as_str().into(),
        priority: Priority::Normal.as_str().into(),
        kind: TicketType::Question.as_str().into(),
        channel: "api".into(),
        customer_id: None,
        contact_id: None,
        requester_id: None,
        team_id: None,
        assignee_id: None,
        tags: encode_list::<String>(&[]),
        reopen_count: 0,
        created_by: None,
        first_response_at: None,
        solved_at: None,
        closed_at: None,
        version: 1,
        created_at: now,
        updated_at: now,
        root_cause: None,
        remedy: None,
        csat_score: None,
        custom_fields: "{}".into(),
    }
}

/// Creates `ticket` (a [`draft`], filled in) with `custom` field values: the assignee
/// must be active staff, the ticket gets the tenant's next number and, unassigned in a
/// team, the team's dispatch rule picks its assignee.
pub async fn create(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    mut ticket: ticket::Model,
    custom: &BTreeMap<String, serde_json::Value>,
    cause: Cause,
    now: DateTime<Utc>,
) -> Result<ticket::Model, ApiError> {
    check_assignee(txn, tenant, ticket.assignee_id).await?;
    ticket.custom_fields = custom_values(txn, tenant, &BTreeMap::new(), custom, true).await?;
    ticket.tenant_id = tenant.uuid();
    ticket.number = TicketStore::new(txn, tenant).next_number().await?;
    let rule = super::dispatch::assign_by_rule(txn, tenant, &mut ticket, now).await?;
    record_change(
        txn,
        tenant,
        Change::created(ticket, cause.assigned_by(rule)),
        now,
    )
    .await
}

/// Changes `before` by `patch`: the status machine, custom fields, dispatch on a team
/// move, the assignee and children checks; returns the ticket as it ends up.
pub async fn change(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    before: &ticket::Model,
    patch: TicketPatch,
    cause: Cause,
    now: DateTime<Utc>,
) -> Result<ticket::Model, ApiError> {
    let mut ticket = before.clone();
    let assignee = patch.assignee_id;
    if let Some(changes) = &patch.custom_fields {
        let current: BTreeMap<String, serde_json::Value> =
            serde_json::from_str(&ticket.custom_fields).unwrap_or_default();
        ticket.custom_fields = custom_values(txn, tenant, &current, changes, false).await?;
    }
    let team_moved = patch.team_id.is_some_and(|team| team != before.team_id);
    apply(&mut ticket, patch, now)?;
    // A ticket moved to another team goes to that team's rule unless the
    // same change names an assignee.
    let mut rule = None;
    if team_moved && assignee.is_none() && ticket.team_id.is_some() {
        let mut candidate = ticket.clone();
        candidate.assignee_id = None;
        rule = super::dispatch::assign_by_rule(txn, tenant, &mut candidate, now).await?;
        if rule.is_some() {
            ticket.assignee_id = candidate.assignee_id;
        }
    }
    if let Some(new_assignee) = assignee {
        if new_assignee != before.assignee_id {
            check_assignee(txn, tenant, new_assignee).await?;
        }
    }
    if trail(before, &ticket).is_empty() {
        return Ok(before.clone());
    }
    if ticket.status == "solved" && before.status != "solved" {
        ensure_children_solved(txn, tenant, &ticket).await?;
    }
    let change = Change::updated(before, ticket, cause.assigned_by(rule));
    record_change(txn, tenant, change, now).await
}

/// The ticket `id` if the caller may see it (others are a 404).
pub async fn visible_ticket<C: ConnectionTrait>(
    conn: &C,
    auth: &kefu_platform::auth::TenantContext,
    caller: Caller,
    id: TicketId,
) -> Result<ticket::Model, ApiError> {
    TicketStore::new(conn, auth.tenant_id)
        .get(id)
        .await?
        .filter(|t| caller.sees(t))
        .ok_or(ApiError::NotFound)
}

/// Applies `patch` to ticket `id` as `caller` sees it, if `if_match` allows its version.
pub async fn change_ticket(
    txn: &DatabaseTransaction,
    ctx: &kefu_platform::auth::TenantContext,
    caller: Caller,
    id: TicketId,
    patch: TicketPatch,
    if_match: IfMatch,
    now: DateTime<Utc>,
) -> Result<ticket::Model, ApiError> {
    let before = visible_ticket(txn, ctx, caller, id).await?;
    if_match.check(before.version)?;
    let cause = Cause::by(Some(ctx.actor), via(caller));
    change(txn, ctx.tenant_id, &before, patch, cause, now).await
}

/// How a caller's change is named in the trail.
pub fn via(caller: Caller) -> &'static str {
    match caller {
        Caller::Staff { .. } => "user",
        Caller::Portal { .. } => "portal",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ticket(status: &str) -> ticket::Model {
        let now = Utc::now();
        ticket::Model {
            id: Uuid::now_v7(),
            tenant_id: Uuid::now_v7(),
            number: 1,
            subject: "s".into(),
            description: String::new(),
            status: status.into(),
            priority: "normal".into(),
            kind: "question".into(),
            channel: "web".into(),
            customer_id: None,
            contact_id: None,
            requester_id: None,
            team_id: None,
            assignee_id: None,
            tags: "[]".into(),
            reopen_count: 0,
            created_by: None,
            first_response_at: None,
            solved_at: None,
            closed_at: None,
            version: 1,
            created_at: now,
            updated_at: now,
            root_cause: None,
            remedy: None,
            csat_score: None,
            custom_fields: "{}".into(),
        }
    }

    #[test]
    fn a_reopen_is_counted_and_an_illegal_move_lists_what_is_allowed() {
        let mut t = ticket("solved");
        let patch = TicketPatch {
            status: Some(Status::Open),
            ..Default::default()
        };
        apply(&mut t, patch, Utc::now()).unwrap();
        assert_eq!((t.status.as_str(), t.reopen_count), ("open", 1));

        let mut closed = ticket("closed");
        let patch = TicketPatch {
            status: Some(Status::Open),
            ..Default::default()
        };
        match apply(&mut closed, patch, Utc::now()) {
            Err(ApiError::IllegalTransition { allowed, .. }) => assert!(allowed.is_empty()),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn null_clears_and_absent_keeps() {
        let patch: TicketPatch = serde_json::from_str(r#"{"team_id": null}"#).unwrap();
        assert_eq!(patch.team_id, Some(None));
        assert_eq!(patch.assignee_id, None);
    }
}
