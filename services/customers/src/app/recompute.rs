//! Recomputes a tenant's ABC classes and pyramid tiers from the latest year of value
//! records, saving the moves and announcing each one (tier and class separately).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use kefu_events::catalogue::customers::{
    ClassChangeData, CustomerAbcClassChanged, CustomerTierChanged, TierChangeData,
};
use kefu_platform::ids::TenantId;
use kefu_platform::ApiError;
use sea_orm::DatabaseTransaction;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::app::announce::emit;
use crate::domain::abc::{self, Shares};
use crate::domain::tiers::{tier_of, Bands, TierBasis};
use crate::store::customers::CustomerStore;
use crate::store::entities::customer_settings;
use crate::store::settings;
use crate::store::values::ValueStore;

/// What a recompute did.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"year": 2026, "customers": 1000, "tier_changes": 12, "abc_class_changes": 40}))]
pub struct Outcome {
    /// The year whose records decided (the latest with any record), if any.
    pub year: Option<i64>,
    /// Customers classified.
    pub customers: usize,
    /// Customers whose tier moved (one `customer.tier_changed` each).
    pub tier_changes: usize,
    /// Customers whose ABC class moved (one `customer.abc_class_changed` each).
    pub abc_class_changes: usize,
}

/// The tier bands a settings row describes.
pub fn bands_of(s: &customer_settings::Model) -> Bands {
    Bands {
        basis: TierBasis::parse(&s.tier_basis).unwrap_or(TierBasis::Revenue),
        vip_min: s.vip_min,
        major_min: s.major_min,
        ordinary_min: s.ordinary_min,
    }
}

/// The ABC shares a settings row describes.
pub fn shares_of(s: &customer_settings::Model) -> Shares {
    Shares {
        a_percent: u8::try_from(s.abc_a_percent).unwrap_or(80),
        b_percent: u8::try_from(s.abc_b_percent).unwrap_or(15),
    }
}

/// Classifies every live customer of `tenant` again, in `txn`.
pub async fn recompute(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    actor: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<Outcome, ApiError> {
    let config = settings::get(txn, tenant.uuid(), now).await?;
    let (bands, shares) = (bands_of(&config), shares_of(&config));
    let values = ValueStore::new(txn, tenant);
    let year = values.latest_year().await?;
    let figures: HashMap<Uuid, (i64, i64)> = match year {
        Some(year) => values
            .of_year(year)
            .await?
            .into_iter()
            .map(|r| (r.customer_id, (r.revenue, r.revenue.saturating_sub(r.cost))))
            .collect(),
        None => HashMap::new(),
    };
    let store = CustomerStore::new(txn, tenant);
    let customers = store.all_live().await?;
    let revenues: Vec<(Uuid, i64)> = customers
        .iter()
        .map(|c| (c.id, figures.get(&c.id).map_or(0, |f| f.0)))
        .collect();
    let classes: HashMap<Uuid, abc::AbcClass> =
        abc::classify(&revenues, shares).into_iter().collect();
    let mut outcome = Outcome {
        year,
        customers: customers.len(),
        tier_changes: 0,
        abc_class_changes: 0,
    };
    for before in customers {
        let (revenue, profit) = figures.get(&before.id).copied().unwrap_or((0, 0));
        let figure = match bands.basis {
            TierBasis::Revenue => revenue,
            TierBasis::Profit => profit,
        };
        let tier = Some(tier_of(figure, &bands).as_str().to_string());
        let class = classes.get(&before.id).map(|c| c.as_str().to_string());
        if tier == before.tier && class == before.abc_class {
            continue;
        }
        let mut after = before.clone();
        after.tier = tier;
        after.abc_class = class;
        after.updated_at = now;
        let saved = store.save(after).await?;
        if saved.tier != before.tier {
            outcome.tier_changes += 1;
            let data = TierChangeData {
                customer_id: saved.id,
                old: before.tier.clone(),
                new: saved.tier.clone(),
            };
            emit(txn, tenant.uuid(), actor, CustomerTierChanged(data)).await?;
        }
        if saved.abc_class != before.abc_class {
            outcome.abc_class_changes += 1;
            let data = ClassChangeData {
                customer_id: saved.id,
                old: before.abc_class.clone(),
                new: saved.abc_class.clone(),
            };
            emit(txn, tenant.uuid(), actor, CustomerAbcClassChanged(data)).await?;
        }
    }
    Ok(outcome)
}
