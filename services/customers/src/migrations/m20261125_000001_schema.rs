//! Customers, their tags, lifecycle changes, contacts, value records and the tenant's
//! classification settings. `tenant_id` leads every index.

use kefu_platform::schema::*;
use sea_orm_migration::prelude::*;

/// Creates the customers schema.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000001_customers_schema"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for statement in [
            table(
                "customers",
                vec![
                    id("id"),
                    uuid("tenant_id"),
                    text("kind"),
                    text("name"),
                    text_null("industry"),
                    text_null("region"),
                    text_null("size"),
                    text_null("address"),
                    text_null("source_channel"),
                    uuid_null("owner_id"),
                    text("tags"),
                    text("notes"),
                    text("background"),
                    text("needs"),
                    text("lifecycle"),
                    time("lifecycle_changed_at"),
                    text_null("marketing_type"),
                    text_null("management_class"),
                    text_null("position"),
                    text_null("relationship_level"),
                    text_null("abc_class"),
                    text_null("tier"),
                    text_null("service_level"),
                    text("customer_since"),
                    text_null("external_id"),
                    uuid_null("merged_into"),
                    time_null("deleted_at"),
                    int("version"),
                    time("created_at"),
                    time("updated_at"),
                ],
            ),
            table(
                "customer_tags",
                vec![uuid("tenant_id"), text("tag"), uuid("customer_id")],
            ),
            table(
                "customer_lifecycle_changes",
                vec![
                    id("id"),
                    uuid("tenant_id"),
                    uuid("customer_id"),
                    text_null("from_stage"),
                    text("to_stage"),
                    uuid_null("actor_id"),
                    time("at"),
                ],
            ),
            table(
                "contacts",
                vec![
                    id("id"),
                    uuid("tenant_id"),
                    uuid("customer_id"),
                    text("name"),
                    text_null("role"),
                    text_null("phone"),
                    text_null("email"),
                    flag("emergency"),
                    text_null("preferred_channel"),
                    int("version"),
                    time("created_at"),
                    time("updated_at"),
                ],
            ),
            table(
                "value_records",
                vec![
                    id("id"),
                    uuid("tenant_id"),
                    uuid("customer_id"),
                    int("year"),
                    text("currency"),
                    int("annual_sales"),
                    int("revenue"),
                    int("cost"),
                    int("version"),
                    time("created_at"),
                    time("updated_at"),
                ],
            ),
            table(
                "customer_settings",
                vec![
                    id("tenant_id"),
                    int("abc_a_percent"),
                    int("abc_b_percent"),
                    text("tier_basis"),
                    int("vip_min"),
                    int("major_min"),
                    int("ordinary_min"),
                    int("projection_years"),
                    text("currency"),
                    int("version"),
                    time("updated_at"),
                ],
            ),
        ] {
            m.create_table(statement).await?;
        }
        for statement in [
            index(
                "ix_customers_tenant",
                "customers",
                &["tenant_id", "id"],
                false,
            ),
            index(
                "ix_customers_lifecycle",
                "customers",
                &["tenant_id", "lifecycle", "id"],
                false,
            ),
            index(
                "ix_customers_tier",
                "customers",
                &["tenant_id", "tier", "id"],
                false,
            ),
            index(
                "ix_customers_abc",
                "customers",
                &["tenant_id", "abc_class", "id"],
                false,
            ),
            index(
                "ix_customers_owner",
                "customers",
                &["tenant_id", "owner_id", "id"],
                false,
            ),
            index(
                "ux_customers_external_id",
                "customers",
                &["tenant_id", "external_id"],
                true,
            ),
            index(
                "ux_customer_tags",
                "customer_tags",
                &["tenant_id", "tag", "customer_id"],
                true,
            ),
            index(
                "ix_customer_tags_customer",
                "customer_tags",
                &["tenant_id", "customer_id"],
                false,
            ),
            index(
                "ix_customer_lifecycle_changes",
                "customer_lifecycle_changes",
                &["tenant_id", "customer_id", "at"],
                false,
            ),
            index(
                "ix_contacts_customer",
                "contacts",
                &["tenant_id", "customer_id", "id"],
                false,
            ),
            index(
                "ux_value_records_year",
                "value_records",
                &["tenant_id", "customer_id", "year"],
                true,
            ),
        ] {
            m.create_index(statement).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for name in [
            "customer_settings",
            "value_records",
            "contacts",
            "customer_lifecycle_changes",
            "customer_tags",
            "customers",
        ] {
            m.drop_table(Table::drop().table(Alias::new(name)).to_owned())
                .await?;
        }
        Ok(())
    }
}
