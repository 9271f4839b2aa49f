//! `list`: filtered ticket lists over a large tenant, through the tickets API.
//!
//! The data set is generated in bulk by SQL (deterministic: every value derives from
//! the row number), not through the API, so setup takes minutes. Each filter is timed
//! through HTTP with a valid token, on the big tenant and, as the baseline measured in
//! the same run, on an empty tenant (the cost of HTTP, the token and an empty query).

use std::time::{Duration, Instant};

use kefu_testkit::TestKeys;
use sea_orm::{ConnectionTrait, Statement};
use uuid::Uuid;

use crate::stats::{ms, percentile};

const ROUNDS: usize = 200;

/// The filters an agent's working queues use.
const FILTERS: &[(&str, &str)] = &[
    ("unsolved queue", "status=new,open"),
    ("my open tickets", "assignee_id={agent}&status=open,pending"),
    ("team queue", "team_id={team}&status=new,open"),
    ("vip high priority", "tag=vip&priority=high"),
    ("customer history", "customer_id={customer}"),
    ("created last week", "created_from={week_ago}"),
    ("second page", "status=new,open&limit=50&cursor={cursor}"),
    (
        "words in subject or description",
        "q=printer%20jam&status=new,open",
    ),
];

/// Runs the scenario and prints its figures.
pub async fn run() -> anyhow::Result<()> {
    let tickets: i64 = std::env::var("KEFU_BENCH_TICKETS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    anyhow::ensure!(
        kefu_testkit::postgres_server().is_some(),
        "the list bench needs KEFU_TEST_DATABASE_URL (PostgreSQL)"
    );
    let url = kefu_testkit::fresh_database_url("bench").await?;
    let settings = kefu_tickets::Settings::for_tests(&url, "http://bench");
    let state = kefu_tickets::build_state(settings).await?;
    let big = Uuid::from_u128(0xb16);
    let started = Instant::now();
    generate(&state.db, big, tickets, 1_000, 200).await?;
    println!(
        "list: generated {tickets} tickets in one tenant and 200 000 in 1 000 others in {:.0} s",
        started.elapsed().as_secs_f64()
    );

    let keys = TestKeys::generate("http://bench")?;
    let server = kefu_testkit::spawn_service(kefu_tickets::spec(state.clone(), keys.verifier()))?;
    let scopes = ["tickets:read"];
    let big_client = server.client().with_token(&keys.token(big, &scopes));
    let empty_client = server
        .client()
        .with_token(&keys.token(Uuid::now_v7(), &scopes));
    let first = big_client
        .get("/api/v1/tickets?status=new,open&limit=50")
        .await;
    let cursor = first.json()["next_cursor"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let week_ago = (chrono::Utc::now() - chrono::Duration::days(7))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let fill = |query: &str| {
        query
            .replace("{agent}", &agent(big, 7).to_string())
            .replace("{team}", &team(big, 3).to_string())
            .replace("{customer}", &customer(big, 42).to_string())
            .replace("{week_ago}", &week_ago)
            .replace("{cursor}", &cursor)
    };
    let mut all_big = Vec::new();
    let mut all_empty = Vec::new();
    for (name, query) in FILTERS {
        let path = format!("/api/v1/tickets?{}", fill(query));
        let big_times = time(&big_client, &path).await?;
        let empty_times = time(&empty_client, &path).await?;
        let (b95, e95) = (percentile(&big_times, 95.0), percentile(&empty_times, 95.0));
        println!(
            "list {name}: p95 {} with {tickets} tickets / {} on an empty tenant = {:.1}x (p50 {})",
            ms(b95),
            ms(e95),
            b95.as_secs_f64() / e95.as_secs_f64().max(1e-9),
            ms(percentile(&big_times, 50.0)),
        );
        all_big.extend(big_times);
        all_empty.extend(empty_times);
    }
    let (b95, e95) = (percentile(&all_big, 95.0), percentile(&all_empty, 95.0));
    println!(
        "list all filters: p95 {} / {} on an empty tenant = {:.1}x (goal: p95 <= 20 ms)",
        ms(b95),
        ms(e95),
        b95.as_secs_f64() / e95.as_secs_f64().max(1e-9)
    );
    server.stop().await;
    // 1.2 M rows: not something to leave on a shared server.
    crate::postgres::drop(&url).await?;
    Ok(())
}

async fn time(client: &kefu_testkit::TestClient, path: &str) -> anyhow::Result<Vec<Duration>> {
    // Warm the caches and the connection pool first.
    for _ in 0..10 {
        client.get(path).await;
    }
    let mut times = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let started = Instant::now();
        let response = client.get(path).await;
        times.push(started.elapsed());
        anyhow::ensure!(
            response.status == 200,
            "{path}: {} {}",
            response.status,
            response.text
        );
    }
    Ok(times)
}

