//! `spawn_app()` and fixtures: a fresh database, signing keys and tenant per test.

use kefu_customers::{AppState, Settings};
use kefu_events::catalogue::accounts::UserData;
use kefu_testkit::{TestClient, TestKeys, TestServer};
use serde_json::Value;
use uuid::Uuid;

/// The issuer tests run under.
pub const ISSUER: &str = "http://kefu.test";

/// Every staff scope of customers.
pub const STAFF: &[&str] = &["customers:read", "customers:write", "customers:admin"];

/// Customers on a random port with its own database, and a tenant to act in.
pub struct TestApp {
    pub server: TestServer,
    pub state: AppState,
    pub keys: TestKeys,
    pub tenant: Uuid,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with_bus(None).await
}

/// Like `spawn_app`, consuming from and relaying to `bus` when given.
pub async fn spawn_app_with_bus(bus: Option<std::sync::Arc<dyn kefu_events::EventBus>>) -> TestApp {
    spawn_app_with(bus, kefu_platform::clock::Clock::system()).await
}

/// Like `spawn_app`, reading the time from `clock`.
pub async fn spawn_app_at(clock: kefu_platform::clock::Clock) -> TestApp {
    spawn_app_with(None, clock).await
}

async fn spawn_app_with(
    bus: Option<std::sync::Arc<dyn kefu_events::EventBus>>,
    clock: kefu_platform::clock::Clock,
) -> TestApp {
    kefu_testkit::init_test_logging();
    let url = kefu_testkit::fresh_database_url("customers")
        .await
        .expect("database");
    let mut settings = Settings::for_tests(&url, ISSUER);
    settings.clock = clock;
    let mut state = kefu_customers::build_state(settings).await.expect("state");
    if let Some(bus) = bus {
        state = state.with_bus(bus).await.expect("bus");
    }
    let keys = TestKeys::generate(ISSUER).expect("keys");
    let server = kefu_testkit::spawn_service(kefu_customers::spec(state.clone(), keys.verifier()))
        .expect("server");
    TestApp {
        server,
        state,
        keys,
        tenant: Uuid::now_v7(),
    }
}

impl TestApp {
    pub fn as_token(&self, token: &str) -> TestClient {
        self.server.client().with_token(token)
    }

    /// A token of user `id` of `tenant` with `scopes`.
    pub fn token_of(&self, tenant: Uuid, id: Uuid, scopes: &[&str]) -> String {
        let mut claims = self.keys.claims(Some(tenant), scopes);
        claims.sub = id;
        self.keys.sign(&claims)
    }

    /// An active staff user the directory knows, with `scopes`: (id, client).
    pub async fn staff(&self, scopes: &[&str]) -> (Uuid, TestClient) {
        let id = Uuid::now_v7();
        let data = UserData {
            user_id: id,
            email: format!("{}@example.com", id.simple()),
            name: "Staff".into(),
            roles: vec!["account_manager".into()],
            team_ids: Vec::new(),
            status: "active".into(),
            customer_id: None,
        };
        kefu_directory::upsert_user(&self.state.db, self.tenant, &data)
            .await
            .unwrap();
        (id, self.as_token(&self.token_of(self.tenant, id, scopes)))
    }

    /// The types and data of the tenant's events in the outbox, oldest first.
    pub async fn events(&self) -> Vec<(String, Value)> {
        use kefu_events::outbox::entity;
        use sea_orm::{EntityTrait, QueryOrder};
        entity::Entity::find()
            .order_by_asc(entity::Column::Seq)
            .all(&self.state.db)
            .await
            .unwrap()
            .into_iter()
            .map(|row| serde_json::from_str::<Value>(&row.payload).unwrap())
            .filter(|e| e["tenant_id"] == self.tenant.to_string())
            .map(|e| (e["type"].as_str().unwrap().to_string(), e["data"].clone()))
            .collect()
    }
}

/// Creates a customer; the created body.
pub async fn create(client: &TestClient, body: Value) -> Value {
    client.post("/api/v1/customers", &body).await.expect(201)
}

/// The path of a customer.
pub fn path(customer: &Value) -> String {
    format!("/api/v1/customers/{}", customer["id"].as_str().unwrap())
}

/// A fresh embedded event log.
pub async fn embedded_bus() -> std::sync::Arc<dyn kefu_events::EventBus> {
    kefu_events::direct::scratch_log().await.unwrap()
}

/// Publishes `event` of `tenant` straight to the bus, as its producing service would.
pub async fn publish<E: kefu_events::Event>(
    bus: &std::sync::Arc<dyn kefu_events::EventBus>,
    tenant: Uuid,
    event: E,
) -> kefu_events::Envelope {
    kefu_events::direct::publish(bus, tenant, event)
        .await
        .unwrap()
}
