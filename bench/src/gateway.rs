//! `gateway`: what the gateway costs on the hottest read, `GET /api/v1/tickets/{id}`.
//!
//! Throughput: requests/s through the gateway ÷ the same request straight to the
//! tickets service of the same `kefu serve` process (which checks the same token itself).
//! Latency: p50 and p99 of both paths paced at half the gateway's throughput, where
//! neither queues; the figure is what the gateway adds.

use std::time::Duration;

use crate::load;
use crate::stats::{ms, ratio, verdict};
use crate::suite::{Deployment, Options};
use crate::tenant::Tenant;

/// Untimed warm-up of each path (connections, caches, the JWKS fetch).
const WARM_UP: Duration = Duration::from_secs(2);

/// Runs the scenario and prints its figures.
pub async fn run() -> anyhow::Result<()> {
    let options = Options::from_env();
    let mut deployment = Deployment::new(&options).await?;
    let process = deployment.start(&[]).await?;
    let result = measure(&deployment, &options).await;
    process.stop()?;
    deployment.remove().await?;
    result
}

async fn measure(deployment: &Deployment, options: &Options) -> anyhow::Result<()> {
    crate::suite::announce_rate_limits("gateway");
    let tenant = Tenant::sign_up(&deployment.gateway).await?;
    let id = tenant.ticket("Gateway bench", None).await?;
    let path = format!("/api/v1/tickets/{id}");
    let direct = tenant.reading(&deployment.tickets, &path);
    let through = tenant.reading(&deployment.gateway, &path);
    load::run(&direct.lasting(WARM_UP)).await?;
    load::run(&through.lasting(WARM_UP)).await?;

    let d = load::run(&direct).await?;
    let g = load::run(&through).await?;
    let share = ratio(g.per_second(), d.per_second());
    println!(
        "gateway throughput ({}): {:.0} req/s through the gateway / {:.0} req/s straight to tickets = {share:.2} \
         (goal >= 0.80: {}; {} connections, {} s each){}{}",
        options.describe(),
        g.per_second(),
        d.per_second(),
        verdict(share >= 0.80),
        through.clients,
        through.duration.as_secs(),
        g.failures(),
        d.failures(),
    );

    // Half the gateway's rate: the slower path is then as far from saturation as the other.
    let half = g.per_second() / 2.0;
    let dh = load::run(&direct.paced(half)).await?;
    let gh = load::run(&through.paced(half)).await?;
    for (name, goal_ms, through, direct) in
        [("p50", 0.3, gh.p50, dh.p50), ("p99", 1.0, gh.p99, dh.p99)]
    {
        let added = (through.as_secs_f64() - direct.as_secs_f64()) * 1000.0;
        println!(
            "gateway added {name} at half load ({half:.0} req/s): {} through the gateway / {} straight to tickets \
             = {:.2}x, {added:+.2} ms added (goal <= {goal_ms} ms: {}){}{}",
            ms(through),
            ms(direct),
            ratio(through.as_secs_f64(), direct.as_secs_f64()),
            verdict(added <= goal_ms),
            gh.failures(),
            dh.failures(),
        );
    }
    Ok(())
}
