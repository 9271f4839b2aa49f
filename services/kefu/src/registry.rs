//! The service registry: the one list of Kefu's services. The suite, `kefu serve
//! --service`, `kefu migrate`, the merged OpenAPI document, the end-to-end suite and the
//! bench read it; a test checks compose, the chart, the database set-up, the CI scripts
//! and the Dockerfile against it. Adding a service is its crate, one entry here, and
//! its deploy values (the README's checklist).

use std::sync::Arc;

use anyhow::Context;
use async_trait::async_trait;
use kefu_events::EventBus;
use kefu_platform::clock::Clock;
use kefu_platform::error::ErrorCode;
use kefu_platform::http::ServiceSpec;

/// One service of the suite.
pub struct ServiceEntry {
    /// Its name: `kefu serve --service <name>`, `KEFU_<NAME>_ADDR`,
    /// `KEFU_<NAME>_DATABASE_URL`, the gateway's upstream and its paths' owner.
    pub name: &'static str,
    /// Its port: on 127.0.0.1 in the suite, on 0.0.0.0 alone.
    pub port: u16,
    /// Its OpenAPI document.
    pub openapi: fn() -> utoipa::openapi::OpenApi,
    /// Its public error codes, beside the platform's own (`docs/error-codes.md`).
    pub error_codes: &'static [ErrorCode],
    /// Its settings from the environment.
    pub from_env: fn() -> anyhow::Result<Box<dyn Launch>>,
    /// Its settings for a test: a database and the public URL (then `Launch::set_clock`).
    pub for_tests: fn(&str, &str) -> Box<dyn Launch>,
}

impl ServiceEntry {
    /// The variable naming where it listens.
    pub fn addr_var(&self) -> String {
        format!("KEFU_{}_ADDR", self.name.to_uppercase())
    }

    /// The variable naming its database.
    pub fn database_var(&self) -> String {
        format!("KEFU_{}_DATABASE_URL", self.name.to_uppercase())
    }
}

/// Every service, in start order: accounts first, since the others verify its tokens.
pub const SERVICES: &[ServiceEntry] = &[
    ServiceEntry {
        name: "accounts",
        port: 8081,
        openapi: kefu_accounts::openapi,
        error_codes: kefu_accounts::error_codes::ERROR_CODES,
        from_env: || Ok(Box::new(kefu_accounts::Settings::from_env()?)),
        for_tests: |database, public_url| {
            Box::new(kefu_accounts::Settings::for_tests(database, public_url))
        },
    },
    ServiceEntry {
        name: "customers",
        port: 8082,
        openapi: kefu_customers::openapi,
        error_codes: kefu_customers::error_codes::ERROR_CODES,
        from_env: || Ok(Box::new(kefu_customers::Settings::from_env()?)),
        for_tests: |database, public_url| {
            Box::new(kefu_customers::Settings::for_tests(database, public_url))
        },
    },
    ServiceEntry {
        name: "tickets",
        port: 8083,
        openapi: kefu_tickets::openapi,
        error_codes: kefu_tickets::error_codes::ERROR_CODES,
        from_env: || Ok(Box::new(kefu_tickets::Settings::from_env()?)),
        for_tests: |database, public_url| {
            Box::new(kefu_tickets::Settings::for_tests(database, public_url))
        },
    },
];

/// The gateway's name for `kefu serve --service`; it is not in [`SERVICES`] because it
/// holds no data and routes to the others.
pub const GATEWAY: &str = "gateway";

/// The gateway's port (`KEFU_GATEWAY_ADDR` defaults to `0.0.0.0:8080`).
pub const GATEWAY_PORT: u16 = 8080;

/// The entry named `name`.
pub fn find(name: &str) -> Option<&'static ServiceEntry> {
    SERVICES.iter().find(|entry| entry.name == name)
}

/// Every name `kefu serve --service` takes.
pub fn names() -> Vec<&'static str> {
    SERVICES
        .iter()
        .map(|entry| entry.name)
        .chain([GATEWAY])
        .collect()
}

/// A service started: its HTTP spec, and the accounts state for the demo seed.
pub struct Started {
    /// Routes, consumers and jobs, to serve.
    pub spec: ServiceSpec,
    /// Accounts' state (the demo tenant and admin commands use it).
    pub accounts: Option<kefu_accounts::AppState>,
    /// Its periodic jobs, to shut down when it stops.
    pub jobs: Vec<kefu_platform::jobs::Job>,
}

