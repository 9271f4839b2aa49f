//! Response bodies shared by several endpoints.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::plans::{Plan, Quotas};
use crate::store::decode_list;
use crate::store::entities::{tenant, user};

/// A tenant as clients see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a0c4-70d9-7f2a-9944-c9c3269e0d37",
    "slug": "acme",
    "name": "Acme Service Centre",
    "status": "active",
    "plan": "standard",
    "quotas": {"max_users": 50, "requests_per_minute": 600},
    "time_zone": "Asia/Shanghai",
    "locale": "zh-CN",
    "business_hours_calendar": null,
    "version": 3,
    "created_at": "2026-11-02T01:30:00Z",
    "updated_at": "2026-11-16T06:45:00Z"
}))]
pub struct TenantView {
    /// Tenant id.
    pub id: Uuid,
    /// Unique slug, used at login.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// `active`, `suspended` or `deleted`.
    pub status: String,
    /// Plan.
    pub plan: String,
    /// Quotas of the plan.
    pub quotas: Quotas,
    /// IANA time zone.
    pub time_zone: String,
    /// BCP 47 locale.
    pub locale: String,
    /// Default business-hours calendar id (tickets service), if set.
    pub business_hours_calendar: Option<String>,
    /// Optimistic-concurrency version (also the ETag).
    pub version: i64,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Last changed at.
    pub updated_at: DateTime<Utc>,
    /// When an operator deleted the tenant, if it is deleted.
    pub deleted_at: Option<DateTime<Utc>>,
}

impl From<tenant::Model> for TenantView {
    fn from(t: tenant::Model) -> Self {
        let quotas = Plan::parse(&t.plan).unwrap_or(Plan::Free).quotas();
        Self {
            id: t.id,
            slug: t.slug,
            name: t.name,
            status: t.status,
            plan: t.plan,
            quotas,
            time_zone: t.time_zone,
            locale: t.locale,
            business_hours_calendar: t.business_hours_calendar,
            version: t.version,
            created_at: t.created_at,
            updated_at: t.updated_at,
            deleted_at: t.deleted_at,
        }
    }
}

/// A user as clients see it (never the password hash).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a0c4-f177-7f28-a85c-2cce39263059",
    "tenant_id": "0193a0c4-70d9-7f2a-9944-c9c3269e0d37",
    "email": "zhang.min@acme.example",
    "name": "Zhang Min",
    "phone": "+86 10 5555 0101",
    "status": "active",
    "roles": ["agent"],
    "team_ids": ["0193a0c4-e88b-70f2-a430-64b3d3ac94af"],
    "customer_id": null,
    "last_login_at": "2026-11-23T00:58:12Z",
    "version": 3,
    "created_at": "2026-11-02T02:15:00Z",
    "updated_at": "2026-11-10T03:20:00Z"
}))]
pub struct UserView {
    /// User id.
    pub id: Uuid,
    /// Tenant id.
    pub tenant_id: Uuid,
    /// Email, unique in the tenant.
    pub email: String,
    /// Full name.
    pub name: String,
    /// Phone number.
    pub phone: Option<String>,
    /// `invited`, `active` or `disabled`.
    pub status: String,
    /// Role keys.
    pub roles: Vec<String>,
    /// Teams the user belongs to.
    pub team_ids: Vec<Uuid>,
    /// The customer a portal user belongs to.
    pub customer_id: Option<Uuid>,
    /// Last successful login.
    pub last_login_at: Option<DateTime<Utc>>,
    /// Optimistic-concurrency version (also the ETag).
    pub version: i64,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Last changed at.
    pub updated_at: DateTime<Utc>,
}

impl UserView {
    /// The view of a user with their teams.
    pub fn new(u: user::Model, team_ids: Vec<Uuid>) -> Self {
        Self {
            id: u.id,
            tenant_id: u.tenant_id,
            email: u.email,
            name: u.name,
            phone: u.phone,
            status: u.status,
            roles: decode_list(&u.roles),
            team_ids,
            customer_id: u.customer_id,
            last_login_at: u.last_login_at,
            version: u.version,
            created_at: u.created_at,
            updated_at: u.updated_at,
        }
    }
}

/// A page of users.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [
        {
            "id": "0193a0c4-c6e8-7160-9ac3-55266f03675a",
            "tenant_id": "0193a0c4-70d9-7f2a-9944-c9c3269e0d37",
            "email": "li.wei@acme.example",
            "name": "Li Wei",
            "phone": null,
            "status": "active",
            "roles": ["owner"],
            "team_ids": [],
            "customer_id": null,
            "last_login_at": "2026-11-23T01:05:41Z",
            "version": 2,
            "created_at": "2026-11-02T01:30:00Z",
            "updated_at": "2026-11-12T02:00:00Z"
        },
        {
            "id": "0193a0c4-f177-7f28-a85c-2cce39263059",
            "tenant_id": "0193a0c4-70d9-7f2a-9944-c9c3269e0d37",
            "email": "zhang.min@acme.example",
            "name": "Zhang Min",
            "phone": "+86 10 5555 0101",
            "status": "active",
            "roles": ["agent"],
            "team_ids": ["0193a0c4-e88b-70f2-a430-64b3d3ac94af"],
            "customer_id": null,
            "last_login_at": "2026-11-23T00:58:12Z",
            "version": 3,
            "created_at": "2026-11-02T02:15:00Z",
            "updated_at": "2026-11-10T03:20:00Z"
        }
    ],
    "next_cursor": "AZOgxPF3fyioXCzOOSYwWQ"
}))]
pub struct UserPage {
    /// The users of this page.
    pub items: Vec<UserView>,
    /// Cursor of the next page, or null.
    pub next_cursor: Option<String>,
}
