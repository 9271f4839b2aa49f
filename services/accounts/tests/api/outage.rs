//! QUALITY.md check 7 for accounts: with the database unreachable, requests fail
//! fast with a 503 problem, liveness stays up, readiness goes down, and the
//! service recovers by itself. Runs against PostgreSQL, through a proxy the test
//! can cut (never the shared server itself).

use std::time::{Duration, Instant};

use crate::helpers::{spawn_app_with, TestApp};

/// The app on a fresh database reached through a proxy, or `None` on SQLite.
async fn app_behind_proxy() -> Option<(TestApp, kefu_testkit::TcpProxy)> {
    let server = kefu_testkit::postgres_server()?;
    let direct = kefu_testkit::fresh_database_url("accounts").await.unwrap();
    let authority = server.rsplit('@').next().unwrap().to_string();
    let proxy = kefu_testkit::TcpProxy::start(&authority).await.unwrap();
    let proxied = direct.replace(&authority, &format!("127.0.0.1:{}", proxy.port));
    let app = spawn_app_with(|settings| settings.database_url = proxied).await;
    Some((app, proxy))
}

#[tokio::test]
async fn database_outage_is_a_fast_503_and_the_service_recovers() {
    let Some((app, proxy)) = app_behind_proxy().await else {
        kefu_testkit::skipped(
            "database outage",
            "runs on PostgreSQL only (KEFU_TEST_DATABASE_URL)",
        );
        return;
    };
    let tenant = app.tenant().await;
    let me = app.as_token(&tenant.token);
    me.get("/api/v1/users/me").await.expect(200);

    proxy.cut();
    let started = Instant::now();
    let down = me.get("/api/v1/users/me").await;
    let took = started.elapsed();
    let alive = app.client().get("/healthz").await;
    let ready = app.client().get("/readyz").await;

    down.expect_problem(503, "service_unavailable");
    assert!(down.header("retry-after").is_some());
    assert!(took <= Duration::from_millis(2500), "the 503 took {took:?}");
    alive.expect(200);
    assert_eq!(ready.expect(503)["checks"]["database"], "down");

    proxy.restore();
    let mut recovered = false;
    for _ in 0..40 {
        if me.get("/api/v1/users/me").await.status == 200 {
            recovered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(
        recovered,
        "the service did not recover after the database came back"
    );
    app.client().get("/readyz").await.expect(200);
}
