//! What a new tenant starts with in tickets (accounts' `tenant.created`): a business-hours
//! calendar in the tenant's time zone, the default SLA policies, and default business
//! rules (all editable).

use chrono::{NaiveTime, Utc};
use kefu_events::catalogue::accounts::TenantData;
use kefu_platform::ids::TenantId;
use sea_orm::{DatabaseTransaction, DbErr};
use uuid::Uuid;

use crate::domain::calendar::OpeningHours;
use crate::domain::policy;
use crate::domain::rules::{RuleActions, RuleConditions};
use crate::store::encode_list;
use crate::store::entities::{business_rule, calendar, sla_policy};
use crate::store::rules::RuleStore;
use crate::store::sla::SlaStore;

/// Monday to Friday, 09:00–18:00.
pub fn office_hours() -> Vec<Vec<OpeningHours>> {
    let nine_to_six = OpeningHours {
        start: NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default(),
        end: NaiveTime::from_hms_opt(18, 0, 0).unwrap_or_default(),
    };
    (0..7)
        .map(|day| {
            if day < 5 {
                vec![nine_to_six]
            } else {
                Vec::new()
            }
        })
        .collect()
}

/// Seeds the tenant's calendar and policies, unless it has a calendar already (a
/// redelivered event, or a tenant that set things up before the event arrived).
pub async fn seed(
    txn: &DatabaseTransaction,
    scope: TenantId,
    tenant: &TenantData,
) -> Result<(), DbErr> {
    let store = SlaStore::new(txn, scope);
    if !store.calendars().await?.is_empty() {
        return Ok(());
    }
    let now = Utc::now();
    let time_zone = if tenant.time_zone.parse::<chrono_tz::Tz>().is_ok() {
        tenant.time_zone.clone()
    } else {
        "UTC".into()
    };
    let calendar = store
        .insert_calendar(calendar::Model {
            id: Uuid::now_v7(),
            tenant_id: tenant.tenant_id,
            name: "Business hours".into(),
            time_zone,
            weekly: encode_list(&office_hours()),
            holidays: "[]".into(),
            is_default: true,
            version: 1,
            created_at: now,
            updated_at: now,
        })
        .await?;
    for (position, (name, conditions, targets)) in policy::defaults().into_iter().enumerate() {
        store
            .insert_policy(sla_policy::Model {
                id: Uuid::now_v7(),
                tenant_id: tenant.tenant_id,
                name: name.into(),
                position: position as i64,
                conditions: serde_json::to_string(&conditions).unwrap_or_default(),
                targets: serde_json::to_string(&targets).unwrap_or_default(),
                calendar_id: calendar.id,
                pause_statuses: encode_list(&["pending".to_string(), "on_hold".to_string()]),
                at_risk_percent: 80,
                version: 1,
                created_at: now,
                updated_at: now,
            })
            .await?;
    }
    let rules = RuleStore::new(txn, scope);
    for rule in default_rules(tenant.tenant_id, now) {
        rules.insert(rule).await?;
    }
    Ok(())
}

/// An urgent ticket tells the service managers at once; a pending ticket nobody answers
/// for a week is solved (the requester can still reopen it).
fn default_rules(tenant: Uuid, now: chrono::DateTime<Utc>) -> Vec<business_rule::Model> {
    let rule = |position: i64,
                kind: &str,
                event: &str,
                name: &str,
                conditions: RuleConditions,
                actions: RuleActions| business_rule::Model {
        id: Uuid::now_v7(),
        tenant_id: tenant,
        kind: kind.into(),
        event: event.into(),
        name: name.into(),
        conditions: serde_json::to_string(&conditions).unwrap_or_default(),
        actions: serde_json::to_string(&actions).unwrap_or_default(),
        position,
        active: true,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    vec![
        rule(
            0,
            "trigger",
            "created",
            "Urgent tickets to the service managers",
            RuleConditions {
                priority: vec!["urgent".into()],
                ..RuleConditions::default()
            },
            RuleActions {
                notify_role: Some("service_manager".into()),
                ..RuleActions::default()
            },
        ),
        rule(
            0,
            "automation",
            "time",
            "Solve pending tickets after a week without an answer",
            RuleConditions {
                status: vec!["pending".into()],
                hours_since_updated: Some(168),
                ..RuleConditions::default()
            },
            RuleActions {
                status: Some("solved".into()),
                internal_note: Some(
                    "Solved after a week without an answer from the customer.".into(),
                ),
                ..RuleActions::default()
            },
        ),
    ]
}