/// The `n`th agent of a tenant (20 per tenant).
fn agent(tenant: Uuid, n: u128) -> Uuid {
    Uuid::from_u128(tenant.as_u128() ^ (0xa9e0 << 64) ^ n)
}

/// The `n`th team of a tenant (5 per tenant).
fn team(tenant: Uuid, n: u128) -> Uuid {
    Uuid::from_u128(tenant.as_u128() ^ (0x7ea0 << 64) ^ n)
}

/// The `n`th customer of a tenant (5 000 per tenant).
fn customer(tenant: Uuid, n: u128) -> Uuid {
    Uuid::from_u128(tenant.as_u128() ^ (0xc057 << 64) ^ n)
}

/// Inserts `count` tickets for `tenant`, and `per_other` for each of `others` more tenants.
async fn generate(
    db: &sea_orm::DatabaseConnection,
    tenant: Uuid,
    count: i64,
    others: u128,
    per_other: i64,
) -> anyhow::Result<()> {
    insert_tickets(db, tenant, count).await?;
    for n in 1..=others {
        insert_tickets(db, Uuid::from_u128(0x0_7e4a_0000 + n), per_other).await?;
    }
    db.execute_unprepared("ANALYZE tickets; ANALYZE ticket_tags;")
        .await?;
    Ok(())
}

/// `kind`'s first `n` ids of `tenant` as a SQL array, indexed by `modulo` of the row number.
fn pick(tenant: Uuid, kind: fn(Uuid, u128) -> Uuid, n: u128, modulo: &str) -> String {
    let ids: Vec<String> = (0..n).map(|i| format!("'{}'", kind(tenant, i))).collect();
    format!("(ARRAY[{}]::uuid[])[1 + ({modulo})]", ids.join(","))
}

/// One tenant's tickets, in chunks of 100 000 rows of generated SQL; 5 000 customers,
/// 5 teams and 20 agents are spread over the rows by their number. Half the tickets are
/// closed, a fifth unsolved.
async fn insert_tickets(
    db: &sea_orm::DatabaseConnection,
    tenant: Uuid,
    count: i64,
) -> anyhow::Result<()> {
    let base = tenant.as_u128();
    // Independent spreads, so no agent or team ends up with only one status.
    let customers = pick(tenant, customer, 5_000, "(i * 31) % 5000");
    let teams = pick(tenant, team, 5, "(i / 4) % 5");
    let agents = pick(tenant, agent, 20, "i % 20");
    // Ids derive from the row number, so runs repeat; the number fills the high bits, so
    // they sort by creation like UUIDv7s.
    for start in (0..count).step_by(100_000) {
        let end = (start + 100_000).min(count);
        let sql = format!(
            "INSERT INTO tickets (id, tenant_id, number, subject, description, status, priority, kind, channel, \
             customer_id, contact_id, requester_id, team_id, assignee_id, tags, reopen_count, created_by, \
             first_response_at, solved_at, closed_at, version, created_at, updated_at, root_cause, remedy, csat_score) \
             SELECT \
               (lpad(to_hex(i), 12, '0') || '7000' || substr(md5('{base}' || i), 1, 16))::uuid, \
               '{tenant}'::uuid, i + 1, \
               (ARRAY['Printer jam','Network down','Invoice question','Password reset','Slow repair'])[1 + i % 5] || ' ' || i, \
               'Generated ticket ' || i, \
               (ARRAY['new','open','pending','on_hold','solved','closed','closed','closed','closed','closed'])[1 + (i / 20) % 10], \
               (ARRAY['low','normal','normal','high','urgent'])[1 + (i / 7) % 5], \
               (ARRAY['question','incident','request','complaint','follow_up','defect'])[1 + (i / 3) % 6], \
               'email', {customers}, NULL, NULL, {teams}, {agents}, \
               CASE WHEN i % 10 = 0 THEN '[\"vip\"]' ELSE '[]' END, 0, NULL, NULL, NULL, NULL, 1, \
               now() - (({count} - i) * interval '20 seconds'), now() - (({count} - i) * interval '20 seconds'), \
               NULL, NULL, NULL \
             FROM generate_series({start}, {end} - 1) AS i"
        );
        db.execute_unprepared(&sql).await?;
    }
    let tags = format!(
        "INSERT INTO ticket_tags (tenant_id, tag, ticket_id) SELECT tenant_id, 'vip', id FROM tickets \
         WHERE tenant_id = '{tenant}' AND tags = '[\"vip\"]'"
    );
    db.execute(Statement::from_string(db.get_database_backend(), tags))
        .await?;
    Ok(())
}
