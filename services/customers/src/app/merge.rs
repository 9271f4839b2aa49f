//! Merging two records of one customer: the survivor takes everything the other had,
//! the merged-away record points to it, and other services hear of it.

use chrono::{DateTime, Utc};
use kefu_events::catalogue::customers::{CustomerMerged, CustomerMergedData};
use kefu_platform::concurrency::IfMatch;
use kefu_platform::ids::TenantId;
use kefu_platform::ApiError;
use sea_orm::DatabaseTransaction;
use uuid::Uuid;

use crate::app::announce::{customer_data, emit};
use crate::domain::ids::CustomerId;
use crate::store::belongings;
use crate::store::customers::CustomerStore;
use crate::store::entities::customer;
use crate::store::values::ValueStore;
use crate::store::{decode_list, encode_list};

/// Value records of the merged-away customer join the survivor's: a year both have is
/// added into the survivor's record (the business was split across the two records).
async fn merge_values(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    merged: Uuid,
    survivor: Uuid,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let store = ValueStore::new(txn, tenant);
    let kept = store.of_customer(survivor).await?;
    for record in store.of_customer(merged).await? {
        match kept.iter().find(|k| k.year == record.year) {
            Some(same_year) => {
                let mut sum = same_year.clone();
                sum.annual_sales = sum.annual_sales.saturating_add(record.annual_sales);
                sum.revenue = sum.revenue.saturating_add(record.revenue);
                sum.cost = sum.cost.saturating_add(record.cost);
                sum.updated_at = now;
                store.save(sum, &IfMatch::Absent).await?;
                store.delete(record.id).await?;
            }
            None => {
                let mut moved = record.clone();
                moved.customer_id = survivor;
                moved.updated_at = now;
                store.save(moved, &IfMatch::Absent).await?;
            }
        }
    }
    Ok(())
}

/// Merges `merged` into `survivor` (both live customers of the tenant): contacts,
/// interactions, value records, agreements, pain points, tickets and survey scores
/// move; tags join; the merged record points to the survivor; `customer.merged`.
pub async fn merge(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    merged: customer::Model,
    survivor: customer::Model,
    actor: Uuid,
    now: DateTime<Utc>,
) -> Result<customer::Model, ApiError> {
    let t = tenant.uuid();
    let (from, to) = (merged.id, survivor.id);
    belongings::move_to(txn, tenant, from, to).await?;
    merge_values(txn, tenant, from, to, now).await?;

    let store = CustomerStore::new(txn, tenant);
    let mut gone = merged.clone();
    gone.merged_into = Some(to);
    gone.updated_at = now;
    store.save(gone).await?;

    let mut kept = survivor.clone();
    let mut tags: Vec<String> = decode_list(&kept.tags);
    tags.extend(decode_list::<String>(&merged.tags));
    tags.sort();
    tags.dedup();
    kept.tags = encode_list(&tags);
    kept.owner_id = kept.owner_id.or(merged.owner_id);
    if kept.customer_since > merged.customer_since {
        kept.customer_since = merged.customer_since.clone();
    }
    kept.updated_at = now;
    store.save(kept).await?;
    crate::app::agreements::refresh_level(txn, tenant, to, now).await?;
    crate::app::recompute::recompute(txn, tenant, Some(actor), now).await?;
    let kept = store
        .get(CustomerId::from(to))
        .await?
        .ok_or(ApiError::NotFound)?;
    let data = CustomerMergedData {
        customer_id: from,
        survivor_id: to,
        survivor: customer_data(&kept),
    };
    emit(txn, t, Some(actor), CustomerMerged(data)).await?;
    Ok(kept)
}
