//! QUALITY.md checks 1–3 over every customers operation, generated from its OpenAPI
//! document: tenant isolation, the scope matrix, documented examples, bad input.

use std::collections::BTreeSet;

use kefu_testkit::openapi::{call, check_response_examples, tenant_scopes, Operation};
use reqwest::Method;
use serde_json::json;
use uuid::Uuid;

use crate::helpers::spawn_app;

fn operations() -> Vec<Operation> {
    kefu_testkit::openapi::operations(&serde_json::to_value(kefu_customers::openapi()).unwrap())
}

/// A real record of the app's tenant for an operation's path parameters: the path with
/// them filled in, and a path that reads the record.
async fn fixture(owner: &kefu_testkit::TestClient, template: &str) -> (String, String) {
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
    (template.replace("{id}", &customer), at)
}

#[tokio::test]
async fn every_operation_declares_its_security_and_examples() {
    let ops = operations();
    assert!(ops.len() >= 17, "only {} operations documented", ops.len());
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
    let doc = serde_json::to_value(kefu_customers::openapi()).unwrap();
    let checked = check_response_examples(&doc).unwrap_or_else(|failure| panic!("{failure}"));
    assert!(checked >= 8, "only {checked} JSON responses documented");
}

#[tokio::test]
async fn scope_matrix_403_without_the_scope_and_allowed_with_exactly_it() {
    let app = spawn_app().await;
    let all = tenant_scopes();
    let (_, owner) = app.staff(&all).await;
    for op in operations() {
        let scope = op.scope.clone().unwrap();
        let (path, _) = fixture(&owner, &op.path).await;
        let without: Vec<&str> = all.iter().copied().filter(|s| *s != scope).collect();
        let (_, denied) = app.staff(&without).await;
        let (_, allowed) = app.staff(&[scope.as_str()]).await;

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
    let all = tenant_scopes();
    let (_, owner) = app.staff(&all).await;
    let foreign = app.as_token(&app.token_of(Uuid::now_v7(), Uuid::now_v7(), &all));
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
    let (_, owner) = app.staff(&tenant_scopes()).await;
    let bodies: Vec<(&str, String)> = vec![
        ("truncated JSON", "{\"subject\": ".into()),
        ("not an object", "[1, 2, 3]".into()),
        ("wrong types", json!({"name": 42, "kind": 1, "tags": "x", "owner_id": 7, "emergency": "yes", "revenue": "lots", "year": []}).to_string()),
        ("over-long strings", json!({"kind": "individual", "name": "x".repeat(100_000), "notes": "y".repeat(30_000), "year": 2026, "revenue": 1}).to_string()),
        ("null", "null".into()),
        ("unknown enum", json!({"kind": "robot", "name": "S", "lifecycle": "asleep", "preferred_channel": "pigeon"}).to_string()),
        ("NUL", json!({"kind": "individual", "name": "a\u{0}b", "notes": "a\u{0}b"}).to_string()),
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
