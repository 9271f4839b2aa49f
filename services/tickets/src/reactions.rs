//! What tickets does when customers or surveys announce something (PRODUCT.md §4 flows).

use chrono::{DateTime, Utc};
use kefu_events::catalogue::customers::{CustomerData, TierChangeData};
use kefu_events::catalogue::surveys::ResponseData;
use kefu_events::catalogue::tickets::TicketCreated;
use kefu_platform::ids::TenantId;
use sea_orm::{ColumnTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter};
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
    let open = ticket::Entity::find()
        .filter(ticket::Column::TenantId.eq(tenant))
        .filter(ticket::Column::CustomerId.eq(customer))
        .filter(ticket::Column::Status.is_in(UNSOLVED))
        .all(txn)
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

/// `customer.tier_changed`: the SLA policy is re-matched for the customer's open tickets.
pub async fn tier_changed(
    txn: &DatabaseTransaction,
    tenant: Uuid,
    data: &TierChangeData,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if let Some(mut known) = directory::customer(txn, tenant, data.customer_id).await? {
        known.tier = data.new.clone();
        let data = CustomerData {
            customer_id: known.id,
            name: known.name,
            tier: known.tier,
            abc_class: None,
            owner_id: known.owner_id,
            lifecycle: "active".into(),
            service_level: known.service_level,
        };
        directory::upsert_customer(txn, tenant, &data).await?;
    } else {
        let data = CustomerData {
            customer_id: data.customer_id,
            name: String::new(),
            tier: data.new.clone(),
            abc_class: None,
            owner_id: None,
            lifecycle: "active".into(),
            service_level: None,
        };
        directory::upsert_customer(txn, tenant, &data).await?;
    }
    rematch_customer(txn, tenant, data.customer_id, now).await
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

/// `survey.detractor_detected`: a `follow_up` ticket for the customer's relationship manager.
pub async fn detractor_detected(
    txn: &DatabaseTransaction,
    tenant: Uuid,
    response: &ResponseData,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let customer = match response.customer_id {
        Some(id) => directory::customer(txn, tenant, id).await?,
        None => None,
    };
    // Only an active staff user can be assigned; otherwise the ticket waits unassigned.
    let manager = match customer.as_ref().and_then(|c| c.owner_id) {
        Some(id) => directory::user(txn, tenant, id)
            .await?
            .filter(|u| u.status == "active" && u.customer_id.is_none())
            .map(|u| u.id),
        None => None,
    };
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
    let store = TicketStore::new(txn, TenantId(tenant));
    let subject = match &customer {
        Some(c) if !c.name.is_empty() => format!("Follow up with {} (detractor)", c.name),
        _ => "Follow up with a detractor".to_string(),
    };
    let ticket = store
        .insert(ticket::Model {
            id: Uuid::now_v7(),
            tenant_id: tenant,
            number: store.next_number().await?,
            subject,
            description,
            status: "new".into(),
            priority: "high".into(),
            kind: "follow_up".into(),
            channel: "api".into(),
            customer_id: response.customer_id,
            contact_id: None,
            requester_id: None,
            team_id: None,
            assignee_id: manager,
            tags: crate::store::encode_list(&["detractor".to_string()]),
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
    let via = format!("survey:{}", response.response_id);
    let created = changed_fields([("status", None, Some(ticket.status.clone()))]);
    HistoryStore::new(txn, TenantId(tenant))
        .record(ticket.id, None, &via, &created, now)
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
