//! `cargo run --release -p kefu-bench -- <scenario>`: one line per figure (QUALITY.md).
//!
//! Timings on shared machines are noisy, so every figure is printed as a ratio against
//! a baseline measured in the same run, with the absolute numbers for context.

mod list;
mod relay;
mod stats;

const USAGE: &str = "usage: kefu-bench <scenario>

scenarios:
  relay   outbox relay events/s and produce->consume latency, against the bare bus,
          on the embedded log, librdkafka's mock cluster and (when
          KEFU_BENCH_KAFKA_BROKERS is set) a real broker. The service database is
          SQLite, or PostgreSQL when KEFU_TEST_DATABASE_URL names a server.
          KEFU_BENCH_EVENTS (default 20000) sets the throughput run's size.
  list    p95 of filtered ticket lists through the tickets API with 1 M generated
          tickets in one tenant (and 1 000 other tenants), against the same
          requests on an empty tenant. Needs KEFU_TEST_DATABASE_URL (PostgreSQL);
          KEFU_BENCH_TICKETS (default 1000000) sets the size.";

fn main() -> anyhow::Result<()> {
    let scenario = std::env::args().nth(1).unwrap_or_default();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    match scenario.as_str() {
        "relay" => runtime.block_on(relay::run()),
        "list" => runtime.block_on(list::run()),
        _ => {
            eprintln!("{USAGE}");
            std::process::exit(2);
        }
    }
}
