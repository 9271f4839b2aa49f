//! `rls`: ticket list and ticket create throughput on PostgreSQL with row-level
//! security on ÷ the same with `KEFU_ROW_LEVEL_SECURITY=off`.
//!
//! Each setting gets a fresh deployment (new databases) and the same steps, so neither
//! starts with the other's rows: a tenant, `SEEDED` tickets, a warm-up, the timed list,
//! then the timed create. What RLS costs is a statement per pool checkout (role and
//! tenant) and the policy's `tenant_id` test on every row read or written.

use std::time::Duration;

use crate::load::{self, Outcome};
use crate::stats::{ratio, verdict};
use crate::suite::{Deployment, Options};
use crate::tenant::Tenant;

/// Tickets the tenant holds before the timed runs.
const SEEDED: usize = 200;
/// Untimed warm-up before each timed run.
const WARM_UP: Duration = Duration::from_secs(2);

/// Runs the scenario and prints its figures.
pub async fn run() -> anyhow::Result<()> {
    crate::postgres::required("rls")?;
    crate::suite::announce_rate_limits("rls");
    let off = measure("off").await?;
    let on = measure("on").await?;
    let options = Options::from_env();
    for (name, on, off) in [
        ("ticket list", &on.0, &off.0),
        ("ticket create", &on.1, &off.1),
    ] {
        let share = ratio(on.per_second(), off.per_second());
        println!(
            "rls {name} ({}): {:.0} req/s with row-level security / {:.0} req/s without = {share:.2} \
             (goal >= 0.90: {}); p50 {:.2} ms / {:.2} ms, p99 {:.2} ms / {:.2} ms{}{}",
            options.describe(),
            on.per_second(),
            off.per_second(),
            verdict(share >= 0.90),
            on.p50.as_secs_f64() * 1e3,
            off.p50.as_secs_f64() * 1e3,
            on.p99.as_secs_f64() * 1e3,
            off.p99.as_secs_f64() * 1e3,
            on.failures(),
            off.failures(),
        );
    }
    Ok(())
}

/// (list, create) throughput on a fresh deployment with RLS `setting` (`on`/`off`).
async fn measure(setting: &str) -> anyhow::Result<(Outcome, Outcome)> {
    let options = Options::from_env();
    let mut deployment = Deployment::new(&options).await?;
    let result = async {
        let process = deployment
            .start(&[("KEFU_ROW_LEVEL_SECURITY", setting)])
            .await?;
        let timed = async {
            let tenant = Tenant::sign_up(&deployment.gateway).await?;
            for n in 0..SEEDED {
                tenant.ticket(&format!("RLS bench {n}"), None).await?;
            }
            let list = tenant.reading(&deployment.gateway, "/api/v1/tickets?limit=50&status=new");
            let create = tenant.creating("RLS bench", None);
            load::run(&list.lasting(WARM_UP)).await?;
            let listed = load::run(&list).await?;
            load::run(&create.lasting(WARM_UP)).await?;
            let created = load::run(&create).await?;
            anyhow::Ok((listed, created))
        }
        .await;
        process.stop()?;
        timed
    }
    .await;
    deployment.remove().await?;
    result
}
