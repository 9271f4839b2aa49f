//! `cargo run --release -p kefu-bench -- <scenario>`: one line per figure (QUALITY.md).
//!
//! Timings on shared machines are noisy, so every figure is printed as a ratio against
//! a baseline measured in the same run, with the absolute numbers for context.

mod collector;
mod create;
mod footprint;
mod gateway;
mod lag;
mod list;
mod load;
mod noisy;
mod postgres;
mod relay;
mod report;
mod rls;
mod stats;
mod suite;
mod telemetry;
mod tenant;

const USAGE: &str = "usage: kefu-bench <scenario>

Scenarios that start the product run the release `kefu` binary next to this one as
processes (`kefu serve`; built first when run through cargo; KEFU_BENCH_KEFU_BIN names
another), on fresh data, with the gateway's rate limits raised (KEFU_RATE_LIMIT_*) so the
limiter never caps the load. Their load generator is oha (`cargo install oha --locked`;
KEFU_BENCH_OHA names another binary): KEFU_BENCH_CLIENTS connections (default 16) for
KEFU_BENCH_SECS seconds (default 10) per timed run. Their databases are SQLite, or
PostgreSQL when KEFU_TEST_DATABASE_URL names a server (created and dropped per run).

scenarios:
  gateway    GET /api/v1/tickets/{id} through the gateway: requests/s / the same request
             straight to the tickets service; added p50 and p99 at half the load.
  create     ticket creates/s through the gateway / pgbench TPS of the same SQL (number
             counter, ticket row, outbox row in one transaction) with as many clients.
             Needs KEFU_TEST_DATABASE_URL (PostgreSQL) and pgbench (KEFU_BENCH_PGBENCH).
  rls        ticket list and create requests/s with PostgreSQL row-level security on /
             with KEFU_ROW_LEVEL_SECURITY=off, each on a fresh deployment. Needs
             KEFU_TEST_DATABASE_URL (PostgreSQL).
  telemetry  ticket read and create requests/s exporting every span over OTLP/HTTP to a
             local collector / with telemetry off.
  lag        p99 from a ticket create's 2xx to the ticket on the customer card, at 500
             creates/s / with no load; on the embedded log, and on Kafka when
             KEFU_BENCH_KAFKA_BROKERS names a broker (use a fresh one).
  report     skipped: the reporting service does not exist yet.
  footprint  RSS of `kefu serve` (embedded defaults) idle / the gateway alone, and after
             a create run / idle; cold start to ready / a warm restart.
  relay      outbox relay events/s and produce->consume latency, against the bare bus,
             on the embedded log, librdkafka's mock cluster and (when
             KEFU_BENCH_KAFKA_BROKERS is set) a real broker. The service database is
             SQLite, or PostgreSQL when KEFU_TEST_DATABASE_URL names a server.
             KEFU_BENCH_EVENTS (default 20000) sets the throughput run's size.
  list       p95 of filtered ticket lists through the tickets API with 1 M generated
             tickets in one tenant (and 1 000 other tenants), against the same
             requests on an empty tenant. Needs KEFU_TEST_DATABASE_URL (PostgreSQL);
             KEFU_BENCH_TICKETS (default 1000000) sets the size.
  noisy      tenant A's p99 reading a ticket at 10 requests/s while tenant B floods far
             past its plan / A's p99 alone; the rate limits are real in this one
             (2 400/min per plan). KEFU_BENCH_NOISY_SECS (default 30) sets A's runs.";

fn main() -> anyhow::Result<()> {
    let scenario = std::env::args().nth(1).unwrap_or_default();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let result = match scenario.as_str() {
        "gateway" => runtime.block_on(gateway::run()),
        "create" => runtime.block_on(create::run()),
        "rls" => runtime.block_on(rls::run()),
        "telemetry" => runtime.block_on(telemetry::run()),
        "lag" => runtime.block_on(lag::run()),
        "report" => {
            report::run();
            Ok(())
        }
        "footprint" => runtime.block_on(footprint::run()),
        "relay" => runtime.block_on(relay::run()),
        "list" => runtime.block_on(list::run()),
        "noisy" => runtime.block_on(noisy::run()),
        _ => {
            eprintln!("{USAGE}");
            std::process::exit(2);
        }
    };
    // A dropped Kafka subscription closes its consumer on a blocking thread, and against
    // tansu that close can wait forever; the figures are printed by now.
    runtime.shutdown_timeout(std::time::Duration::from_secs(10));
    result
}
