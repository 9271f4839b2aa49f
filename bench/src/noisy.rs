//! `noisy`: QUALITY.md check 8's latency half (the e2e abuse test checks the other half,
//! no 429 and no error for the quiet tenant). Tenant A reads a ticket at a steady rate
//! well within its plan while tenant B reads its own as fast as its connections go, far
//! past its plan; the figure is A's p99 with B flooding ÷ A's p99 alone, same deployment.
//!
//! Unlike the other scenarios the rate limits are real here (every plan
//! `PLAN_PER_MINUTE`): the flood must be refused by the limiter, as in production.

use std::time::Duration;

use crate::load;
use crate::stats::{ms, ratio, seconds_from_env, verdict};
use crate::suite::{Deployment, Options};
use crate::tenant::Tenant;

/// Each plan's limit: a credential gets half (KEFU_RATE_LIMIT_CREDENTIAL_SHARE's default).
const PLAN_PER_MINUTE: &str = "2400";
/// A's steady rate, half of what its credential may send.
const QUIET_PER_SECOND: f64 = 10.0;
/// Untimed flood before A is measured: B's burst allowance is spent by then, so the
/// measured part is the steady state of a tenant being refused.
const FLOOD_LEAD: Duration = Duration::from_secs(3);

/// Runs the scenario and prints its figures.
pub async fn run() -> anyhow::Result<()> {
    let options = Options::from_env();
    let mut deployment = Deployment::new(&options).await?;
    let plans =
        format!("free={PLAN_PER_MINUTE},standard={PLAN_PER_MINUTE},enterprise={PLAN_PER_MINUTE}");
    let process = deployment
        .start(&[
            ("KEFU_RATE_LIMIT_PLANS", plans.as_str()),
            ("KEFU_RATE_LIMIT_PER_MINUTE", PLAN_PER_MINUTE),
        ])
        .await?;
    let result = measure(&deployment, &options).await;
    process.stop()?;
    deployment.remove().await?;
    result
}

async fn measure(deployment: &Deployment, options: &Options) -> anyhow::Result<()> {
    println!(
        "noisy: every plan allows {PLAN_PER_MINUTE} requests/min per tenant, half of it per credential; \
         the limiter is on"
    );
    // Enough of A's requests for a p99 that is not just the slowest one.
    let measured = seconds_from_env("KEFU_BENCH_NOISY_SECS", 30);
    let quiet_tenant = Tenant::sign_up(&deployment.gateway).await?;
    let noisy_tenant = Tenant::sign_up(&deployment.gateway).await?;
    let read = |tenant: &Tenant, id: uuid::Uuid| {
        tenant.reading(&deployment.gateway, &format!("/api/v1/tickets/{id}"))
    };
    let quiet = read(&quiet_tenant, quiet_tenant.ticket("Quiet", None).await?)
        .paced(QUIET_PER_SECOND)
        .lasting(measured);
    let flood = read(&noisy_tenant, noisy_tenant.ticket("Noisy", None).await?)
        .lasting(measured + FLOOD_LEAD * 2);
    let connections = flood.clients;

    load::run(&quiet.lasting(Duration::from_secs(2))).await?;
    let alone = load::run(&quiet).await?;
    let flooding = tokio::spawn(async move { load::run(&flood).await });
    tokio::time::sleep(FLOOD_LEAD).await;
    let beside = load::run(&quiet).await?;
    let flood = flooding.await??;

    println!(
        "noisy flood: tenant B sent {:.0} requests/s on {} connections, {} answered 2xx \
         ({}); its limit is {:.0}/s",
        (flood.ok + flood.failed) as f64 / flood.elapsed.as_secs_f64(),
        connections,
        flood.ok,
        flood.distribution,
        PLAN_PER_MINUTE.parse::<f64>()? / 60.0 / 2.0,
    );
    let p99 = ratio(beside.p99.as_secs_f64(), alone.p99.as_secs_f64());
    println!(
        "noisy quiet tenant p99 ({}): {} beside the flood / {} alone = {p99:.2} \
         (goal <= 1.20: {}); p50 {} / {}; A at {QUIET_PER_SECOND} req/s for {} s, \
         {} and {} answers 2xx{}{}",
        options.describe(),
        ms(beside.p99),
        ms(alone.p99),
        verdict(p99 <= 1.20),
        ms(beside.p50),
        ms(alone.p50),
        measured.as_secs(),
        beside.ok,
        alone.ok,
        beside.failures(),
        alone.failures(),
    );
    Ok(())
}
