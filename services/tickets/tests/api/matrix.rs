//! QUALITY.md checks 1–3 over every tickets operation, generated from its OpenAPI
//! document: tenant isolation, the scope matrix, documented examples, bad input.

use std::collections::BTreeSet;

use kefu_testkit::openapi::{call, check_response_examples, tenant_scopes, Operation};
use reqwest::Method;
use serde_json::json;
use uuid::Uuid;

use crate::helpers::spawn_app;

fn operations() -> Vec<Operation> {
    kefu_testkit::openapi::operations(&serde_json::to_value(kefu_tickets::openapi()).unwrap())
}

/// A real record of the app's tenant for an operation's path parameters: the path with
/// them filled in, and a path that reads the record.
async fn fixture(owner: &kefu_testkit::TestClient, template: &str) -> (String, String) {
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
    let ops = operations();
    assert!(ops.len() >= 73, "only {} operations documented", ops.len());
    for op in &ops {
        assert!(
            op.scope.is_some(),
            "{} {} has no bearer security entry",
            op.method,
            op.path
        );
        if op.has_body {
            assert_ne!(
                op.example,
                json!({}),
                "{} {} has no request example",
                op.method,
                op.path
            );
        }
    }
    let doc = serde_json::to_value(kefu_tickets::openapi()).unwrap();
    let checked = check_response_examples(&doc).unwrap_or_else(|failure| panic!("{failure}"));
    assert!(checked >= 14, "only {checked} JSON responses documented");
}

#[tokio::test]
async fn scope_matrix_403_without_the_scope_and_allowed_with_exactly_it() {
    let app = spawn_app().await;
    app.seed_defaults("UTC").await;
    let all = tenant_scopes();
    let (_, owner) = app.agent(&all).await;
    for op in operations() {
        let scope = op.scope.clone().unwrap();
        let (path, _) = fixture(&owner, &op.path).await;
        // `portal` is the other way in to most operations; without it too, nothing passes.
        let without: Vec<&str> = all
            .iter()
            .copied()
            .filter(|s| *s != scope && *s != "portal")
            .collect();
        let (_, denied) = app.agent(&without).await;
        let (_, allowed) = app.agent(&[scope.as_str()]).await;

        let refused = call(&denied, &op, &path).await;
        let passed = call(&allowed, &op, &path).await;

        assert_eq!(
            refused.status, 403,
            "{} {} without {scope}: {}",
            op.method, op.path, refused.text
        );
        assert_eq!(refused.json()["code"], "insufficient_scope");
        // Past the scope gate the example may still be refused on its merits (an id
        // that does not exist), but never for lack of a scope or token.
        assert!(
            passed.status != 401 && passed.status != 403,
            "{} {} with exactly {scope}: {} {}",
            op.method,
            op.path,
            passed.status,
            passed.text
        );
    }
}

#[tokio::test]
async fn tenant_isolation_foreign_ids_are_404_and_lists_leak_nothing() {
    let app = spawn_app().await;
    app.seed_defaults("UTC").await;
    let all = tenant_scopes();
    let (_, owner) = app.agent(&all).await;
    let foreign = app.as_token(&app.token_of(Uuid::now_v7(), Uuid::now_v7(), &all, None));
    let mut ids = BTreeSet::new();
    for op in operations()
        .into_iter()
        .filter(|op| op.path.contains("{id}"))
    {
        let (path, reader) = fixture(&owner, &op.path).await;
        let id = path
            .rsplit('/')
            .find(|part| Uuid::parse_str(part).is_ok())
            .unwrap()
            .to_string();
        ids.insert(id.clone());
        let before = owner.get(&reader).await.expect(200);

        let answer = call(&foreign, &op, &path).await;

        assert_eq!(
            answer.status, 404,
            "{} {} as another tenant: {}",
            op.method, op.path, answer.text
        );
        assert!(!answer.text.contains(&id));
        let after = owner.get(&reader).await.expect(200);
        assert_eq!(
            after, before,
            "{} {} as another tenant changed the record",
            op.method, op.path
        );
        let own = call(&owner, &op, &path).await;
        assert_ne!(
            own.status, 404,
            "control: {} {}: {}",
            op.method, op.path, own.text
        );
    }
    for op in operations()
        .into_iter()
        .filter(|op| op.method == Method::GET && !op.path.contains('{'))
    {
        let list = foreign.get(&op.path).await;
        assert_eq!(list.status, 200);
        assert!(
            ids.iter().all(|id| !list.text.contains(id.as_str())),
            "GET {} leaks",
            op.path
        );
        assert!(!list.text.contains("secret-tag"));
    }
}

#[tokio::test]
async fn bad_input_to_any_write_is_a_4xx_problem_never_a_500() {
    let app = spawn_app().await;
    app.seed_defaults("UTC").await;
    let (_, owner) = app.agent(&tenant_scopes()).await;
    let bodies: Vec<(&str, String)> = vec![
        ("truncated JSON", "{\"subject\": ".into()),
        ("not an object", "[1, 2, 3]".into()),
        ("wrong types", json!({"subject": 42, "tags": "x", "assignee_id": 7, "public": "yes", "status": 1, "body": []}).to_string()),
        ("over-long strings", json!({"subject": "x".repeat(100_000), "body": "y".repeat(30_000)}).to_string()),
        ("null", "null".into()),
        ("unknown enum", json!({"subject": "S", "status": "sleeping", "priority": "asap"}).to_string()),
        ("NUL", json!({"subject": "a\u{0}b", "body": "a\u{0}b"}).to_string()),
    ];
    for op in operations().into_iter().filter(|op| op.has_body) {
        let (path, _) = fixture(&owner, &op.path).await;
        for (name, body) in &bodies {
            let response = owner
                .send(
                    owner
                        .request(op.method.clone(), &path)
                        .header("content-type", "application/json")
                        .body(body.clone()),
                )
                .await;
            assert!(
                (400..500).contains(&response.status.as_u16()),
                "{} {} with {name}: {} {}",
                op.method,
                op.path,
                response.status,
                response.text
            );
            assert_eq!(
                response.header("content-type").as_deref(),
                Some("application/problem+json")
            );
        }
    }
}
