//! PostgreSQL row-level security: the second lock behind the stores' own `tenant_id`
//! filters (ARCHITECTURE.md "two database roles").
//!
//! Every table with a `tenant_id` column has RLS enabled and forced. A request that
//! has shown a tenant token runs its statements as [`REQUEST_ROLE`] (no superuser, no
//! `BYPASSRLS`) with `kefu.tenant_id` set to that tenant, so it can read and write that
//! tenant's rows only. Everything else — background workers, sign-up, log-in — runs as
//! the service's own database user, for which a permissive policy lets all rows through.
//!
//! The role and tenant are set on every checkout of a pooled connection (see
//! [`checkout_statement`]), so a connection never carries one request's tenant into
//! the next checkout, whoever makes it.

use std::cell::Cell;
use std::future::Future;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement};
use uuid::Uuid;

/// The role request-path statements run as.
pub const REQUEST_ROLE: &str = "kefu_request";

/// The setting the policies compare `tenant_id` with.
pub const TENANT_SETTING: &str = "kefu.tenant_id";

/// Whether row-level security is on: it is unless `KEFU_ROW_LEVEL_SECURITY=off`, which
/// exists to measure what it costs (`kefu-bench rls`) and for a server where the
/// service's user may not create roles.
pub fn enabled() -> bool {
    !std::env::var("KEFU_ROW_LEVEL_SECURITY").is_ok_and(|v| v.eq_ignore_ascii_case("off"))
}

tokio::task_local! {
    /// The tenant of the request this task is serving, once its token is verified.
    static TENANT: Cell<Option<Uuid>>;
}

/// Runs `request` with room for a tenant that [`enter`] fills in once it is known.
pub async fn scope<F: Future>(request: F) -> F::Output {
    TENANT.scope(Cell::new(None), request).await
}

/// From now on, this request's statements act for `tenant` (no-op outside [`scope`]).
pub fn enter(tenant: Uuid) {
    let _ = TENANT.try_with(|current| current.set(Some(tenant)));
}

/// The tenant the current request acts for, if any.
pub fn current() -> Option<Uuid> {
    TENANT.try_with(Cell::get).ok().flatten()
}

/// The statement a connection runs when it is checked out of the pool: the request
/// role and tenant for a tenant's request, the service's own role and no tenant
/// otherwise. Session-level on purpose: it lasts until the next checkout resets it.
pub fn checkout_statement(tenant: Option<Uuid>) -> String {
    match tenant {
        Some(tenant) => format!(
            "SELECT set_config('role', '{REQUEST_ROLE}', false), \
             set_config('{TENANT_SETTING}', '{tenant}', false)"
        ),
        None => format!(
            "SELECT set_config('role', 'none', false), set_config('{TENANT_SETTING}', '', false)"
        ),
    }
}

/// Creates the request role, grants it the tables, and puts every `tenant_id` table
/// under forced RLS with the two policies. Idempotent; run after each migration, so a
/// table added later is covered the next time the service starts.
pub async fn apply(db: &DatabaseConnection) -> Result<(), DbErr> {
    if db.get_database_backend() != DbBackend::Postgres || !enabled() {
        return Ok(());
    }
    for sql in setup_statements() {
        db.execute(Statement::from_string(DbBackend::Postgres, sql))
            .await?;
    }
    Ok(())
}

/// The SQL of [`apply`], in order.
fn setup_statements() -> Vec<String> {
    // Spelled inside a quoted `format()` argument below, hence the doubled quotes.
    let tenant = format!("NULLIF(current_setting(''{TENANT_SETTING}'', true), '''')::uuid");
    vec![
        // Several services (and replicas) start at once against one server: a role
        // another one created a moment ago is fine.
        format!(
            "DO $$ BEGIN
                CREATE ROLE {REQUEST_ROLE} NOLOGIN NOSUPERUSER NOBYPASSRLS NOINHERIT;
            EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
            END $$"
        ),
        // The service's user must be able to switch to the role; a superuser can anyway.
        format!(
            "DO $$ BEGIN
                IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
                    EXECUTE format('GRANT {REQUEST_ROLE} TO %I', current_user);
                END IF;
            END $$"
        ),
        format!("GRANT USAGE ON SCHEMA public TO {REQUEST_ROLE}"),
        format!(
            "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {REQUEST_ROLE}"
        ),
        format!("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {REQUEST_ROLE}"),
        format!(
            "DO $$
            DECLARE t text;
            BEGIN
                FOR t IN
                    SELECT c.relname FROM pg_class c
                    JOIN pg_namespace n ON n.oid = c.relnamespace
                    JOIN pg_attribute a ON a.attrelid = c.oid
                    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
                      AND a.attname = 'tenant_id' AND NOT a.attisdropped
                LOOP
                    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
                    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
                    BEGIN
                        EXECUTE format(
                            'CREATE POLICY kefu_tenant ON %I TO {REQUEST_ROLE} USING (tenant_id = {tenant}) WITH CHECK (tenant_id = {tenant})',
                            t);
                    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
                    END;
                    BEGIN
                        EXECUTE format(
                            'CREATE POLICY kefu_service ON %I TO %I USING (true) WITH CHECK (true)',
                            t, current_user);
                    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
                    END;
                END LOOP;
            END $$"
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_tenant_entered_inside_a_scope_is_seen_there_only() {
        assert_eq!(current(), None);
        let tenant = Uuid::now_v7();
        let seen = scope(async {
            let before = current();
            enter(tenant);
            (before, current())
        })
        .await;
        assert_eq!(seen, (None, Some(tenant)));
        enter(tenant);
        assert_eq!(current(), None, "outside a scope nothing is kept");
    }

    #[test]
    fn a_checkout_sets_the_role_and_tenant_or_resets_both() {
        let tenant = Uuid::nil();
        let with = checkout_statement(Some(tenant));
        assert!(with.contains("'role', 'kefu_request'"));
        assert!(with.contains(&format!("'kefu.tenant_id', '{tenant}'")));
        let without = checkout_statement(None);
        assert!(without.contains("'role', 'none'"));
        assert!(without.contains("'kefu.tenant_id', ''"));
    }
}
