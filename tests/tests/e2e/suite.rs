//! Starts the whole suite on loopback ports with fresh databases, and the steps every
//! scenario takes first: signing a tenant up and logging people in.
//!
//! With `KEFU_E2E_GATEWAY_URL` set, the scenarios run instead against a suite already
//! running elsewhere (CI's split-process run: every service its own `kefu serve
//! --service …` process on PostgreSQL and Kafka); `KEFU_E2E_KAFKA_BROKERS` then names
//! that suite's brokers, for the scenarios that read the event log.

use std::sync::Arc;

use kefu_events::{Delivery, Envelope, EventBus, Subscription};
use kefu_testkit::TestClient;
use serde_json::{json, Value};

/// The password every scenario's people use.
pub const PASSWORD: &str = "correct horse battery staple 42";

pub struct Running {
    pub gateway_url: String,
    /// The suite this test started; `None` when it runs against an outside one.
    pub suite: Option<kefu::Suite>,
    /// The event bus the services share.
    pub bus: Arc<dyn EventBus>,
    /// Each service's database URL, when this test started the suite.
    pub databases: Vec<(&'static str, String)>,
}

impl Running {
    pub async fn stop(&self) {
        if let Some(suite) = &self.suite {
            suite.stop().await;
        }
    }

    /// The suite this test started in-process; panics against an outside suite (see
    /// [`outside_suite`]).
    pub fn in_process(&self) -> &kefu::Suite {
        self.suite
            .as_ref()
            .expect("this scenario needs the suite in-process")
    }

    /// A reader of `topic` from its start, in a consumer group of its own: an outside
    /// suite's log holds every other test's events too.
    pub async fn read_topic(&self, topic: &str) -> TopicReader {
        let group = kefu_testkit::unique_slug("e2e-reader");
        let subscription = self
            .bus
            .subscribe(&group, &[topic.to_string()])
            .await
            .expect("subscribing to the event log");
        TopicReader(subscription)
    }

    /// An anonymous client of the gateway.
    pub fn gateway(&self) -> TestClient {
        TestClient::new(&self.gateway_url)
    }

    /// Signs up tenant `slug` in `time_zone` with owner `email`: (signup answer, owner client).
    pub async fn sign_up(&self, slug: &str, time_zone: &str, email: &str) -> (Value, TestClient) {
        let signed_up = self
            .gateway()
            .post(
                "/api/v1/tenants",
                &json!({
                    "tenant": {"name": format!("Centre {slug}"), "slug": slug, "time_zone": time_zone},
                    "owner": {"name": "Owner", "email": email, "password": PASSWORD}
                }),
            )
            .await
            .expect(201);
        let owner = self.log_in(slug, email).await;
        (signed_up, owner)
    }

    /// Waits until tickets has taken the tenant's `tenant.created` (its default calendar
    /// is there): across processes that event can trail the sign-up answer.
    pub async fn tickets_knows_the_tenant(&self, owner: &TestClient) {
        for _ in 0..600 {
            let calendars = owner.get("/api/v1/calendars").await.expect(200);
            if calendars["items"].as_array().is_some_and(|c| !c.is_empty()) {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("tickets never seeded the tenant's calendar");
    }

    /// A client holding the access token of `email` in tenant `slug`.
    pub async fn log_in(&self, slug: &str, email: &str) -> TestClient {
        let tokens = self
            .gateway()
            .post_form(
                "/oauth/token",
                &[
                    ("grant_type", "password"),
                    ("tenant", slug),
                    ("username", email),
                    ("password", PASSWORD),
                ],
            )
            .await
            .expect(200);
        self.gateway()
            .with_token(tokens["access_token"].as_str().unwrap())
    }
}

/// The gateway of a suite running elsewhere, when `KEFU_E2E_GATEWAY_URL` names one.
pub fn outside_suite() -> Option<String> {
    std::env::var("KEFU_E2E_GATEWAY_URL")
        .ok()
        .filter(|url| !url.trim().is_empty())
}

/// True (and says so) when a scenario that needs the suite in-process — a fixed clock,
/// its mail folder — must be skipped because the tests run against an outside suite.
pub fn skipped_outside(scenario: &str) -> bool {
    let outside = outside_suite().is_some();
    if outside {
        kefu_testkit::skipped(
            scenario,
            "runs against the suite in-process only, not an outside one",
        );
    }
    outside
}

/// The whole suite: started here, or the outside one of `KEFU_E2E_GATEWAY_URL`.
pub async fn start() -> Running {
    let Some(gateway_url) = outside_suite() else {
        return start_with_clock(kefu_platform::clock::Clock::system()).await;
    };
    kefu_testkit::init_test_logging();
    let brokers = std::env::var("KEFU_E2E_KAFKA_BROKERS")
        .expect("KEFU_E2E_KAFKA_BROKERS names the outside suite's Kafka brokers");
    let bus = kefu_events::BusSettings {
        kind: kefu_events::BusKind::Kafka { brokers },
        ..kefu_events::BusSettings::embedded(&std::env::temp_dir())
    }
    .connect()
    .await
    .unwrap();
    Running {
        gateway_url: gateway_url.trim_end_matches('/').to_string(),
        suite: None,
        bus,
        databases: Vec::new(),
    }
}

/// The suite with tickets reading the time from `clock`.
pub async fn start_with_clock(clock: kefu_platform::clock::Clock) -> Running {
    kefu_testkit::init_test_logging();
    let gateway_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let gateway_url = format!("http://{}", gateway_listener.local_addr().unwrap());
    let mut databases = Vec::new();
    let mut services = Vec::new();
    for entry in kefu::registry::SERVICES {
        let database = kefu_testkit::fresh_database_url(entry.name).await.unwrap();
        let mut settings = (entry.for_tests)(&database, &gateway_url);
        settings.set_clock(clock.clone());
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        services.push((entry, settings, listener));
        databases.push((entry.name, database));
    }
    let config = kefu::SuiteConfig {
        services,
        gateway: kefu_gateway::Settings::new(gateway_url.clone()),
        gateway_listener,
        bus: kefu_events::BusSettings::embedded(
            &std::env::temp_dir()
                .join("kefu-tests")
                .join(kefu_testkit::unique_slug("bus")),
        ),
    };
    let suite = kefu::Suite::start(config).await.unwrap();
    Running {
        gateway_url,
        bus: suite.bus.clone(),
        suite: Some(suite),
        databases,
    }
}

/// One topic's events as a scenario reads them (see [`Running::read_topic`]).
pub struct TopicReader(Box<dyn Subscription>);

impl TopicReader {
    /// The next `event_type` event of tenant `tenant_id`, or `None` once `deadline` passes.
    pub async fn next_of(
        &mut self,
        event_type: &str,
        tenant_id: &str,
        deadline: tokio::time::Instant,
    ) -> Option<(Envelope, Delivery)> {
        loop {
            let delivery = tokio::time::timeout_at(deadline, self.0.next())
                .await
                .ok()?
                .expect("reading the event log");
            let envelope: Envelope = serde_json::from_slice(&delivery.record.payload).unwrap();
            if envelope.event_type == event_type && envelope.tenant_id.to_string() == tenant_id {
                return Some((envelope, delivery));
            }
        }
    }
}
