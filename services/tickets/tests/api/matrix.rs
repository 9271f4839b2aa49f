//! QUALITY.md checks 1–3 over every tickets operation, generated from its OpenAPI
//! document: tenant isolation, the scope matrix, documented examples, bad input.

use kefu_testkit::openapi::{tenant_scopes, Operation};
use serde_json::json;
use uuid::Uuid;

use crate::helpers::spawn_app;

pub(crate) fn operations() -> Vec<Operation> {
    kefu_testkit::openapi::operations(&serde_json::to_value(kefu_tickets::openapi()).unwrap())
}

/// A real record of the app's tenant for an operation's path parameters: the path with
/// them filled in, and a path that reads the record.
pub(crate) async fn fixture(owner: &kefu_testkit::TestClient, template: &str) -> (String, String) {
    let post = |path: &'static str, body: serde_json::Value| async move {
        owner.post(path, &body).await.expect(201)["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let own = |path: &str, id: &str| {
        (
            path.replace("{id}", id),
            format!("{}/{id}", path.split("/{id}").next().unwrap()),
        )
    };
    if template.starts_with("/api/v1/calendars/") {
        let id = post(
            "/api/v1/calendars",
            json!({"name": format!("Cal {}", Uuid::now_v7()), "time_zone": "UTC", "weekly": {}}),
        )
        .await;
        return own(template, &id);
    }
    if template.starts_with("/api/v1/sla-policies/") {
        let id = post(
            "/api/v1/sla-policies",
            json!({"name": "P", "targets": {"resolution": {"minutes": 60}}}),
        )
        .await;
        return own(template, &id);
    }
    if template.starts_with("/api/v1/kb/categories/") {
        let id = post(
            "/api/v1/kb/categories",
            json!({"name": format!("C {}", Uuid::now_v7())}),
        )
        .await;
        return (
            template.replace("{id}", &id),
            "/api/v1/kb/categories".into(),
        );
    }
    if template.starts_with("/api/v1/kb/articles/") {
        let id = post(
            "/api/v1/kb/articles",
            json!({"title": "A", "body": "B", "status": "published"}),
        )
        .await;
        return own(template, &id);
    }
    if template.starts_with("/api/v1/tickets/views/") {
        let id = post(
            "/api/v1/tickets/views",
            json!({"name": "V", "query": "status=open", "scope": "personal"}),
        )
        .await;
        return (
            template.replace("{id}", &id),
            "/api/v1/tickets/views".into(),
        );
    }
    if template.starts_with("/api/v1/triggers/") {
        let id = post(
            "/api/v1/triggers",
            json!({"name": "T", "event": "created", "actions": {"priority": "high"}}),
        )
        .await;
        return own(template, &id);
    }
    if template.starts_with("/api/v1/automations/") {
        let id = post("/api/v1/automations", json!({"name": "A", "conditions": {"hours_since_updated": 24}, "actions": {"priority": "high"}})).await;
        return own(template, &id);
    }
    if template.starts_with("/api/v1/macros/") {
        let name = format!("M {}", Uuid::now_v7());
        let id = post(
            "/api/v1/macros",
            json!({"name": name, "actions": {"priority": "high"}}),
        )
        .await;
        return own(template, &id);
    }
    if template.starts_with("/api/v1/custom-fields/") {
        let key = format!("f{}", &Uuid::now_v7().simple().to_string()[20..]);
        let id = post(
            "/api/v1/custom-fields",
            json!({"key": key, "label": "F", "type": "text"}),
        )
        .await;
        return own(template, &id);
    }
    if template.starts_with("/api/v1/dispatch-rules/") {
        let id = post(
            "/api/v1/dispatch-rules",
            json!({"team_id": Uuid::now_v7(), "strategy": "round_robin"}),
        )
        .await;
        return own(template, &id);
    }
    if template.starts_with("/api/v1/escalation-rules/") {
        let id = post(
            "/api/v1/escalation-rules",
            json!({"name": "E", "trigger": "breached", "actions": {"raise_priority": true}}),
        )
        .await;
        return own(template, &id);
    }
    let ticket = post(
        "/api/v1/tickets",
        json!({"subject": "Ours", "tags": ["secret-tag"]}),
    )
    .await;
    let at = format!("/api/v1/tickets/{ticket}");
    if template.contains("{step_id}") {
        let step = owner
            .post(&format!("{at}/steps"), &json!({"title": "Step"}))
            .await
            .expect(201);
        let path = template
            .replace("{id}", &ticket)
            .replace("{step_id}", step["id"].as_str().unwrap());
        return (path, format!("{at}/steps"));
    }
    if template.contains("{attachment_id}") {
        let file = owner
            .send(
                owner
                    .request(
                        reqwest::Method::POST,
                        &format!("{at}/attachments?filename=a.txt"),
                    )
                    .body("hello"),
            )
            .await
            .expect(201);
        let path = template
            .replace("{id}", &ticket)
            .replace("{attachment_id}", file["id"].as_str().unwrap());
        return (path, format!("{at}/attachments"));
    }
    if template.contains("{link_id}") {
        let other = post("/api/v1/tickets", json!({"subject": "Other"})).await;
        let link = owner
            .post(
                &format!("{at}/links"),
                &json!({"kind": "related", "ticket_id": other}),
            )
            .await
            .expect(201);
        let path = template
            .replace("{id}", &ticket)
            .replace("{link_id}", link["id"].as_str().unwrap());
        return (path, format!("{at}/links"));
    }
    (template.replace("{id}", &ticket), at)
}

