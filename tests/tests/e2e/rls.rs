//! QUALITY.md check 9, the row-level security backstop on PostgreSQL: the request
//! role is neither superuser nor BYPASSRLS, every tenant table of every service has
//! RLS enabled and forced, a statement with no tenant set sees nothing, one with a
//! tenant sees that tenant's rows only, and a pooled connection never carries a tenant
//! into the next checkout.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, TransactionTrait};
use serde_json::json;

use crate::suite;

async fn rows(db: &impl ConnectionTrait, sql: &str) -> Vec<sea_orm::QueryResult> {
    db.query_all(Statement::from_string(DbBackend::Postgres, sql))
        .await
        .unwrap()
}

async fn count(db: &impl ConnectionTrait, sql: &str) -> i64 {
    rows(db, sql).await[0].try_get_by_index::<i64>(0).unwrap()
}

/// (role, tenant setting) a checkout of `db` runs with.
async fn identity(db: &DatabaseConnection) -> (String, String) {
    let row = &rows(
        db,
        "SELECT current_user::text, current_setting('kefu.tenant_id', true)",
    )
    .await[0];
    (
        row.try_get_by_index(0).unwrap(),
        row.try_get_by_index::<Option<String>>(1)
            .unwrap()
            .unwrap_or_default(),
    )
}

/// The suite started in-process on PostgreSQL; `None` (said on stderr) on SQLite or
/// against an outside suite, where there is no backstop to look at.
async fn postgres_suite() -> Option<suite::Running> {
    if kefu_testkit::postgres_server().is_none() || suite::skipped_outside("rls backstop") {
        kefu_testkit::skipped(
            "row-level security",
            "PostgreSQL only (KEFU_TEST_DATABASE_URL)",
        );
        return None;
    }
    Some(suite::start().await)
}

/// The tickets service's database URL.
fn tickets_database(suite: &suite::Running) -> &str {
    &suite
        .databases
        .iter()
        .find(|(service, _)| *service == "tickets")
        .expect("the suite started tickets")
        .1
}

#[tokio::test]
async fn row_level_security_is_a_second_lock_behind_the_stores() {
    let Some(suite) = postgres_suite().await else {
        return;
    };
    let mut tickets = Vec::new();
    for name in ["rls-a", "rls-b"] {
        let slug = kefu_testkit::unique_slug(name);
        let (signed_up, owner) = suite
            .sign_up(&slug, "UTC", &format!("owner@{slug}.example"))
            .await;
        let ticket = owner
            .post(
                "/api/v1/tickets",
                &json!({"subject": "Line down", "type": "incident", "channel": "phone"}),
            )
            .await
            .expect(201);
        tickets.push((
            signed_up["tenant"]["id"].as_str().unwrap().to_string(),
            ticket["id"].as_str().unwrap().to_string(),
        ));
    }
    let [(tenant_a, ticket_a), (_, ticket_b)] = [tickets[0].clone(), tickets[1].clone()];

    for (service, url) in &suite.databases {
        let db = kefu_platform::db::connect(url).await.unwrap();
        let role = &rows(
            &db,
            "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = 'kefu_request'",
        )
        .await[0];
        assert_eq!(
            (
                role.try_get_by_index::<bool>(0).unwrap(),
                role.try_get_by_index::<bool>(1).unwrap()
            ),
            (false, false),
            "{service}: the request role may bypass RLS"
        );
        let tables = rows(
            &db,
            "SELECT c.relname::text, c.relrowsecurity AND c.relforcerowsecurity,
                    (SELECT count(*) FROM pg_policies p WHERE p.tablename = c.relname
                        AND p.policyname IN ('kefu_tenant', 'kefu_service'))
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             JOIN pg_attribute a ON a.attrelid = c.oid
             WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attname = 'tenant_id'",
        )
        .await;
        assert!(
            tables.len() >= 3,
            "{service}: only {} tenant tables",
            tables.len()
        );
        for table in &tables {
            let name: String = table.try_get_by_index(0).unwrap();
            assert!(
                table.try_get_by_index::<bool>(1).unwrap(),
                "{service}.{name}: RLS not enabled and forced"
            );
            assert_eq!(
                table.try_get_by_index::<i64>(2).unwrap(),
                2,
                "{service}.{name}: policies missing"
            );
        }
    }

    let url = tickets_database(&suite);
    let db = kefu_platform::db::connect(url).await.unwrap();
    let both = format!("SELECT count(*) FROM tickets WHERE id IN ('{ticket_a}', '{ticket_b}')");
    // The service's own role (workers) sees every tenant.
    assert_eq!(count(&db, &both).await, 2);

    // The request role with no tenant set sees nothing.
    let txn = db.begin().await.unwrap();
    txn.execute_unprepared("SET LOCAL ROLE kefu_request; SET LOCAL kefu.tenant_id = ''")
        .await
        .unwrap();
    assert_eq!(count(&txn, &both).await, 0);
    txn.rollback().await.unwrap();

    // A request of tenant A sees and changes A's rows only.
    let tenant: uuid::Uuid = tenant_a.parse().unwrap();
    let (seen, changed) = kefu_platform::rls::scope(async {
        kefu_platform::rls::enter(tenant);
        let seen = rows(
            &db,
            &format!("SELECT id::text FROM tickets WHERE id IN ('{ticket_a}', '{ticket_b}')"),
        )
        .await;
        let changed = db
            .execute_unprepared(&format!(
                "UPDATE tickets SET subject = 'taken over' WHERE id = '{ticket_b}'"
            ))
            .await
            .unwrap()
            .rows_affected();
        (seen, changed)
    })
    .await;
    let seen: Vec<String> = seen
        .iter()
        .map(|r| r.try_get_by_index(0).unwrap())
        .collect();
    assert_eq!(seen, std::slice::from_ref(&ticket_a));
    assert_eq!(changed, 0, "tenant A changed tenant B's ticket");

    // Checkouts alternate between a tenant's request and a worker: none inherits the
    // other's role or tenant (the pool hands the same few connections around).
    for _ in 0..20 {
        let inside = kefu_platform::rls::scope(async {
            kefu_platform::rls::enter(tenant);
            identity(&db).await
        })
        .await;
        assert_eq!(inside, ("kefu_request".to_string(), tenant_a.clone()));
        let outside = identity(&db).await;
        assert_ne!(outside.0, "kefu_request");
        assert_eq!(outside.1, "");
    }
    suite.stop().await;
}

#[tokio::test]
async fn a_restart_applies_the_backstop_beside_live_traffic_and_racing_replicas() {
    let Some(suite) = postgres_suite().await else {
        return;
    };
    let url = tickets_database(&suite);
    let db = kefu_platform::db::connect(url).await.unwrap();
    // A transaction in flight on a tenant table, as traffic during a rolling restart:
    // a start that altered the table would wait for it, and every later query behind it.
    let busy = db.begin().await.unwrap();
    busy.execute(Statement::from_string(
        DbBackend::Postgres,
        "LOCK TABLE tickets IN ROW EXCLUSIVE MODE",
    ))
    .await
    .unwrap();
    let replicas = futures_util::future::join_all((0..3).map(|_| async {
        let replica = kefu_platform::db::connect(url).await.unwrap();
        kefu_platform::rls::apply(&replica).await
    }));
    let applied = tokio::time::timeout(std::time::Duration::from_secs(20), replicas)
        .await
        .expect("applying the backstop again waited on a live transaction");
    for result in applied {
        result.expect("three replicas applying the backstop at once");
    }
    busy.rollback().await.unwrap();
    suite.stop().await;
}
