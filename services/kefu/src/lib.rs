//! The one Kefu binary's library: starts the whole suite in one process (each
//! service on its own loopback port, the gateway in front), or one service alone.

pub mod demo;
pub mod error_codes;
pub mod openapi;
pub mod registry;

use std::net::TcpListener;

use actix_web::dev::ServerHandle;
use anyhow::Context;

/// A service of the registry to start: its entry, its settings, where it listens.
pub type ServiceToStart = (
    &'static registry::ServiceEntry,
    Box<dyn registry::Launch>,
    TcpListener,
);

/// What the all-in-one suite needs.
pub struct SuiteConfig {
    /// Every service of the registry, in its order, with its settings and where it
    /// listens (a loopback port).
    pub services: Vec<ServiceToStart>,
    /// Gateway settings; its upstreams are filled in from the listeners.
    pub gateway: kefu_gateway::Settings,
    /// Where the gateway listens.
    pub gateway_listener: TcpListener,
    /// The event bus every service's relay and consumers use.
    pub bus: kefu_events::BusSettings,
}

impl SuiteConfig {
    /// Every service of the registry with its settings from the environment, on the
    /// listener its `KEFU_<NAME>_ADDR` names (default 127.0.0.1 and its port).
    pub fn services_from_env() -> anyhow::Result<Vec<ServiceToStart>> {
        registry::SERVICES
            .iter()
            .map(|entry| {
                let addr = kefu_platform::config::var(&entry.addr_var())
                    .unwrap_or_else(|| format!("127.0.0.1:{}", entry.port));
                let listener = TcpListener::bind(&addr)
                    .with_context(|| format!("binding {addr} ({})", entry.addr_var()))?;
                Ok((entry, (entry.from_env)()?, listener))
            })
            .collect()
    }
}

/// A running suite.
pub struct Suite {
    /// Base URL of the gateway.
    pub gateway_url: String,
    /// Base URL of each service (loopback), by name.
    pub service_urls: Vec<(&'static str, String)>,
    /// The accounts state (for admin commands and demo seeding).
    pub accounts: kefu_accounts::AppState,
    /// The event bus the services share.
    pub bus: std::sync::Arc<dyn kefu_events::EventBus>,
    handles: Vec<ServerHandle>,
    tasks: Vec<tokio::task::JoinHandle<std::io::Result<()>>>,
    jobs: Vec<kefu_platform::jobs::Job>,
}

/// How long a periodic job's run in progress may take to finish when the suite stops.
pub const JOB_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

impl Suite {
    /// Starts every service of the registry and the gateway.
    pub async fn start(config: SuiteConfig) -> anyhow::Result<Self> {
        let gateway_url = format!("http://{}", config.gateway_listener.local_addr()?);
        let bus = config
            .bus
            .connect()
            .await
            .context("connecting to the event bus")?;
        let mut service_urls = Vec::new();
        let mut servers = Vec::new();
        let mut accounts = None;
        let mut jwks = None;
        let mut gateway = config.gateway;
        let mut jobs = Vec::new();
        for (entry, settings, listener) in config.services {
            let url = format!("http://{}", listener.local_addr()?);
            let started = settings
                .start(bus.clone(), jwks.clone())
                .await
                .with_context(|| format!("starting {}", entry.name))?;
            if let Some(state) = started.accounts {
                jwks = Some(format!("{url}/.well-known/jwks.json"));
                accounts = Some(state);
            }
            jobs.extend(started.jobs);
            servers.push(kefu_platform::http::serve(started.spec, listener)?);
            gateway = gateway.with_upstream(entry.name, url.clone());
            service_urls.push((entry.name, url));
        }
        let accounts = accounts.context("the registry has no accounts service")?;
        let verifier = gateway.verifier()?;
        servers.push(kefu_gateway::serve(
            gateway,
            verifier,
            config.gateway_listener,
        )?);
        let handles = servers.iter().map(|server| server.handle()).collect();
        let tasks = servers.into_iter().map(tokio::spawn).collect();
        Ok(Self {
            gateway_url,
            service_urls,
            accounts,
            bus,
            handles,
            tasks,
            jobs,
        })
    }

    /// Waits until any server stops (normally on Ctrl-C / SIGTERM).
    pub async fn wait(self) -> anyhow::Result<()> {
        let (result, _, rest) = futures_select_all(self.tasks).await;
        for handle in &self.handles {
            handle.stop(true).await;
        }
        for task in rest {
            let _ = task.await;
        }
        kefu_platform::jobs::shutdown_all(&self.jobs, JOB_GRACE).await;
        result.context("server task panicked")??;
        Ok(())
    }

    /// Stops every server gracefully, then the periodic jobs (a run in progress gets
    /// [`JOB_GRACE`] to finish).
    pub async fn stop(&self) {
        for handle in &self.handles {
            handle.stop(true).await;
        }
        kefu_platform::jobs::shutdown_all(&self.jobs, JOB_GRACE).await;
    }
}

/// The token verifier of a service other than accounts: the key set at `jwks`.
pub fn jwks_verifier(jwks: String, issuer: &str) -> kefu_platform::auth::TokenVerifier {
    kefu_platform::auth::TokenVerifier::new(
        std::sync::Arc::new(kefu_platform::auth::HttpJwks::new(jwks)),
        issuer.to_string(),
    )
}

async fn futures_select_all(
    tasks: Vec<tokio::task::JoinHandle<std::io::Result<()>>>,
) -> (
    Result<std::io::Result<()>, tokio::task::JoinError>,
    usize,
    Vec<tokio::task::JoinHandle<std::io::Result<()>>>,
) {
    futures_util::future::select_all(tasks).await
}
