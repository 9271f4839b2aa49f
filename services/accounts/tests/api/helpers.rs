//! `spawn_app()` and fixtures: a fresh database and tenant per test.

use chrono::Utc;
use kefu_accounts::tokens::{access_token, Principal};
use kefu_accounts::{AppState, Settings};
use kefu_testkit::{TestClient, TestResponse, TestServer};
use serde_json::{json, Value};
use uuid::Uuid;

/// The issuer tests run under.
pub const ISSUER: &str = "http://kefu.test";
/// A password every fixture uses; the log check greps for it.
pub const PASSWORD: &str = "correct horse battery staple 42";

/// Accounts on a random port with its own database.
pub struct TestApp {
    pub server: TestServer,
    pub state: AppState,
}

/// A signed-up tenant with its owner logged in.
pub struct Tenant {
    pub id: Uuid,
    pub slug: String,
    pub owner_id: Uuid,
    pub owner_email: String,
    pub token: String,
    pub refresh_token: String,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Like `spawn_app`, with settings adjusted first.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    kefu_testkit::init_test_logging();
    let url = kefu_testkit::fresh_database_url("accounts")
        .await
        .expect("database");
    let mut settings = Settings::for_tests(&url, ISSUER);
    adjust(&mut settings);
    let state = kefu_accounts::build_state(settings).await.expect("state");
    let server = kefu_testkit::spawn_service(kefu_accounts::spec(state.clone())).expect("server");
    TestApp { server, state }
}

impl TestApp {
    pub fn client(&self) -> TestClient {
        self.server.client()
    }

    pub fn as_token(&self, token: &str) -> TestClient {
        self.server.client().with_token(token)
    }

    pub fn signup_body(slug: &str) -> Value {
        json!({
            "tenant": {"name": format!("Tenant {slug}"), "slug": slug, "time_zone": "Europe/Paris"},
            "owner": {"name": "Olivia Owner", "email": format!("owner@{slug}.example"), "password": PASSWORD},
        })
    }

    pub async fn login(&self, slug: &str, email: &str, password: &str) -> TestResponse {
        self.client()
            .post_form(
                "/oauth/token",
                &[
                    ("grant_type", "password"),
                    ("tenant", slug),
                    ("username", email),
                    ("password", password),
                ],
            )
            .await
    }

    /// Signs up a fresh tenant and logs its owner in.
    pub async fn tenant(&self) -> Tenant {
        let slug = kefu_testkit::unique_slug("t");
        let body = self
            .client()
            .post("/api/v1/tenants", &Self::signup_body(&slug))
            .await
            .expect(201);
        let owner_email = body["owner"]["email"].as_str().expect("email").to_string();
        let tokens = self.login(&slug, &owner_email, PASSWORD).await.expect(200);
        Tenant {
            id: body["tenant"]["id"]
                .as_str()
                .expect("id")
                .parse()
                .expect("uuid"),
            slug,
            owner_id: body["owner"]["id"]
                .as_str()
                .expect("id")
                .parse()
                .expect("uuid"),
            owner_email,
            token: tokens["access_token"].as_str().expect("token").to_string(),
            refresh_token: tokens["refresh_token"]
                .as_str()
                .expect("refresh")
                .to_string(),
        }
    }

    /// A token of `user` in `tenant` holding exactly `scopes`, with a live session.
    pub async fn token_with_scopes(&self, tenant: &Tenant, user: Uuid, scopes: &[&str]) -> String {
        let expires = Utc::now() + chrono::Duration::days(1);
        let (session, _) = kefu_accounts::store::sessions::start(
            &self.state.db,
            Some(tenant.id),
            user,
            None,
            expires,
        )
        .await
        .expect("session");
        let principal = Principal {
            subject: user,
            tenant: Some(tenant.id),
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
            roles: vec!["test".into()],
            customer: None,
            session: Some(session.id),
            plan: Some("free".into()),
        };
        access_token(&self.state, &principal).await.expect("token")
    }

    /// Creates an active user with `roles` and returns (id, access token).
    pub async fn user(&self, tenant: &Tenant, roles: &[&str]) -> (Uuid, String) {
        let email = format!("{}@{}.example", Uuid::now_v7().simple(), tenant.slug);
        let body = self
            .as_token(&tenant.token)
            .post(
                "/api/v1/users",
                &json!({"email": email, "name": "Uma User", "roles": roles, "password": PASSWORD}),
            )
            .await
            .expect(201);
        let id = body["id"].as_str().expect("id").parse().expect("uuid");
        let tokens = self.login(&tenant.slug, &email, PASSWORD).await.expect(200);
        (
            id,
            tokens["access_token"].as_str().expect("token").to_string(),
        )
    }
}

impl TestApp {
    /// Waits for an `.eml` file containing `needle` in the embedded mail folder.
    pub async fn wait_for_mail_file(&self, needle: &str) -> String {
        kefu_testkit::wait_for_mail_file(&self.state.settings.mail, needle)
            .await
            .unwrap_or_else(|| panic!("no mail containing {needle:?}"))
    }
}

/// Creates the platform operator `ops@kefu.example` and returns its access token.
pub async fn operator_token(app: &TestApp) -> String {
    let hash = kefu_accounts::domain::password::hash(PASSWORD).unwrap();
    kefu_accounts::store::operators::create(&app.state.db, "ops@kefu.example", "Ops", hash)
        .await
        .unwrap();
    let ops = app
        .client()
        .post_form(
            "/oauth/token",
            &[
                ("grant_type", "password"),
                ("username", "ops@kefu.example"),
                ("password", PASSWORD),
            ],
        )
        .await
        .expect(200);
    ops["access_token"].as_str().unwrap().to_string()
}

/// The events of `tenant` in its outbox, oldest first, as (type, data).
pub async fn events_of(app: &TestApp, tenant: Uuid) -> Vec<(String, Value)> {
    use kefu_events::outbox::entity;
    use sea_orm::{EntityTrait, QueryOrder};
    entity::Entity::find()
        .order_by_asc(entity::Column::Seq)
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| serde_json::from_str::<Value>(&row.payload).unwrap())
        .filter(|envelope| envelope["tenant_id"] == tenant.to_string())
        .map(|envelope| {
            let kind = envelope["type"].as_str().unwrap().to_string();
            (kind, envelope["data"].clone())
        })
        .collect()
}

/// The first token with `prefix` in a text (e.g. an email).
pub fn token_in(text: &str, prefix: &str) -> String {
    let start = text.find(prefix).expect("token in text");
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect()
}
