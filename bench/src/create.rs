//! `create`: ticket creates/s through the gateway on PostgreSQL ÷ what PostgreSQL itself
//! does with the same SQL, measured by pgbench with the same number of clients.
//!
//! The pgbench transaction is the create's core: the tenant's number counter (an upsert
//! that locks the tenant's row until commit, as the product's does), the ticket row and
//! its `ticket.created` outbox row, on a database migrated by the tickets service itself
//! and with a real outbox payload copied from the product's run. The product does more
//! per create (history row, SLA clocks, trigger and dispatch lookups, the relay marking
//! the event published, customers consuming it, HTTP, the token, the gateway hop);
//! the ratio is what all of that costs.

use std::process::Command;
use std::time::Duration;

use anyhow::Context;
use sea_orm::{ConnectionTrait, Statement};
use uuid::Uuid;

use crate::load::{self, Load, Outcome};
use crate::stats::{ratio, verdict};
use crate::suite::{Deployment, Options};
use crate::tenant::Tenant;

/// Untimed warm-up of each side.
const WARM_UP: Duration = Duration::from_secs(2);

/// The pgbench transaction; `:tenant`, `:actor`, `:key` and `:payload` come from `-D`.
const SCRIPT: &str = r#"BEGIN;
INSERT INTO ticket_counters (tenant_id, last_number) VALUES (:tenant, 1)
  ON CONFLICT (tenant_id) DO UPDATE SET last_number = ticket_counters.last_number + 1;
SELECT last_number AS number FROM ticket_counters WHERE tenant_id = :tenant \gset
INSERT INTO tickets (id, tenant_id, number, subject, description, status, priority, kind, channel,
  customer_id, contact_id, requester_id, team_id, assignee_id, tags, reopen_count, created_by,
  first_response_at, solved_at, closed_at, version, created_at, updated_at, root_cause, remedy,
  csat_score, custom_fields)
  VALUES (gen_random_uuid(), :tenant, :number, 'Create bench',
  'The printer on the second floor jams on every second page.', 'new', 'normal', 'incident', 'web',
  NULL, NULL, :actor, NULL, NULL, '[]', 0, :actor, NULL, NULL, NULL, 1, now(), now(), NULL, NULL,
  NULL, '{}');
INSERT INTO event_outbox (event_id, topic, partition_key, event_type, payload, headers, created_at, published_at)
  VALUES (gen_random_uuid(), 'kefu.tickets', :key, 'ticket.created', :payload, '{}', now(), NULL);
END;
"#;

/// Runs the scenario and prints its figures.
pub async fn run() -> anyhow::Result<()> {
    let server = crate::postgres::required("create")?;
    crate::suite::announce_rate_limits("create");
    let options = Options {
        postgres: Some(server),
        kafka: None,
    };
    let mut deployment = Deployment::new(&options).await?;
    let process = deployment.start(&[]).await?;
    let measured = through_gateway(&deployment).await;
    process.stop()?;
    let (create, outcome, row) = match measured {
        Ok(measured) => measured,
        Err(err) => {
            deployment.remove().await?;
            return Err(err);
        }
    };
    deployment.remove().await?;

    let tps = baseline(&row, create.clients).await?;
    let share = ratio(outcome.per_second(), tps);
    println!(
        "create: {:.0} creates/s through the gateway / {tps:.0} TPS of pgbench doing the same SQL = {share:.2} \
         (goal >= 0.5: {}; {} clients, {} s each, postgresql, embedded log){}",
        outcome.per_second(),
        verdict(share >= 0.5),
        create.clients,
        create.duration.as_secs(),
        outcome.failures(),
    );
    Ok(())
}

