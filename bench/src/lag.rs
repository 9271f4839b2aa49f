//! `lag`: from a ticket create's 2xx to the change being visible on the customer card
//! (reporting does not exist yet; QUALITY.md names the card until it does), at 500
//! creates/s, on the embedded log and (with `KEFU_BENCH_KAFKA_BROKERS`) on Kafka.
//!
//! oha sends the load: creates for one customer at 500/s less the probes' rate. Probes,
//! 10 a second, each create a ticket for one of a few other customers and read that
//! customer's card every 10 ms until the ticket is on it; the time from the probe's 2xx
//! to that read is one sample. The baseline is the same probes with no load.

use std::sync::Arc;
use std::time::{Duration, Instant};

use uuid::Uuid;

use crate::load::{self, Load};
use crate::stats::{ms, percentile, ratio, verdict};
use crate::suite::{Deployment, Options};
use crate::tenant::Tenant;

/// Creates per second in all, probes included.
const RATE: f64 = 500.0;
/// Probes per second.
const PROBE_RATE: f64 = 10.0;
/// Customers the probes take turns with, so no card grows long.
const PROBE_CUSTOMERS: usize = 10;
/// How often a probe reads the card.
const POLL: Duration = Duration::from_millis(10);
/// A probe whose ticket is not on the card by then is counted as lost.
const GIVE_UP: Duration = Duration::from_secs(30);
/// Probing with no load, for the baseline.
const IDLE: Duration = Duration::from_secs(10);
/// Load before probing starts and after it ends, so every probe sees the full rate.
const MARGIN: Duration = Duration::from_secs(3);
/// Connections oha may open: enough to hold 500/s even when a create takes 100 ms.
const LOAD_CLIENTS: usize = 64;

/// Runs the scenario on each bus and prints its figures.
pub async fn run() -> anyhow::Result<()> {
    crate::suite::announce_rate_limits("lag");
    let mut buses = vec![("embedded", None)];
    match kefu_platform::config::var("KEFU_BENCH_KAFKA_BROKERS") {
        Some(brokers) => buses.push(("kafka", Some(brokers.trim().to_string()))),
        None => println!("lag kafka: skipped (KEFU_BENCH_KAFKA_BROKERS names no broker)"),
    }
    for (name, kafka) in buses {
        let options = Options {
            kafka,
            ..Options::from_env()
        };
        let mut deployment = Deployment::new(&options).await?;
        let process = deployment.start(&[]).await?;
        let result = measure(name, &deployment, &options).await;
        process.stop()?;
        deployment.remove().await?;
        result?;
    }
    Ok(())
}

async fn measure(name: &str, deployment: &Deployment, options: &Options) -> anyhow::Result<()> {
    let tenant = Tenant::sign_up(&deployment.gateway).await?;
    let loaded = tenant.customer("Load customer").await?;
    let mut customers = Vec::with_capacity(PROBE_CUSTOMERS);
    for n in 0..PROBE_CUSTOMERS {
        customers.push(tenant.customer(&format!("Probe customer {n}")).await?);
    }
    let customers = Arc::new(customers);
    // The first events also open the consumers' connections and caches.
    probe(&tenant, &customers, Duration::from_secs(2)).await?;

    let idle = probe(&tenant, &customers, IDLE).await?;
    let duration = load::duration().max(Duration::from_secs(10));
    let load = Load {
        clients: LOAD_CLIENTS,
        ..tenant.creating("Lag load", Some(loaded))
    }
    .lasting(duration + 2 * MARGIN)
    .paced(RATE - PROBE_RATE);
    let generator = tokio::spawn(async move { load::run(&load).await });
    tokio::time::sleep(MARGIN).await;
    let busy = probe(&tenant, &customers, duration).await;
    let sent = generator.await??;
    let busy = busy?;

    let (i99, b99) = (percentile(&idle.lags, 99.0), percentile(&busy.lags, 99.0));
    // A lag measured at a lower rate than asked is not the figure of the goal.
    let reached = sent.per_second() >= 0.95 * (RATE - PROBE_RATE);
    println!(
        "lag {name} ({}): p99 {} at {RATE:.0} creates/s / {} with no load = {:.1}x (goal <= 250 ms at {RATE:.0}/s: {}); \
         p50 {} / {}; {} probes ({} lost); the load reached {:.0} of {:.0} creates/s asked{}{}",
        options.describe(),
        ms(b99),
        ms(i99),
        ratio(b99.as_secs_f64(), i99.as_secs_f64()),
        verdict(reached && busy.lost == 0 && b99 <= Duration::from_millis(250)),
        ms(percentile(&busy.lags, 50.0)),
        ms(percentile(&idle.lags, 50.0)),
        busy.lags.len(),
        busy.lost,
        sent.per_second(),
        RATE - PROBE_RATE,
        if reached {
            ""
        } else {
            " (the product did not take the rate: the lag is of a lower one)"
        },
        sent.failures(),
    );
    Ok(())
}

/// Samples of one probing period.
struct Probed {
    lags: Vec<Duration>,
    lost: usize,
}

/// Probes at `PROBE_RATE` for `duration`.
async fn probe(
    tenant: &Tenant,
    customers: &Arc<Vec<Uuid>>,
    duration: Duration,
) -> anyhow::Result<Probed> {
    let mut interval = tokio::time::interval(Duration::from_secs_f64(1.0 / PROBE_RATE));
    let started = Instant::now();
    let mut probes = Vec::new();
    let mut n = 0;
    while started.elapsed() < duration {
        interval.tick().await;
        let customer = customers[n % customers.len()];
        n += 1;
        let tenant = tenant.clone();
        probes.push(tokio::spawn(async move { one(&tenant, customer).await }));
    }
    let mut probed = Probed {
        lags: Vec::new(),
        lost: 0,
    };
    for probe in probes {
        match probe.await?? {
            Some(lag) => probed.lags.push(lag),
            None => probed.lost += 1,
        }
    }
    Ok(probed)
}

/// One probe: its lag, or `None` if the ticket never reached the card.
async fn one(tenant: &Tenant, customer: Uuid) -> anyhow::Result<Option<Duration>> {
    let ticket = tenant.ticket("Lag probe", Some(customer)).await?;
    let answered = Instant::now();
    let card = format!("/api/v1/customers/{customer}/card");
    while answered.elapsed() < GIVE_UP {
        // A failed read is one more read that did not show the ticket.
        let on_card = tenant.get(&card).await.is_ok_and(|card| {
            card["tickets"]["items"]
                .as_array()
                .is_some_and(|items| items.iter().any(|t| t["ticket_id"] == ticket.to_string()))
        });
        if on_card {
            return Ok(Some(answered.elapsed()));
        }
        tokio::time::sleep(POLL).await;
    }
    Ok(None)
}
