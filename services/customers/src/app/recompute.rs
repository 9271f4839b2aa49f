//! Recomputes a tenant's ABC classes and pyramid tiers from the latest year of value
//! records, saving the moves and announcing each one (tier and class separately).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use kefu_events::catalogue::customers::{
    ClassChangeData, CustomerAbcClassChanged, CustomerTierChanged, TierChangeData,
};
use kefu_platform::auth::TenantContext;
use kefu_platform::concurrency::IfMatch;
use kefu_platform::ids::TenantId;
use kefu_platform::validation::{Checks, Validate};
use kefu_platform::ApiError;
use sea_orm::DatabaseTransaction;
use serde::{Deserialize, Serialize};
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

/// Changes to the settings; classes and tiers are recomputed with them.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"abc_a_percent": 70, "tier_bands": {"basis": "profit", "vip_min": 50000000, "major_min": 10000000, "ordinary_min": 1000000}}))]
pub struct SettingsPatch {
    /// Share of revenue the A customers make up, percent (1–99).
    pub abc_a_percent: Option<i64>,
    /// Share of revenue the B customers make up on top of A's, percent.
    pub abc_b_percent: Option<i64>,
    /// Pyramid tier minimums.
    pub tier_bands: Option<Bands>,
    /// Years the expected future profit projects (0–50).
    pub projection_years: Option<i64>,
    /// Default currency of value records (ISO 4217).
    #[schema(pattern = "^[A-Z]{3}$", max_length = 3)]
    pub currency: Option<String>,
}

impl Validate for SettingsPatch {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        if let Some(a) = self.abc_a_percent {
            checks.ensure((1..=99).contains(&a), "abc_a_percent", "must be 1–99");
        }
        if let Some(b) = self.abc_b_percent {
            checks.ensure((0..=99).contains(&b), "abc_b_percent", "must be 0–99");
        }
        if let Some(bands) = &self.tier_bands {
            if let Err(rule) = bands.check() {
                checks.fail("tier_bands", rule);
            }
        }
        if let Some(years) = self.projection_years {
            checks.ensure(
                (0..=50).contains(&years),
                "projection_years",
                "must be 0–50",
            );
        }
        if let Some(currency) = &self.currency {
            checks.ensure(
                currency.len() == 3 && currency.chars().all(|c| c.is_ascii_uppercase()),
                "currency",
                "must be an ISO 4217 code such as CNY",
            );
        }
        checks.finish()
    }
}

/// Changes the tenant's classification settings and recomputes every class and tier
/// with them; a stale `If-Match` is refused before the new shares are judged.
pub async fn change_settings(
    txn: &DatabaseTransaction,
    ctx: &TenantContext,
    if_match: &IfMatch,
    patch: SettingsPatch,
    now: DateTime<Utc>,
) -> Result<customer_settings::Model, ApiError> {
    let mut found = settings::get(txn, ctx.tenant_id.uuid(), now).await?;
    if_match.check(found.version)?;
    if let Some(a) = patch.abc_a_percent {
        found.abc_a_percent = a;
    }
    if let Some(b) = patch.abc_b_percent {
        found.abc_b_percent = b;
    }
    if found.abc_a_percent + found.abc_b_percent > 100 {
        return Err(ApiError::field(
            "abc_b_percent",
            "A and B together must not exceed 100 percent",
        ));
    }
    if let Some(bands) = patch.tier_bands {
        found.tier_basis = bands.basis.as_str().into();
        found.vip_min = bands.vip_min;
        found.major_min = bands.major_min;
        found.ordinary_min = bands.ordinary_min;
    }
    if let Some(years) = patch.projection_years {
        found.projection_years = years;
    }
    if let Some(currency) = patch.currency {
        found.currency = currency;
    }
    found.updated_at = now;
    let saved = settings::save(txn, found).await?;
    recompute(txn, ctx.tenant_id, Some(ctx.actor), now).await?;
    Ok(saved)
}
