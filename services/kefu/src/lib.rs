//! The one Kefu binary's library: starts the whole suite in one process (each
//! service on its own loopback port, the gateway in front), or one service alone.

pub mod demo;
pub mod openapi;

use std::net::TcpListener;

use actix_web::dev::ServerHandle;
use anyhow::Context;

/// What the all-in-one suite needs.
pub struct SuiteConfig {
    /// Accounts settings.
    pub accounts: kefu_accounts::Settings,
    /// Where accounts listens (a loopback port).
    pub accounts_listener: TcpListener,
    /// Customers settings.
    pub customers: kefu_customers::Settings,
    /// Where customers listens (a loopback port).
    pub customers_listener: TcpListener,
    /// Tickets settings.
    pub tickets: kefu_tickets::Settings,
    /// Where tickets listens (a loopback port).
    pub tickets_listener: TcpListener,
    /// Gateway settings; its upstreams are filled in from the listeners.
    pub gateway: kefu_gateway::Settings,
    /// Where the gateway listens.
    pub gateway_listener: TcpListener,
    /// The event bus every service's relay and consumers use.
    pub bus: kefu_events::BusSettings,
}

/// A running suite.
pub struct Suite {
    /// Base URL of the gateway.
    pub gateway_url: String,
    /// Base URL of accounts (loopback).
    pub accounts_url: String,
    /// The accounts state (for admin commands and demo seeding).
    pub accounts: kefu_accounts::AppState,
    /// The customers state.
    pub customers: kefu_customers::AppState,
    /// The tickets state.
    pub tickets: kefu_tickets::AppState,
    /// The event bus the services share.
    pub bus: std::sync::Arc<dyn kefu_events::EventBus>,
    handles: Vec<ServerHandle>,
    tasks: Vec<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl Suite {
    /// Starts every service built so far and the gateway.
    pub async fn start(config: SuiteConfig) -> anyhow::Result<Self> {
        let accounts_url = format!("http://{}", config.accounts_listener.local_addr()?);
        let gateway_url = format!("http://{}", config.gateway_listener.local_addr()?);
        let bus = config
            .bus
            .connect()
            .await
            .context("connecting to the event bus")?;
        let accounts = kefu_accounts::build_state(config.accounts)
            .await
            .context("starting accounts")?
            .with_bus(bus.clone());
        let accounts_server = kefu_platform::http::serve(
            kefu_accounts::spec(accounts.clone()),
            config.accounts_listener,
        )?;
        let jwks = format!("{accounts_url}/.well-known/jwks.json");
        let customers_url = format!("http://{}", config.customers_listener.local_addr()?);
        let customers = kefu_customers::build_state(config.customers)
            .await
            .context("starting customers")?
            .with_bus(bus.clone())
            .await
            .context("starting the customers consumers")?;
        let customers_server = kefu_platform::http::serve(
            kefu_customers::spec(
                customers.clone(),
                jwks_verifier(jwks.clone(), &accounts.settings.issuer),
            ),
            config.customers_listener,
        )?;
        let tickets_url = format!("http://{}", config.tickets_listener.local_addr()?);
        let tickets = kefu_tickets::build_state(config.tickets)
            .await
            .context("starting tickets")?
            .with_bus(bus.clone())
            .await
            .context("starting the tickets consumers")?;
        let tickets_server = kefu_platform::http::serve(
            kefu_tickets::spec(
                tickets.clone(),
                jwks_verifier(jwks, &accounts.settings.issuer),
            ),
            config.tickets_listener,
        )?;
        let gateway = config
            .gateway
            .with_upstream("accounts", accounts_url.clone())
            .with_upstream("customers", customers_url)
            .with_upstream("tickets", tickets_url);
        let verifier = gateway.verifier()?;
        let gateway_server = kefu_gateway::serve(gateway, verifier, config.gateway_listener)?;
        let handles = vec![
            gateway_server.handle(),
            accounts_server.handle(),
            customers_server.handle(),
            tickets_server.handle(),
        ];
        let tasks = vec![
            tokio::spawn(accounts_server),
            tokio::spawn(customers_server),
            tokio::spawn(tickets_server),
            tokio::spawn(gateway_server),
        ];
        Ok(Self {
            gateway_url,
            accounts_url,
            accounts,
            customers,
            tickets,
            bus,
            handles,
            tasks,
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
        result.context("server task panicked")??;
        Ok(())
    }

    /// Stops every server gracefully.
    pub async fn stop(&self) {
        for handle in &self.handles {
            handle.stop(true).await;
        }
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
