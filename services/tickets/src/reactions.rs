//! What tickets does when customers or surveys announce something (PRODUCT.md §4 flows).

use chrono::{DateTime, Utc};
use kefu_events::catalogue::customers::{
    AgreementData, CustomerData, CustomerMergedData, FollowupDueData, TierChangeData,
};
use kefu_events::catalogue::surveys::ResponseData;
use kefu_events::catalogue::tickets::TicketCreated;
use kefu_platform::ids::TenantId;
use sea_orm::{DatabaseTransaction, DbErr};
use uuid::Uuid;

use crate::domain::history::{changed_fields, text};
use crate::store::directory;
use crate::store::dispatch::UNSOLVED;
use crate::store::entities::ticket;
use crate::store::history::HistoryStore;
use crate::store::tickets::TicketStore;

fn to_db(error: kefu_platform::ApiError) -> DbErr {
    DbErr::Custom(error.to_string())
}

/// Re-matches the SLA policy of the customer's unsolved tickets.
async fn rematch_customer(
    txn: &DatabaseTransaction,
    tenant: Uuid,
    customer: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let open = TicketStore::new(txn, TenantId::from(tenant))
        .of_customer(customer, Some(&UNSOLVED))
        .await?;
    for ticket in open {
        crate::clocks::rematch(txn, &ticket, now).await?;
    }
    Ok(())
}

/// `customer.created` / `customer.updated`: the directory, and the SLA of open tickets
/// when the tier or service level moved.
pub async fn customer_changed(
    txn: &DatabaseTransaction,
    tenant: Uuid,
    data: &CustomerData,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let before = directory::upsert_customer(txn, tenant, data).await?;
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
    tenant: Uuid,
    id: Uuid,
    now: DateTime<Utc>,
    change: impl FnOnce(&mut CustomerData),
) -> Result<(), DbErr> {
    let mut data = match directory::customer(txn, tenant, id).await? {
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
    let before = directory::upsert_customer(txn, tenant, &data).await?;
    let moved = before.is_none_or(|b| b.tier != data.tier || b.service_level != data.service_level);
    if moved {
        rematch_customer(txn, tenant, id, now).await?;
    }
    Ok(())
}

/// `customer.tier_changed`: the SLA policy is re-matched for the customer's open tickets.
pub async fn tier_changed(
    txn: &DatabaseTransaction,
    tenant: Uuid,
    data: &TierChangeData,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    update_customer(txn, tenant, data.customer_id, now, |c| {
        c.tier = data.new.clone()
    })
    .await
}

/// `agreement.*`: the customer's service level is what their active agreements now grant.
pub async fn agreement_changed(
    txn: &DatabaseTransaction,
    tenant: Uuid,
    data: &AgreementData,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    update_customer(txn, tenant, data.customer_id, now, |c| {
        c.service_level = data.customer_service_level.clone()
    })
    .await
}

/// `customer.merged`: the merged-away customer's tickets now belong to the survivor,
/// each change recorded and announced, and matched again under the survivor's SLA.
pub async fn customer_merged(
    txn: &DatabaseTransaction,
    tenant: Uuid,
    data: &CustomerMergedData,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    directory::upsert_customer(txn, tenant, &data.survivor).await?;
    let moved = TicketStore::new(txn, TenantId::from(tenant))
        .of_customer(data.customer_id, None)
        .await?;
    let store = TicketStore::new(txn, TenantId(tenant));
    let history = HistoryStore::new(txn, TenantId(tenant));
    let via = format!("customer_merge:{}", data.customer_id);
    for before in moved {
        let mut after = before.clone();
        after.customer_id = Some(data.survivor_id);
        let saved = store.save(after, now).await?;
        let changes = changed_fields([(
            "customer_id",
            text(before.customer_id),
            text(saved.customer_id),
        )]);
        history.record(saved.id, None, &via, &changes, now).await?;
        if UNSOLVED.contains(&saved.status.as_str()) {
            crate::clocks::rematch(txn, &saved, now).await?;
        }
        crate::events::emit_ticket_change(txn, None, &before, &saved)
            .await
            .map_err(to_db)?;
    }
    directory::forget_customer(txn, tenant, data.customer_id).await
}

/// `survey.response_submitted`: the CSAT score lands on the ticket the survey was about.
pub async fn response_submitted(
    txn: &DatabaseTransaction,
    tenant: Uuid,
    response: &ResponseData,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let (Some(ticket_id), Some(csat)) = (response.ticket_id, response.scores.csat) else {
        return Ok(());
    };
    let store = TicketStore::new(txn, TenantId(tenant));
    let Some(before) = store.get(ticket_id).await? else {
        return Ok(());
    };
    let mut after = before.clone();
    after.csat_score = Some(csat.round().clamp(1.0, 5.0) as i64);
    let saved = store.save(after, now).await?;
    let changes = changed_fields([(
        "csat_score",
        text(before.csat_score),
        text(saved.csat_score),
    )]);
    let via = format!("survey:{}", response.response_id);
    HistoryStore::new(txn, TenantId(tenant))
        .record(saved.id, None, &via, &changes, now)
        .await
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
    tenant: Uuid,
    follow_up: FollowUp,
    owner: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let customer = match follow_up.customer_id {
        Some(id) => directory::customer(txn, tenant, id).await?,
        None => None,
    };
    let manager = match owner.or(customer.as_ref().and_then(|c| c.owner_id)) {
        Some(id) if kefu_directory::is_active_staff(txn, tenant, id).await? => Some(id),
        _ => None,
    };
    let store = TicketStore::new(txn, TenantId(tenant));
    let subject = match &customer {
        Some(c) if !c.name.is_empty() => format!("{} – {}", follow_up.subject, c.name),
        _ => follow_up.subject,
    };
    let ticket = store
        .insert(ticket::Model {
            id: Uuid::now_v7(),
            tenant_id: tenant,
            number: store.next_number().await?,
            subject,
            description: follow_up.description,
            status: "new".into(),
            priority: follow_up.priority.into(),
            kind: "follow_up".into(),
            channel: "api".into(),
            customer_id: follow_up.customer_id,
            contact_id: None,
            requester_id: None,
            team_id: None,
            assignee_id: manager,
            tags: crate::store::encode_list(&[follow_up.tag.to_string()]),
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
        })
        .await?;
    crate::clocks::on_created(txn, &ticket, now).await?;
    let created = changed_fields([("status", None, Some(ticket.status.clone()))]);
    HistoryStore::new(txn, TenantId(tenant))
        .record(ticket.id, None, &follow_up.via, &created, now)
        .await?;
    crate::events::emit(
        txn,
        tenant,
        None,
        TicketCreated(crate::events::ticket_data(&ticket)),
    )
    .await
    .map_err(to_db)
}

/// `survey.detractor_detected`: a `follow_up` ticket for the customer's relationship manager.
pub async fn detractor_detected(
    txn: &DatabaseTransaction,
    tenant: Uuid,
    response: &ResponseData,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
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
    tenant: Uuid,
    due: &FollowupDueData,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
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
