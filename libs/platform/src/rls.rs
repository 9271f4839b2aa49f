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

/// The advisory lock that serialises [`apply`] between replicas of one database.
const SETUP_LOCK: i64 = 7_434_122;

/// How long [`apply`] waits for a table lock when it has a table to change.
const SETUP_LOCK_TIMEOUT: &str = "5s";

/// How many times [`apply`] tries before the start fails.
const SETUP_ATTEMPTS: u32 = 5;

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
    // The role and its grant are cluster-wide, so services on other databases change the
    // same catalogue rows at the same moment on a first install, and PostgreSQL answers
    // the loser "tuple concurrently updated". By the next attempt the winner has committed
    // and there is nothing left to change.
    let mut attempt = 1;
    loop {
        match run_setup(db).await {
            Ok(()) => return Ok(()),
            Err(error) if attempt < SETUP_ATTEMPTS => {
                tracing::warn!(%error, attempt, "setting up row-level security, retrying");
                tokio::time::sleep(std::time::Duration::from_millis(200 * attempt as u64)).await;
                attempt += 1;
            }
            Err(error) => return Err(error),
        }
    }
}

async fn run_setup(db: &DatabaseConnection) -> Result<(), DbErr> {
    for (n, sql) in setup_statements().into_iter().enumerate() {
        db.execute(Statement::from_string(DbBackend::Postgres, sql))
            .await
            .map_err(|error| {
                DbErr::Custom(format!("row-level security setup, step {}: {error}", n + 1))
            })?;
    }
    Ok(())
}

/// The SQL of [`apply`], in order.
///
/// Every service starts it, and so does every replica, often at the same moment and
/// while others serve traffic. So it changes only what is missing: once in place, a
/// start reads the catalogue and takes no table lock (an `ALTER TABLE` or `CREATE POLICY`
/// takes an exclusive lock that would queue behind, and then in front of, live
/// transactions). What is missing is done under a per-database advisory lock, so
/// replicas do not race on the same catalogue rows, and a lock timeout, so a busy table
/// fails the start with an error rather than stalling every query on it.
fn setup_statements() -> Vec<String> {
    // Spelled inside a quoted `format()` argument below, hence the doubled quotes.
    let tenant = format!("NULLIF(current_setting(''{TENANT_SETTING}'', true), '''')::uuid");
    vec![
        // The role is cluster-wide: services on other databases create it too.
        format!(
            "DO $$ BEGIN
                IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{REQUEST_ROLE}') THEN
                    CREATE ROLE {REQUEST_ROLE} NOLOGIN NOSUPERUSER NOBYPASSRLS NOINHERIT;
                END IF;
            EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
            END $$"
        ),
        // The service's user must be able to switch to the role (a superuser can anyway);
        // services sharing one user grant it at the same moment on first install.
        format!(
            "DO $$ BEGIN
                IF NOT pg_has_role(current_user, '{REQUEST_ROLE}', 'MEMBER') THEN
                    EXECUTE format('GRANT {REQUEST_ROLE} TO %I', current_user);
                END IF;
            EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
            END $$"
        ),
        format!(
            "DO $$
            DECLARE
                r record;
                roles name[];
            BEGIN
                PERFORM set_config('lock_timeout', '{SETUP_LOCK_TIMEOUT}', true);
                PERFORM pg_advisory_xact_lock({SETUP_LOCK});
                IF NOT has_schema_privilege('{REQUEST_ROLE}', 'public', 'USAGE') THEN
                    GRANT USAGE ON SCHEMA public TO {REQUEST_ROLE};
                END IF;
                -- has_*_privilege is true when any one of a list is held: each is asked.
                FOR r IN
                    SELECT c.oid, c.relname, c.relkind FROM pg_class c
                    JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'S')
                LOOP
                    IF r.relkind = 'S' THEN
                        IF NOT (has_sequence_privilege('{REQUEST_ROLE}', r.oid, 'USAGE')
                                AND has_sequence_privilege('{REQUEST_ROLE}', r.oid, 'SELECT')) THEN
                            EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE %I TO {REQUEST_ROLE}', r.relname);
                        END IF;
                    ELSIF NOT (has_table_privilege('{REQUEST_ROLE}', r.oid, 'SELECT')
                               AND has_table_privilege('{REQUEST_ROLE}', r.oid, 'INSERT')
                               AND has_table_privilege('{REQUEST_ROLE}', r.oid, 'UPDATE')
                               AND has_table_privilege('{REQUEST_ROLE}', r.oid, 'DELETE')) THEN
                        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO {REQUEST_ROLE}', r.relname);
                    END IF;
                END LOOP;
                FOR r IN
                    SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c
                    JOIN pg_namespace n ON n.oid = c.relnamespace
                    JOIN pg_attribute a ON a.attrelid = c.oid
                    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
                      AND a.attname = 'tenant_id' AND NOT a.attisdropped
                LOOP
                    IF NOT r.relrowsecurity THEN
                        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', r.relname);
                    END IF;
                    IF NOT r.relforcerowsecurity THEN
                        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', r.relname);
                    END IF;
                    IF NOT EXISTS (SELECT 1 FROM pg_policies WHERE schemaname = 'public'
                                   AND tablename = r.relname AND policyname = 'kefu_tenant') THEN
                        EXECUTE format(
                            'CREATE POLICY kefu_tenant ON %I TO {REQUEST_ROLE} USING (tenant_id = {tenant}) WITH CHECK (tenant_id = {tenant})',
                            r.relname);
                    END IF;
                    -- The service policy names every user the service has run as, so a
                    -- rotated database user still sees its rows in the workers.
                    SELECT p.roles INTO roles FROM pg_policies p WHERE p.schemaname = 'public'
                        AND p.tablename = r.relname AND p.policyname = 'kefu_service';
                    IF NOT FOUND THEN
                        EXECUTE format(
                            'CREATE POLICY kefu_service ON %I TO %I USING (true) WITH CHECK (true)',
                            r.relname, current_user);
                    ELSIF NOT (current_user::name = ANY (roles)) THEN
                        EXECUTE format('ALTER POLICY kefu_service ON %I TO %s', r.relname,
                            (SELECT string_agg(quote_ident(x), ', ')
                             FROM unnest(roles || current_user::name) AS x));
                    END IF;
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