/// A service's settings, able to migrate and start it.
#[async_trait]
pub trait Launch: Send {
    /// Its database.
    fn database_url(&self) -> &str;
    /// The token issuer it expects.
    fn issuer(&self) -> &str;
    /// Makes it read `clock` (tests on a fixed clock); a service without time rules ignores it.
    fn set_clock(&mut self, _clock: Clock) {}
    /// Applies its migrations.
    async fn migrate(&self) -> anyhow::Result<()>;
    /// Builds it on `bus`. `jwks` is where the key set is in the suite (accounts' own
    /// URL); alone, a service takes it from its settings (`KEFU_JWKS_URL`).
    async fn start(
        self: Box<Self>,
        bus: Arc<dyn EventBus>,
        jwks: Option<String>,
    ) -> anyhow::Result<Started>;
}

#[async_trait]
impl Launch for kefu_accounts::Settings {
    fn database_url(&self) -> &str {
        &self.database_url
    }
    fn issuer(&self) -> &str {
        &self.issuer
    }
    async fn migrate(&self) -> anyhow::Result<()> {
        kefu_platform::db::connect_and_migrate::<kefu_accounts::Migrator>(&self.database_url)
            .await?;
        Ok(())
    }
    async fn start(
        self: Box<Self>,
        bus: Arc<dyn EventBus>,
        _jwks: Option<String>,
    ) -> anyhow::Result<Started> {
        let state = kefu_accounts::build_state(*self).await?.with_bus(bus);
        Ok(Started {
            jobs: state.jobs.clone(),
            spec: kefu_accounts::spec(state.clone()),
            accounts: Some(state),
        })
    }
}

/// `Launch` for a service whose tokens are verified against accounts' key set.
macro_rules! verified_service {
    ($krate:ident) => {
        #[async_trait]
        impl Launch for $krate::Settings {
            fn database_url(&self) -> &str {
                &self.database_url
            }
            fn issuer(&self) -> &str {
                &self.issuer
            }
            fn set_clock(&mut self, clock: Clock) {
                self.clock = clock;
            }
            async fn migrate(&self) -> anyhow::Result<()> {
                kefu_platform::db::connect_and_migrate::<$krate::Migrator>(&self.database_url)
                    .await?;
                Ok(())
            }
            async fn start(
                self: Box<Self>,
                bus: Arc<dyn EventBus>,
                jwks: Option<String>,
            ) -> anyhow::Result<Started> {
                let jwks = jwks.or_else(|| self.jwks_url.clone()).context(
                    "a service running alone needs KEFU_JWKS_URL (accounts' /.well-known/jwks.json)",
                )?;
                let verifier = crate::jwks_verifier(jwks, &self.issuer);
                let state = $krate::build_state(*self).await?.with_bus(bus).await?;
                Ok(Started {
                    jobs: state.jobs.clone(),
                    spec: $krate::spec(state, verifier),
                    accounts: None,
                })
            }
        }
    };
}

verified_service!(kefu_customers);
verified_service!(kefu_tickets);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_ports_are_unique_and_accounts_starts_first() {
        let mut names = names();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), SERVICES.len() + 1);
        let mut ports: Vec<u16> = SERVICES.iter().map(|s| s.port).collect();
        ports.sort_unstable();
        ports.dedup();
        assert_eq!(ports.len(), SERVICES.len());
        assert_eq!(SERVICES[0].name, "accounts");
    }
}

#[cfg(test)]
mod routing_tests {
    use super::SERVICES;

    /// The gateway's prefix table sends every path of every service's own document to
    /// that service, so no operation is documented that the gateway would route elsewhere
    /// (or nowhere).
    #[test]
    fn every_documented_path_routes_to_the_service_that_documents_it() {
        let settings = SERVICES.iter().fold(
            kefu_gateway::Settings::new("http://kefu.test"),
            |settings, entry| {
                settings.with_upstream(entry.name, format!("http://{}.internal", entry.name))
            },
        );
        let table = kefu_gateway::routes::RoutingTable::from_settings(&settings);
        let mut checked = 0;
        for entry in SERVICES {
            let document = serde_json::to_value((entry.openapi)()).unwrap_or_default();
            for path in document["paths"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(p, _)| p)
            {
                let concrete = path
                    .split('/')
                    .map(|part| {
                        if part.starts_with('{') {
                            "0193a0c4-f177-7f28-a85c-2cce39263059"
                        } else {
                            part
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("/");
                let routed = table
                    .resolve(&concrete)
                    .map(|upstream| upstream.name.clone());
                assert_eq!(
                    routed.as_deref(),
                    Some(entry.name),
                    "{path}, documented by {}, is routed to {routed:?}",
                    entry.name
                );
                checked += 1;
            }
        }
        assert!(checked > 80, "only {checked} paths");
    }
}
