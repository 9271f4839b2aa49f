//! A tenant signed up through the gateway, as a customer would (README: sign-up, then
//! the password grant), and the API calls scenarios make to set their data up.

use std::time::{Duration, Instant};

use anyhow::Context;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::load::Load;

const PASSWORD: &str = "a long and unusual bench passphrase";

/// A signed-up tenant and its owner's access token.
#[derive(Clone)]
pub struct Tenant {
    client: reqwest::Client,
    gateway: String,
    /// The owner's access token (every scope).
    pub token: String,
}

impl Tenant {
    /// Its owner sending `GET path` to `base` (the gateway, or a service straight) flat out.
    pub fn reading(&self, base: &str, path: &str) -> Load {
        Load::flat_out("GET", format!("{base}{path}"), &self.token, None)
    }

    /// Its owner creating tickets through the gateway flat out, for `customer` if given.
    pub fn creating(&self, subject: &str, customer: Option<Uuid>) -> Load {
        Load::flat_out(
            "POST",
            format!("{}/api/v1/tickets", self.gateway),
            &self.token,
            Some(ticket_body(subject, customer).to_string()),
        )
    }

    /// Signs a new tenant up at `gateway`, logs its owner in, and waits until tickets
    /// and customers know it (they learn of it from `tenant.created`).
    pub async fn sign_up(gateway: &str) -> anyhow::Result<Self> {
        let client = reqwest::Client::new();
        let slug = kefu_testkit::unique_slug("bench");
        let email = format!("owner@{slug}.example");
        let answer = client
            .post(format!("{gateway}/api/v1/tenants"))
            .json(&json!({
                "tenant": {"name": format!("Bench {slug}"), "slug": slug, "time_zone": "UTC"},
                "owner": {"name": "Bench Owner", "email": email, "password": PASSWORD}
            }))
            .send()
            .await?;
        expect_success(answer, "signing up").await?;
        let answer = client
            .post(format!("{gateway}/oauth/token"))
            .form(&[
                ("grant_type", "password"),
                ("tenant", slug.as_str()),
                ("username", email.as_str()),
                ("password", PASSWORD),
            ])
            .send()
            .await?;
        let tokens = expect_success(answer, "logging in").await?;
        let token = tokens["access_token"]
            .as_str()
            .context("no access_token")?
            .to_string();
        let tenant = Self {
            client,
            gateway: gateway.to_string(),
            token,
        };
        tenant.wait_until_seeded().await?;
        Ok(tenant)
    }

    /// Tickets seeds a calendar and customers its classification settings on
    /// `tenant.created`; a scenario timed before that would time the seeding.
    async fn wait_until_seeded(&self) -> anyhow::Result<()> {
        let started = Instant::now();
        loop {
            let calendars = self.get("/api/v1/calendars").await;
            let settings = self.get("/api/v1/customer-settings").await;
            let seeded = calendars
                .as_ref()
                .is_ok_and(|c| c["items"].as_array().is_some_and(|i| !i.is_empty()));
            if seeded && settings.is_ok() {
                return Ok(());
            }
            anyhow::ensure!(
                started.elapsed() < Duration::from_secs(60),
                "the services never learnt of the tenant: calendars {calendars:?}, settings {settings:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// `GET` through the gateway; the JSON body of a 2xx.
    pub async fn get(&self, path: &str) -> anyhow::Result<Value> {
        let answer = self
            .client
            .get(format!("{}{path}", self.gateway))
            .bearer_auth(&self.token)
            .send()
            .await?;
        expect_success(answer, path).await
    }

    /// `POST` of a JSON body through the gateway; the JSON body of a 2xx.
    pub async fn post(&self, path: &str, body: &Value) -> anyhow::Result<Value> {
        let answer = self
            .client
            .post(format!("{}{path}", self.gateway))
            .bearer_auth(&self.token)
            .json(body)
            .send()
            .await?;
        expect_success(answer, path).await
    }

    /// Creates a ticket (of `customer`, if given); its id.
    pub async fn ticket(&self, subject: &str, customer: Option<Uuid>) -> anyhow::Result<Uuid> {
        let created = self
            .post("/api/v1/tickets", &ticket_body(subject, customer))
            .await?;
        id_of(&created)
    }

    /// Creates an organisation customer; its id.
    pub async fn customer(&self, name: &str) -> anyhow::Result<Uuid> {
        let created = self
            .post(
                "/api/v1/customers",
                &json!({"kind": "organisation", "name": name}),
            )
            .await?;
        id_of(&created)
    }
}

/// The JSON body of a ticket create, as the load generator sends it too.
pub fn ticket_body(subject: &str, customer: Option<Uuid>) -> Value {
    let mut body = json!({
        "subject": subject,
        "description": "The printer on the second floor jams on every second page.",
        "priority": "normal",
        "type": "incident",
    });
    if let Some(customer) = customer {
        body["customer_id"] = json!(customer);
    }
    body
}

/// The `id` of a created resource.
pub fn id_of(created: &Value) -> anyhow::Result<Uuid> {
    created["id"]
        .as_str()
        .and_then(|id| id.parse().ok())
        .with_context(|| format!("no id in {created}"))
}

async fn expect_success(answer: reqwest::Response, what: &str) -> anyhow::Result<Value> {
    let status = answer.status();
    let text = answer.text().await?;
    anyhow::ensure!(status.is_success(), "{what}: {status} {text}");
    Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
}
