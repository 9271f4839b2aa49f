//! What tickets does when customers or surveys announce something (PRODUCT.md §4 flows).

use chrono::{DateTime, Utc};
use kefu_events::catalogue::customers::{
    AgreementData, CustomerData, CustomerMergedData, FollowupDueData, TierChangeData,
};
use kefu_events::catalogue::surveys::ResponseData;
use kefu_platform::ids::TenantId;
use kefu_platform::ApiError;
use sea_orm::DatabaseTransaction;

use super::changes::{record_change, Cause, Change};
use super::tickets::{create, draft};
use crate::domain::ids::TicketId;
use uuid::Uuid;

use crate::store::directory;
use crate::store::dispatch::UNSOLVED;
use crate::store::tickets::TicketStore;

/// Re-matches the SLA policy of the customer's unsolved tickets.
async fn rematch_customer(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    customer: Uuid,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let open = TicketStore::new(txn, tenant)
        .of_customer(customer, Some(&UNSOLVED))
        .await?;
    for ticket in open {
        crate::app::clocks::rematch(txn, tenant, &ticket, now).await?;
    }
    Ok(())
}

/// `customer.created` / `customer.updated`: the directory, and the SLA of open tickets
/// when the tier or service level moved.
pub async fn customer_changed(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    data: &CustomerData,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let before = directory::upsert_customer(txn, tenant.uuid(), data).await?;
    let moved =
        before.is_some_and(|b| b.tier != data.tier || b.service_level != data.service_level);
    if moved {
        rematch_customer(txn, tenant, data.customer_id, now).await?;
    }
    Ok(())
}

/// Changes what the directory knows of a customer (a blank entry if it has not heard of
/// them yet) and re-matches the SLA of their open tickets when the tier or service level moved.
async fn update_customer(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    id: Uuid,
    now: DateTime<Utc>,
    change: impl FnOnce(&mut CustomerData),
) -> Result<(), ApiError> {
    let mut data = match directory::customer(txn, tenant.uuid(), id).await? {
        Some(known) => CustomerData {
            customer_id: known.id,
            name: known.name,
            tier: known.tier,
            abc_class: None,
            owner_id: known.owner_id,
            lifecycle: "active".into(),
            service_level: known.service_level,
        },
        None => CustomerData {
            customer_id: id,
            name: String::new(),
            tier: None,
            abc_class: None,
            owner_id: None,
            lifecycle: "active".into(),
            service_level: None,
        },
    };
    change(&mut data);
    let before = directory::upsert_customer(txn, tenant.uuid(), &data).await?;
    let moved = before.is_none_or(|b| b.tier != data.tier || b.service_level != data.service_level);
    if moved {
        rematch_customer(txn, tenant, id, now).await?;
    }
    Ok(())
}

/// `customer.tier_changed`: the SLA policy is re-matched for the customer's open tickets.
pub async fn tier_changed(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    data: &TierChangeData,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    update_customer(txn, tenant, data.customer_id, now, |c| {
        c.tier = data.new.clone()
    })
    .await
}

/// `agreement.*`: the customer's service level is what their active agreements now grant.
pub async fn agreement_changed(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    data: &AgreementData,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    update_customer(txn, tenant, data.customer_id, now, |c| {
        c.service_level = data.customer_service_level.clone()
    })
    .await
}

/// `customer.merged`: the merged-away customer's tickets now belong to the survivor,
/// each change recorded and announced, and matched again under the survivor's SLA.
pub async fn customer_merged(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    data: &CustomerMergedData,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    directory::upsert_customer(txn, tenant.uuid(), &data.survivor).await?;
    let moved = TicketStore::new(txn, tenant)
        .of_customer(data.customer_id, None)
        .await?;
    let via = format!("customer_merge:{}", data.customer_id);
    for before in moved {
        let mut after = before.clone();
        after.customer_id = Some(data.survivor_id);
        // The customer changed: the clocks match the survivor's SLA again.
        let change = Change::updated(&before, after, Cause::by(None, via.clone()));
        record_change(txn, tenant, change, now).await?;
    }
    directory::forget_customer(txn, tenant.uuid(), data.customer_id).await?;
    Ok(())
}

