//! `telemetry`: throughput with every span exported over OTLP/HTTP to a local collector
//! (100 % sampling) ÷ the same deployment with telemetry off (no endpoint set).
//!
//! Two requests: the ticket read (gateway + tickets spans) and the ticket create (also
//! the outbox, relay and consumer spans). The same deployment is restarted between the
//! two settings, keeping its data. The collector counts the spans it gets: fewer per
//! request under load than at rest means the exporter's queue dropped some.

use std::time::Duration;

use crate::collector::Collector;
use crate::load::{self, Load, Outcome};
use crate::stats::{ratio, verdict};
use crate::suite::{Deployment, Options};
use crate::tenant::Tenant;

/// Untimed warm-up after each start.
const WARM_UP: Duration = Duration::from_secs(2);
/// Longer than the batch exporter's 5 s schedule, so a run's spans have arrived.
const FLUSH: Duration = Duration::from_secs(6);
/// Requests sent one at a time to count the spans a request makes when nothing is dropped.
const AT_REST: usize = 20;

/// Runs the scenario and prints its figures.
pub async fn run() -> anyhow::Result<()> {
    let options = Options::from_env();
    let mut deployment = Deployment::new(&options).await?;
    let collector = Collector::start()?;
    let result = measure(&mut deployment, &collector, &options).await;
    collector.stop().await;
    deployment.remove().await?;
    result
}

/// The two requests of a run.
struct Requests {
    read: Load,
    create: Load,
}

async fn measure(
    deployment: &mut Deployment,
    collector: &Collector,
    options: &Options,
) -> anyhow::Result<()> {
    crate::suite::announce_rate_limits("telemetry");
    let process = deployment.start(&[]).await?;
    let tenant = Tenant::sign_up(&deployment.gateway).await?;
    let id = tenant.ticket("Telemetry bench", None).await?;
    let requests = Requests {
        read: tenant.reading(&deployment.gateway, &format!("/api/v1/tickets/{id}")),
        create: tenant.creating("Telemetry bench", None),
    };
    let off = timed(&requests, collector).await;
    process.stop()?;
    let off = off?;

    let exporting = [
        ("OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint.as_str()),
        ("OTEL_TRACES_SAMPLER", "always_on"),
    ];
    let process = deployment.start(&exporting).await?;
    let on = async {
        // Spans per request when the exporter keeps up: one request at a time.
        let before = collector.received.snapshot().1;
        for _ in 0..AT_REST {
            tenant.get(&format!("/api/v1/tickets/{id}")).await?;
        }
        tokio::time::sleep(FLUSH).await;
        let reads = collector.received.snapshot().1;
        for _ in 0..AT_REST {
            tenant.ticket("Telemetry bench", None).await?;
        }
        tokio::time::sleep(FLUSH).await;
        let creates = collector.received.snapshot().1;
        let at_rest = (
            (reads - before) as f64 / AT_REST as f64,
            (creates - reads) as f64 / AT_REST as f64,
        );
        anyhow::Ok((at_rest, timed(&requests, collector).await?))
    }
    .await;
    process.stop()?;
    let ((rest_read, rest_create), on) = on?;

    for (name, off, (on, spans), at_rest) in [
        ("ticket read", &off.0 .0, &on.0, rest_read),
        ("ticket create", &off.1 .0, &on.1, rest_create),
    ] {
        let share = ratio(on.per_second(), off.per_second());
        let per_request = *spans as f64 / (on.ok + on.failed).max(1) as f64;
        println!(
            "telemetry {name} ({}): {:.0} req/s exporting every span / {:.0} req/s telemetry off = {share:.2} \
             (goal >= 0.95: {}); the collector got {per_request:.1} spans per request under load, \
             {at_rest:.1} one at a time{}{}",
            options.describe(),
            on.per_second(),
            off.per_second(),
            verdict(share >= 0.95),
            on.failures(),
            off.failures(),
        );
    }
    let (posts, spans, bytes, rejected) = collector.received.snapshot();
    println!(
        "telemetry collector: {spans} spans in {posts} exports, {} ({rejected} not OTLP traces)",
        crate::stats::mb(bytes)
    );
    Ok(())
}

/// Throughput of the read, then of the create, each followed by a pause for the
/// exporter to flush (in both settings, so both run alike); with the spans the collector
/// got during each.
async fn timed(
    requests: &Requests,
    collector: &Collector,
) -> anyhow::Result<((Outcome, u64), (Outcome, u64))> {
    let spans = || collector.received.snapshot().1;
    load::run(&requests.read.lasting(WARM_UP)).await?;
    tokio::time::sleep(FLUSH).await;
    let start = spans();
    let read = load::run(&requests.read).await?;
    tokio::time::sleep(FLUSH).await;
    let after_read = spans();
    let create = load::run(&requests.create).await?;
    tokio::time::sleep(FLUSH).await;
    let after_create = spans();
    Ok((
        (read, after_read - start),
        (create, after_create - after_read),
    ))
}
