//! QUALITY.md checks 1–3 over every customers operation, generated from its OpenAPI
//! document: tenant isolation, the scope matrix, documented examples, bad input.

use kefu_testkit::openapi::{tenant_scopes, Operation};
use serde_json::json;
use uuid::Uuid;

use crate::helpers::spawn_app;

pub(crate) fn operations() -> Vec<Operation> {
    kefu_testkit::openapi::operations(&serde_json::to_value(kefu_customers::openapi()).unwrap())
}

/// A real record of the app's tenant for an operation's path parameters: the path with
/// them filled in, and a path that reads the record.
pub(crate) async fn fixture(owner: &kefu_testkit::TestClient, template: &str) -> (String, String) {
    if !template.contains("{id}") {
        return (template.to_string(), template.to_string());
    }
    let customer = owner
        .post(
            "/api/v1/customers",
            &json!({"kind": "organisation", "name": "Ours", "tags": ["secret-tag"]}),
        )
        .await
        .expect(201)["id"]
        .as_str()
        .unwrap()
        .to_string();
    let at = format!("/api/v1/customers/{customer}");
    if template.contains("{contact_id}") {
        let contact = owner
            .post(&format!("{at}/contacts"), &json!({"name": "Chen"}))
            .await
            .expect(201);
        let path = template
            .replace("{id}", &customer)
            .replace("{contact_id}", contact["id"].as_str().unwrap());
        return (path, format!("{at}/contacts"));
    }
    if template.contains("{value_id}") {
        let value = owner
            .post(
                &format!("{at}/values"),
                &json!({"year": 2026, "revenue": 100}),
            )
            .await
            .expect(201);
        let path = template
            .replace("{id}", &customer)
            .replace("{value_id}", value["id"].as_str().unwrap());
        return (path, format!("{at}/values"));
    }
    if template.starts_with("/api/v1/care-plans/") || template.starts_with("/api/v1/follow-ups/") {
        let plan = owner
            .post(
                "/api/v1/care-plans",
                &json!({"customer_id": customer, "name": "Monthly call", "rule": "FREQ=MONTHLY",
                        "starts_at": "2026-01-01T09:00", "time_zone": "UTC", "channel": "phone",
                        "kind": "task", "task": "Call"}),
            )
            .await
            .expect(201);
        let plan_id = plan["id"].as_str().unwrap();
        if template.starts_with("/api/v1/care-plans/") {
            return (
                template.replace("{id}", plan_id),
                format!("/api/v1/care-plans/{plan_id}"),
            );
        }
        let listed = owner
            .get(&format!("/api/v1/follow-ups?plan_id={plan_id}"))
            .await
            .expect(200);
        let id = listed["items"][0]["id"].as_str().unwrap().to_string();
        return (
            template.replace("{id}", &id),
            format!("/api/v1/follow-ups?plan_id={plan_id}"),
        );
    }
    if template.starts_with("/api/v1/pain-points/") {
        let pain = owner
            .post(
                "/api/v1/pain-points",
                &json!({"customer_id": customer, "title": "Hurts", "impact": 3, "urgency": 3, "difficulty": 3}),
            )
            .await
            .expect(201);
        let id = pain["id"].as_str().unwrap();
        return (
            template.replace("{id}", id),
            format!("/api/v1/pain-points/{id}"),
        );
    }
    if template.starts_with("/api/v1/agreements/") {
        let agreement = owner
            .post(
                "/api/v1/agreements",
                &json!({"customer_id": customer, "name": "Care", "service_level": "gold", "starts_on": "2026-01-01"}),
            )
            .await
            .expect(201);
        let id = agreement["id"].as_str().unwrap();
        return (
            template.replace("{id}", id),
            format!("/api/v1/agreements/{id}"),
        );
    }
    (template.replace("{id}", &customer), at)
}

#[tokio::test]
async fn every_operation_declares_its_security_and_examples() {
    let doc = serde_json::to_value(kefu_customers::openapi()).unwrap();
    kefu_testkit::matrix::declarations(&doc, &operations(), 17, 8);
}

#[tokio::test]
async fn scope_matrix_403_without_the_scope_and_allowed_with_exactly_it() {
    let app = spawn_app().await;
    let all = tenant_scopes();
    let (_, owner) = app.staff(&all).await;
    kefu_testkit::matrix::scope_matrix(
        &operations(),
        &all,
        &[],
        async |path| fixture(&owner, path).await,
        async |scopes| app.staff(scopes).await.1,
    )
    .await;
}

#[tokio::test]
async fn tenant_isolation_foreign_ids_are_404_and_lists_leak_nothing() {
    let app = spawn_app().await;
    let all = tenant_scopes();
    let (_, owner) = app.staff(&all).await;
    let foreign = app.as_token(&app.token_of(Uuid::now_v7(), Uuid::now_v7(), &all));
    kefu_testkit::matrix::isolation(
        &operations(),
        &owner,
        &foreign,
        "secret-tag",
        async |path| fixture(&owner, path).await,
    )
    .await;
}

#[tokio::test]
async fn bad_input_to_any_write_is_a_4xx_problem_never_a_500() {
    let app = spawn_app().await;
    let (_, owner) = app.staff(&tenant_scopes()).await;
    let bodies = kefu_testkit::matrix::bad_bodies(
        json!({"name": 42, "kind": 1, "tags": "x", "owner_id": 7, "emergency": "yes", "revenue": "lots", "year": []}),
        json!({"kind": "individual", "name": "x".repeat(100_000), "notes": "y".repeat(30_000), "year": 2026, "revenue": 1}),
        json!({"kind": "robot", "name": "S", "lifecycle": "asleep", "preferred_channel": "pigeon"}),
        json!({"kind": "individual", "name": "a\u{0}b", "notes": "a\u{0}b"}),
    );
    kefu_testkit::matrix::bad_input(&operations(), &owner, &bodies, async |path| {
        fixture(&owner, path).await
    })
    .await;
}

/// QUALITY 10 over every customers operation that takes `If-Match`.
#[tokio::test]
async fn lost_updates_two_writes_with_one_etag_give_one_2xx_and_one_412() {
    let app = spawn_app().await;
    let (_, owner) = app.staff(&tenant_scopes()).await;
    let checked = kefu_testkit::matrix::lost_updates(
        &operations(),
        &owner,
        &[
            ("/api/v1/agreements/{id}", json!({"name": "Care plus"})),
            ("/api/v1/customers/{id}", json!({"tags": ["key-account"]})),
        ],
        async |path| fixture(&owner, path).await,
    )
    .await;
    assert!(checked >= 7, "only {checked} versioned operations");
}
