//! `footprint`: the all-in-one process (`kefu serve` on its embedded defaults: SQLite
//! and the embedded log, as `cargo run` starts it) idle and after a create run, and its
//! cold start to ready.
//!
//! Baselines from the same run: the same binary running only the gateway (the floor of
//! the runtime, allocator, TLS and logging), and a warm restart on the data the cold
//! start made (no migrations, no new signing key, no demo tenant).

use std::time::Duration;

use crate::load;
use crate::stats::{mb, ratio, verdict};
use crate::suite::{Deployment, Options};
use crate::tenant::Tenant;

/// How long a process sits before its idle memory is read: consumers and relays have
/// made their first polls by then.
const SETTLE: Duration = Duration::from_secs(5);
/// QUALITY.md's goals.
const IDLE_GOAL: u64 = 150_000_000;
const START_GOAL: Duration = Duration::from_secs(3);

/// Runs the scenario and prints its figures.
pub async fn run() -> anyhow::Result<()> {
    let mut deployment = Deployment::new(&Options::embedded()).await?;
    let result = measure(&mut deployment).await;
    deployment.remove().await?;
    result
}

async fn measure(deployment: &mut Deployment) -> anyhow::Result<()> {
    let healthz = format!("{}/healthz", deployment.gateway);
    let gateway = deployment.start_alone("gateway", &healthz).await?;
    tokio::time::sleep(SETTLE).await;
    let floor = gateway.memory();
    gateway.stop()?;
    let floor = floor?;

    let process = deployment.start(&[]).await?;
    let cold = process.ready_in;
    let measured = async {
        tokio::time::sleep(SETTLE).await;
        let idle = process.memory()?;
        crate::suite::announce_rate_limits("footprint");
        let tenant = Tenant::sign_up(&deployment.gateway).await?;
        let create = tenant.creating("Footprint bench", None);
        let outcome = load::run(&create).await?;
        let after = process.memory()?;
        tokio::time::sleep(SETTLE).await;
        let settled = process.memory()?;
        anyhow::Ok((idle, create, outcome, after, settled))
    }
    .await;
    process.stop()?;
    let (idle, create, outcome, after, settled) = measured?;

    let process = deployment.start(&[]).await?;
    let warm = process.ready_in;
    process.stop()?;

    println!(
        "footprint idle (sqlite, embedded log): RSS {} / {} of the gateway alone = {:.1}x (goal <= 150 MB: {})",
        mb(idle.rss),
        mb(floor.rss),
        ratio(idle.rss as f64, floor.rss as f64),
        verdict(idle.rss <= IDLE_GOAL),
    );
    println!(
        "footprint after the create run: RSS {} / {} idle = {:.2}x; {} {} s later; peak {} \
         ({} creates in {} s over {} connections){}",
        mb(after.rss),
        mb(idle.rss),
        ratio(after.rss as f64, idle.rss as f64),
        mb(settled.rss),
        SETTLE.as_secs(),
        mb(settled.peak),
        outcome.ok,
        create.duration.as_secs(),
        create.clients,
        outcome.failures(),
    );
    println!(
        "footprint cold start: {:.2} s to ready / {:.2} s for a warm restart = {:.1}x (goal <= 3 s: {})",
        cold.as_secs_f64(),
        warm.as_secs_f64(),
        ratio(cold.as_secs_f64(), warm.as_secs_f64()),
        verdict(cold <= START_GOAL),
    );
    Ok(())
}
