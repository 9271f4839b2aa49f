//! Which tenant a piece of work acts for, as a proof rather than a number
//! (ARCHITECTURE.md "tenant scoping is impossible to forget").
//!
//! A [`TenantId`] cannot be made from a bare UUID outside this crate. There are three
//! ways to hold one: a verified token ([`crate::Authz`]), a consumed event's envelope
//! (the events crate calls [`TenantScope::for_worker`] with the envelope's tenant), or
//! a worker that names why it acts for a tenant it found in its own cross-tenant scan
//! ([`TenantScope::for_worker`]); and in accounts, a secret found with its tenant (a
//! password, a reset or invitation token: [`TenantScope::by_credential`]). A brand-new tenant's id ([`TenantId::new`]) owns no
//! rows yet, so making one proves nothing and needs no proof.
//!
//! Stores are built from a `TenantId`, so every query they run is one tenant's.
//! [`TenantScope::enter`] puts that tenant under PostgreSQL row-level security for the
//! work it wraps, as the request middleware does for a request.

use std::future::Future;

use serde::Serialize;
use uuid::Uuid;

/// A tenant (client company), proven by a token, an event or a named worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct TenantId(Uuid);

impl TenantId {
    /// The id of a tenant being created now (sign-up, an operator's new tenant).
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        Self(Uuid::now_v7())
    }

    /// One the platform has verified (a token's `tid`).
    pub(crate) fn verified(tenant: Uuid) -> Self {
        Self(tenant)
    }

    /// The underlying UUID, for a column or a log line.
    pub fn uuid(&self) -> Uuid {
        self.0
    }
}

impl std::fmt::Display for TenantId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl From<TenantId> for Uuid {
    fn from(id: TenantId) -> Self {
        id.0
    }
}

// Lets a query compare a `tenant_id` column with the proof itself.
impl From<TenantId> for sea_orm::Value {
    fn from(id: TenantId) -> Self {
        id.0.into()
    }
}

impl utoipa::PartialSchema for TenantId {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                utoipa::openapi::KnownFormat::Uuid,
            )))
            .description(Some("TenantId (UUIDv7)"))
            .into()
    }
}

impl utoipa::ToSchema for TenantId {}

/// The tenant a piece of work acts for, and why it may.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TenantScope {
    tenant: TenantId,
    why: &'static str,
}

impl TenantScope {
    /// A request's, from its verified token.
    pub(crate) fn of_request(tenant: TenantId) -> Self {
        Self {
            tenant,
            why: "request",
        }
    }

    /// A worker's: a consumer acting on an event of `tenant`, or a job acting on a row
    /// it found in its cross-tenant scan. `why` names the worker, for logs and review;
    /// it is the one way from a bare UUID to a tenant, so every call is worth reading.
    pub fn for_worker(tenant: Uuid, why: &'static str) -> Self {
        Self {
            tenant: TenantId(tenant),
            why,
        }
    }

    /// A caller's who showed a secret that only this tenant's people hold: a password
    /// at log-in, a refresh, reset or invitation token, found by that secret; or an
    /// operator acting on a tenant by its id. `what` names the secret.
    pub fn by_credential(tenant: Uuid, what: &'static str) -> Self {
        Self {
            tenant: TenantId(tenant),
            why: what,
        }
    }

    /// The tenant.
    pub fn tenant(&self) -> TenantId {
        self.tenant
    }

    /// Who acts: `request`, or the worker's name.
    pub fn why(&self) -> &'static str {
        self.why
    }

    /// Runs `work` acting for this tenant under row-level security: connections it
    /// checks out of the pool see and write this tenant's rows only (PostgreSQL). A
    /// connection or transaction checked out before is not affected, so `work` begins
    /// its own.
    pub async fn enter<F: Future>(&self, work: F) -> F::Output {
        let tenant = self.tenant.uuid();
        crate::rls::scope(async move {
            crate::rls::enter(tenant);
            work.await
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_tenant_is_v7_and_serialises_as_its_uuid() {
        let id = TenantId::new();
        assert_eq!(id.uuid().get_version_num(), 7);
        let json = serde_json::to_string(&id).expect("serialises");
        assert_eq!(json, format!("\"{id}\""));
    }

    #[tokio::test]
    async fn entering_a_scope_sets_the_row_level_security_tenant_inside_only() {
        let tenant = Uuid::now_v7();
        let scope = TenantScope::for_worker(tenant, "test");
        assert_eq!(scope.tenant().uuid(), tenant);
        assert_eq!(scope.why(), "test");
        let inside = scope.enter(async { crate::rls::current() }).await;
        assert_eq!(inside, Some(tenant));
        assert_eq!(crate::rls::current(), None);
    }
}
