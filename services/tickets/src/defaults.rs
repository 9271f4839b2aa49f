//! What a new tenant starts with in tickets (accounts' `tenant.created`): a business-hours
//! calendar in the tenant's time zone and the default SLA policies.

use chrono::{NaiveTime, Utc};
use kefu_events::catalogue::accounts::TenantData;
use kefu_platform::ids::TenantId;
use sea_orm::{DatabaseTransaction, DbErr};
use uuid::Uuid;

use crate::domain::calendar::OpeningHours;
use crate::domain::policy;
use crate::store::encode_list;
use crate::store::entities::{calendar, sla_policy};
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
pub async fn seed(txn: &DatabaseTransaction, tenant: &TenantData) -> Result<(), DbErr> {
    let store = SlaStore::new(txn, TenantId(tenant.tenant_id));
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
    Ok(())
}