/// `survey.response_submitted`: the CSAT score lands on the ticket the survey was about.
pub async fn response_submitted(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    response: &ResponseData,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let (Some(ticket_id), Some(csat)) = (response.ticket_id, response.scores.csat) else {
        return Ok(());
    };
    let Some(before) = TicketStore::new(txn, tenant)
        .get(TicketId::from(ticket_id))
        .await?
    else {
        return Ok(());
    };
    let mut after = before.clone();
    after.csat_score = Some(csat.round().clamp(1.0, 5.0) as i64);
    let cause = Cause::by(None, format!("survey:{}", response.response_id));
    record_change(txn, tenant, Change::updated(&before, after, cause), now).await?;
    Ok(())
}

/// A `follow_up` ticket to open for a customer.
struct FollowUp {
    customer_id: Option<Uuid>,
    subject: String,
    description: String,
    tag: &'static str,
    priority: &'static str,
    via: String,
}

/// Opens `follow_up` for the customer's relationship manager (`owner`, or the one the
/// directory knows): assigned if they are active staff, else left for the queue.
async fn open_follow_up(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    follow_up: FollowUp,
    owner: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let customer = match follow_up.customer_id {
        Some(id) => directory::customer(txn, tenant.uuid(), id).await?,
        None => None,
    };
    let manager = match owner.or(customer.as_ref().and_then(|c| c.owner_id)) {
        Some(id) if kefu_directory::is_active_staff(txn, tenant.uuid(), id).await? => Some(id),
        _ => None,
    };
    let subject = match &customer {
        Some(c) if !c.name.is_empty() => format!("{} – {}", follow_up.subject, c.name),
        _ => follow_up.subject,
    };
    let mut ticket = draft(subject, now);
    ticket.description = follow_up.description;
    ticket.priority = follow_up.priority.into();
    ticket.kind = "follow_up".into();
    ticket.customer_id = follow_up.customer_id;
    ticket.assignee_id = manager;
    ticket.tags = crate::store::encode_list(&[follow_up.tag.to_string()]);
    // Created like any other ticket: the tenant's triggers run on it.
    let cause = Cause::by(None, follow_up.via);
    create(txn, tenant, ticket, &Default::default(), cause, now).await?;
    Ok(())
}

/// `survey.detractor_detected`: a `follow_up` ticket for the customer's relationship manager.
pub async fn detractor_detected(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    response: &ResponseData,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let scores = &response.scores;
    let mut description = format!(
        "A survey response (id {}) scored as a detractor.",
        response.response_id
    );
    for (name, value) in [
        ("CSAT", scores.csat),
        ("NPS", scores.nps),
        ("CES", scores.ces),
    ] {
        if let Some(value) = value {
            description.push_str(&format!(" {name} {value}."));
        }
    }
    if let Some(ticket) = response.ticket_id {
        description.push_str(&format!(" About ticket {ticket}."));
    }
    let follow_up = FollowUp {
        customer_id: response.customer_id,
        subject: "Follow up with a detractor".into(),
        description,
        tag: "detractor",
        priority: "high",
        via: format!("survey:{}", response.response_id),
    };
    open_follow_up(txn, tenant, follow_up, None, now).await
}

/// `customer.followup_due` of kind `task`: a `follow_up` ticket for whoever the plan
/// names (surveys handles the `survey` kind).
pub async fn followup_due(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    due: &FollowupDueData,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    if due.kind != "task" {
        return Ok(());
    }
    let task = due.task.clone().unwrap_or_default();
    let follow_up = FollowUp {
        customer_id: Some(due.customer_id),
        subject: "Follow-up".into(),
        description: format!(
            "{task}\n\nBy {} (care plan {}, due {}).",
            due.channel,
            due.plan_id,
            due.due_at.to_rfc3339()
        ),
        tag: "care_plan",
        priority: "normal",
        via: format!("care_plan:{}", due.occurrence_id),
    };
    open_follow_up(txn, tenant, follow_up, due.owner_id, now).await
}
