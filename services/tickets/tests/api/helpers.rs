//! `spawn_app()` and fixtures: a fresh database, signing keys and tenant per test.

use kefu_events::catalogue::accounts::UserData;
use kefu_testkit::{TestClient, TestKeys, TestServer};
use kefu_tickets::{AppState, Settings};
use serde_json::Value;
use uuid::Uuid;

/// The issuer tests run under.
pub const ISSUER: &str = "http://kefu.test";

/// Every staff scope of tickets.
pub const AGENT: &[&str] = &["tickets:read", "tickets:write", "tickets:assign"];

/// Tickets on a random port with its own database, and a tenant to act in.
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
    kefu_testkit::init_test_logging();
    let url = kefu_testkit::fresh_database_url("tickets")
        .await
        .expect("database");
    let mut state = kefu_tickets::build_state(Settings::for_tests(&url, ISSUER))
        .await
        .expect("state");
    if let Some(bus) = bus {
        state = state.with_bus(bus).await.expect("bus");
    }
    let keys = TestKeys::generate(ISSUER).expect("keys");
    let server = kefu_testkit::spawn_service(kefu_tickets::spec(state.clone(), keys.verifier()))
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
    pub fn token_of(
        &self,
        tenant: Uuid,
        id: Uuid,
        scopes: &[&str],
        customer: Option<Uuid>,
    ) -> String {
        let mut claims = self.keys.claims(Some(tenant), scopes);
        claims.sub = id;
        claims.cid = customer;
        self.keys.sign(&claims)
    }

    /// An active staff user the directory knows, with `scopes`: (id, client).
    pub async fn agent(&self, scopes: &[&str]) -> (Uuid, TestClient) {
        let id = Uuid::now_v7();
        self.know_user(id, "active", None).await;
        (
            id,
            self.as_token(&self.token_of(self.tenant, id, scopes, None)),
        )
    }

    /// A portal user of a customer: (id, customer id, client).
    pub async fn portal_user(&self) -> (Uuid, Uuid, TestClient) {
        let (id, customer) = (Uuid::now_v7(), Uuid::now_v7());
        self.know_user(id, "active", Some(customer)).await;
        let token = self.token_of(self.tenant, id, &["portal"], Some(customer));
        (id, customer, self.as_token(&token))
    }

    /// Puts a user into the directory as accounts' events would.
    pub async fn know_user(&self, id: Uuid, status: &str, customer: Option<Uuid>) {
        self.know_member(id, status, customer, Vec::new()).await;
    }

    /// Like `know_user`, as a member of `teams`.
    pub async fn know_member(
        &self,
        id: Uuid,
        status: &str,
        customer: Option<Uuid>,
        teams: Vec<Uuid>,
    ) {
        let data = UserData {
            user_id: id,
            email: format!("{}@example.com", id.simple()),
            name: "Test User".into(),
            roles: vec![if customer.is_some() {
                "customer"
            } else {
                "agent"
            }
            .into()],
            team_ids: teams,
            status: status.into(),
            customer_id: customer,
        };
        kefu_tickets::store::directory::upsert_user(&self.state.db, self.tenant, &data)
            .await
            .unwrap();
    }

    /// Seeds the tenant's calendar (Mon–Fri 9–18 in `time_zone`) and default policies,
    /// as accounts' `tenant.created` would.
    pub async fn seed_defaults(&self, time_zone: &str) {
        use sea_orm::TransactionTrait;
        let tenant = kefu_events::catalogue::accounts::TenantData {
            tenant_id: self.tenant,
            slug: "t".into(),
            name: "T".into(),
            plan: "free".into(),
            time_zone: time_zone.into(),
            status: "active".into(),
        };
        let txn = self.state.db.begin().await.unwrap();
        let scope = kefu_platform::TenantScope::for_worker(self.tenant, "test fixture");
        kefu_tickets::app::defaults::seed(&txn, scope.tenant(), &tenant)
            .await
            .unwrap();
        txn.commit().await.unwrap();
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

/// Creates a ticket with `body` and returns it.
pub async fn create(client: &TestClient, body: Value) -> Value {
    client.post("/api/v1/tickets", &body).await.expect(201)
}

/// The path of a ticket.
pub fn path(ticket: &Value) -> String {
    format!("/api/v1/tickets/{}", ticket["id"].as_str().unwrap())
}

/// A fresh embedded event log (always a SQLite file, also in the PostgreSQL run).
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

/// Puts an already published envelope on `topic` again (a redelivery).
pub async fn redeliver(
    bus: &std::sync::Arc<dyn kefu_events::EventBus>,
    envelope: &kefu_events::Envelope,
    topic: &str,
) {
    kefu_events::direct::redeliver(bus, envelope, topic)
        .await
        .unwrap()
}

pub use kefu_testkit::eventually;