#[tokio::test]
async fn every_operation_declares_its_security_and_examples() {
    let doc = serde_json::to_value(kefu_tickets::openapi()).unwrap();
    kefu_testkit::matrix::declarations(&doc, &operations(), 73, 14);
}

#[tokio::test]
async fn scope_matrix_403_without_the_scope_and_allowed_with_exactly_it() {
    let app = spawn_app().await;
    app.seed_defaults("UTC").await;
    let all = tenant_scopes();
    let (_, owner) = app.agent(&all).await;
    kefu_testkit::matrix::scope_matrix(
        &operations(),
        &all,
        &["portal"],
        async |path| fixture(&owner, path).await,
        async |scopes| app.agent(scopes).await.1,
    )
    .await;
}

#[tokio::test]
async fn tenant_isolation_foreign_ids_are_404_and_lists_leak_nothing() {
    let app = spawn_app().await;
    app.seed_defaults("UTC").await;
    let all = tenant_scopes();
    let (_, owner) = app.agent(&all).await;
    let foreign = app.as_token(&app.token_of(Uuid::now_v7(), Uuid::now_v7(), &all, None));
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
    app.seed_defaults("UTC").await;
    let (_, owner) = app.agent(&tenant_scopes()).await;
    let bodies = kefu_testkit::matrix::bad_bodies(
        json!({"subject": 42, "tags": "x", "assignee_id": 7, "public": "yes", "status": 1, "body": []}),
        json!({"subject": "x".repeat(100_000), "body": "y".repeat(30_000)}),
        json!({"subject": "S", "status": "sleeping", "priority": "asap"}),
        json!({"subject": "a\u{0}b", "body": "a\u{0}b"}),
    );
    kefu_testkit::matrix::bad_input(&operations(), &owner, &bodies, async |path| {
        fixture(&owner, path).await
    })
    .await;
}

/// QUALITY 10 over every tickets operation that takes `If-Match`.
#[tokio::test]
async fn lost_updates_two_writes_with_one_etag_give_one_2xx_and_one_412() {
    let app = spawn_app().await;
    app.seed_defaults("UTC").await;
    let (_, owner) = app.agent(&tenant_scopes()).await;
    let checked = kefu_testkit::matrix::lost_updates(
        &operations(),
        &owner,
        &[
            (
                "/api/v1/kb/categories/{id}",
                json!({"name": "Category {unique}"}),
            ),
            ("/api/v1/macros/{id}", json!({"name": "Macro {unique}"})),
        ],
        async |path| fixture(&owner, path).await,
    )
    .await;
    assert!(checked >= 13, "only {checked} versioned operations");
}