/// Ticket creates through the gateway; also a real `ticket.created` outbox row.
async fn through_gateway(deployment: &Deployment) -> anyhow::Result<(Load, Outcome, OutboxRow)> {
    let tenant = Tenant::sign_up(&deployment.gateway).await?;
    let create = tenant.creating("Create bench", None);
    load::run(&create.lasting(WARM_UP)).await?;
    let outcome = load::run(&create).await?;
    let url = deployment
        .tickets_database()
        .context("the create bench runs on PostgreSQL")?;
    let row = OutboxRow::latest(url).await?;
    Ok((create, outcome, row))
}

/// A `ticket.created` outbox row as the product wrote it.
struct OutboxRow {
    key: String,
    payload: String,
}

impl OutboxRow {
    async fn latest(url: &str) -> anyhow::Result<Self> {
        let db = kefu_platform::db::connect(url).await?;
        let row = db
            .query_one(Statement::from_string(
                db.get_database_backend(),
                "SELECT partition_key, payload FROM event_outbox \
                 WHERE event_type = 'ticket.created' ORDER BY seq DESC LIMIT 1",
            ))
            .await?
            .context("the product wrote no ticket.created outbox row")?;
        let found = Self {
            key: row.try_get("", "partition_key")?,
            payload: row.try_get("", "payload")?,
        };
        db.close().await?;
        Ok(found)
    }
}

/// pgbench TPS of [`SCRIPT`] with `clients` clients on a fresh tickets database.
async fn baseline(row: &OutboxRow, clients: usize) -> anyhow::Result<f64> {
    let url = crate::postgres::create("pgbench").await?;
    let result = async {
        kefu_platform::db::connect_and_migrate::<kefu_tickets::Migrator>(&url)
            .await?
            .close()
            .await?;
        let script = std::env::temp_dir().join(format!("kefu-bench-create-{}.sql", Uuid::now_v7()));
        std::fs::write(&script, SCRIPT)?;
        let run = |duration: Duration| pgbench(&url, &script, row, clients, duration);
        run(WARM_UP)?;
        let tps = run(load::duration());
        std::fs::remove_file(&script)?;
        tps
    }
    .await;
    crate::postgres::drop(&url).await?;
    result
}

fn pgbench(
    url: &str,
    script: &std::path::Path,
    row: &OutboxRow,
    clients: usize,
    duration: Duration,
) -> anyhow::Result<f64> {
    let tenant = Uuid::now_v7();
    let output = Command::new(
        kefu_platform::config::var("KEFU_BENCH_PGBENCH").unwrap_or_else(|| "pgbench".into()),
    )
    // Prepared statements, as sqlx sends them; no vacuum of pgbench's own tables.
    .args(["--no-vacuum", "--protocol=prepared"])
    .args(["--client", &clients.to_string()])
    .args(["--jobs", &clients.min(2).to_string()])
    .args(["--time", &duration.as_secs().max(1).to_string()])
    .args(["--define", &format!("tenant={tenant}")])
    .args(["--define", &format!("actor={}", Uuid::now_v7())])
    .args(["--define", &format!("key={}", row.key)])
    .args(["--define", &format!("payload={}", row.payload)])
    .arg("--file")
    .arg(script)
    .arg(url)
    .output()
    .context("running pgbench (set KEFU_BENCH_PGBENCH if it is not on the PATH)")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    anyhow::ensure!(
        output.status.success(),
        "pgbench failed ({}): {stdout}{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    tps(&stdout).with_context(|| format!("no TPS in pgbench's output: {stdout}"))
}

/// The `tps = N (without initial connection time)` of pgbench's report.
fn tps(report: &str) -> Option<f64> {
    report
        .lines()
        .find(|line| line.starts_with("tps = "))
        .and_then(|line| line.trim_start_matches("tps = ").split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pgbench_tps() {
        let report = "number of failed transactions: 0 (0.000%)\n\
                      latency average = 4.1 ms\n\
                      initial connection time = 12.3 ms\n\
                      tps = 3876.123456 (without initial connection time)\n";
        assert_eq!(tps(report), Some(3876.123456));
        assert_eq!(tps("nothing"), None);
    }
}
