//! QUALITY.md checks 1 and 3, generated from the OpenAPI document so that a
//! new route is covered the day it lands: tenant isolation (BOLA) and the
//! scope matrix over every (method, route).

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::{json, Value};
use uuid::Uuid;

use kefu_testkit::openapi::{call, check_response_examples, tenant_scopes, Operation};

use crate::helpers::{operator_token, spawn_app, Tenant, TestApp};

fn operations() -> Vec<Operation> {
    kefu_testkit::openapi::operations(&serde_json::to_value(kefu_accounts::openapi()).unwrap())
}

#[tokio::test]
async fn every_operation_declares_its_security_and_an_example() {
    let ops = operations();
    assert!(ops.len() >= 30, "only {} operations documented", ops.len());
    for op in &ops {
        assert!(
            op.scope.is_some() || is_public(op),
            "{} {} has no bearer security entry",
            op.method,
            op.path
        );
        if op.method == Method::POST || op.method == Method::PATCH || op.method == Method::PUT {
            let documented = op.example != json!({})
                || op.path.ends_with("/suspend")
                || op.path.ends_with("/restore")
                || op.path.ends_with("/rotate")
                || op.path.ends_with("/logout")
                || op.path.ends_with("/secret")
                || op.path == "/oauth/token";
            assert!(
                documented,
                "{} {} has no request example",
                op.method, op.path
            );
        }
    }
}

fn is_public(op: &Operation) -> bool {
    op.public
}

/// PRODUCT.md §5: every JSON response documents an example that fits its schema.
#[tokio::test]
async fn every_operation_has_a_response_example() {
    let doc = serde_json::to_value(kefu_accounts::openapi()).unwrap();
    let checked = check_response_examples(&doc).unwrap_or_else(|failure| panic!("{failure}"));
    assert!(checked >= 25, "only {checked} JSON responses documented");
}

#[tokio::test]
async fn scope_matrix_403_without_the_scope_and_allowed_with_exactly_it() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let all = tenant_scopes();
    for op in operations() {
        let Some(scope) = op.scope.clone().filter(|s| !s.is_empty()) else {
            continue;
        };
        let path = op.path.replace("{id}", &Uuid::now_v7().to_string());
        if scope == "platform:admin" {
            let everything = app.token_with_scopes(&tenant, tenant.owner_id, &all).await;
            let response = call(&app.as_token(&everything), &op, &path).await;
            assert_eq!(
                response.status, 403,
                "{} {} with a tenant token: {}",
                op.method, op.path, response.text
            );
            continue;
        }
        let without: Vec<&str> = all.iter().copied().filter(|s| *s != scope).collect();
        let denied = app
            .token_with_scopes(&tenant, tenant.owner_id, &without)
            .await;
        let allowed = app
            .token_with_scopes(&tenant, tenant.owner_id, &[scope.as_str()])
            .await;

        let refused = call(&app.as_token(&denied), &op, &path).await;
        let passed = call(&app.as_token(&allowed), &op, &path).await;

        assert_eq!(
            refused.status, 403,
            "{} {} without {scope}: {}",
            op.method, op.path, refused.text
        );
        assert_eq!(refused.json()["code"], "insufficient_scope");
        // A 403 may still come from a rule behind the scope gate (e.g. granting roles whose
        // scopes the caller lacks), but never for the operation's own scope.
        let gate_passed = passed.status != 401
            && !passed.status.is_server_error()
            && !(passed.status == 403
                && passed.json()["detail"]
                    .as_str()
                    .unwrap_or_default()
                    .contains(&format!("`{scope}`")));
        assert!(
            gate_passed,
            "{} {} with exactly {scope}: {} {}",
            op.method, op.path, passed.status, passed.text
        );
        if op.method == Method::GET && !op.path.contains('{') {
            assert_eq!(
                passed.status, 200,
                "{} {} with exactly {scope}: {}",
                op.method, op.path, passed.text
            );
        }
    }
}

/// A real record of `tenant` for a path with `{id}`, created through the API.
async fn fixture_id(app: &TestApp, tenant: &Tenant, path: &str) -> Uuid {
    let owner = app.as_token(&tenant.token);
    let created = |path: &'static str, body: Value| {
        let owner = owner.clone();
        async move {
            owner.post(path, &body).await.expect(201)["id"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap()
        }
    };
    match path {
        p if p.starts_with("/api/v1/users/me/sessions/") => {
            // A second session, so revoking it leaves the fixture's own token working.
            app.login(&tenant.slug, &tenant.owner_email, crate::helpers::PASSWORD).await.expect(200);
            let sessions = owner.get("/api/v1/users/me/sessions").await.expect(200);
            let other = sessions["items"].as_array().unwrap().iter().find(|s| s["current"] == false).unwrap();
            other["id"].as_str().unwrap().parse().unwrap()
        }
        p if p.starts_with("/api/v1/users/") => app.user(tenant, &["agent"]).await.0,
        p if p.starts_with("/api/v1/roles/") => {
            created("/api/v1/roles", json!({"key": format!("r{}", &Uuid::now_v7().simple().to_string()[20..]), "name": "Night shift", "scopes": ["tickets:read"]})).await
        }
        p if p.starts_with("/api/v1/teams/") => created("/api/v1/teams", json!({"name": format!("Team {}", Uuid::now_v7())})).await,
        p if p.starts_with("/api/v1/api-clients/") => created("/api/v1/api-clients", json!({"name": "Sync", "scopes": ["accounts:read"]})).await,
        other => panic!("no fixture for {other}: add one so tenant isolation covers it"),
    }
}

#[tokio::test]
async fn tenant_isolation_foreign_ids_are_404_and_lists_leak_nothing() {
    let app = spawn_app().await;
    let a = app.tenant().await;
    let b = app.tenant().await;
    let mut a_ids: BTreeSet<String> = BTreeSet::new();
    a_ids.insert(a.owner_id.to_string());
    a_ids.insert(a.id.to_string());

    for op in operations() {
        if !op.path.contains("{id}") || op.path.starts_with("/api/v1/platform/") {
            continue;
        }
        let id = fixture_id(&app, &a, &op.path).await;
        a_ids.insert(id.to_string());
        let path = op.path.replace("{id}", &id.to_string());
        let readable = if op.path.starts_with("/api/v1/users/me/sessions/") {
            None
        } else {
            Some(op.path.split("/{id}").next().unwrap().to_string() + "/" + &id.to_string())
        };
        let before = match &readable {
            Some(read) => Some(app.as_token(&a.token).get(read).await.expect(200)),
            None => None,
        };

        let foreign = call(&app.as_token(&b.token), &op, &path).await;

        assert_eq!(
            foreign.status, 404,
            "{} {} as another tenant: {}",
            op.method, op.path, foreign.text
        );
        assert!(
            !foreign.text.contains(&id.to_string()),
            "{} {} leaks the id",
            op.method,
            op.path
        );
        if let (Some(read), Some(before)) = (&readable, before) {
            let after = app.as_token(&a.token).get(read).await.expect(200);
            assert_eq!(
                after, before,
                "{} {} as another tenant changed the record",
                op.method, op.path
            );
        }
        let own = call(&app.as_token(&a.token), &op, &path).await;
        assert_ne!(
            own.status, 404,
            "control: {} {} as the owner tenant: {}",
            op.method, op.path, own.text
        );
    }

    for op in operations() {
        if op.method != Method::GET
            || op.path.contains('{')
            || op.scope.is_none()
            || op.path.starts_with("/api/v1/platform/")
        {
            continue;
        }
        let list = app.as_token(&b.token).get(&op.path).await;
        for id in &a_ids {
            assert!(
                !list.text.contains(id.as_str()),
                "GET {} as another tenant shows {id}",
                op.path
            );
        }
    }
}

#[tokio::test]
async fn bad_input_to_any_write_is_a_4xx_problem_never_a_500() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let all = tenant_scopes();
    let token = app.token_with_scopes(&tenant, tenant.owner_id, &all).await;
    let client = app.as_token(&token);
    let bodies: Vec<(&str, String)> = vec![
        ("truncated JSON", "{\"name\": ".into()),
        ("not an object", "[1, 2, 3]".into()),
        ("wrong types", json!({"name": 42, "email": true, "roles": "owner", "scopes": {}, "team_ids": [1], "user_ids": "x", "password": 7, "token": []}).to_string()),
        ("over-long strings", json!({"name": "x".repeat(100_000), "email": "a".repeat(300), "key": "k".repeat(500)}).to_string()),
        ("null", "null".into()),
        ("unknown enum", json!({"status": "sleeping"}).to_string()),
    ];
    for op in operations() {
        if !op.has_body || op.path == "/oauth/token" {
            continue;
        }
        let path = op.path.replace("{id}", &Uuid::now_v7().to_string());
        for (name, body) in &bodies {
            let response = client
                .send(
                    client
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
                Some("application/problem+json"),
                "{} {} with {name}",
                op.method,
                op.path
            );
        }
    }
    // The token endpoint answers RFC 6749 errors, never a 500, to any form.
    for form in [
        "",
        "grant_type",
        "grant_type=password&username=%FF%FE",
        "a=b&a=c&grant_type=refresh_token&refresh_token=",
    ] {
        let response = app
            .client()
            .send(
                app.client()
                    .request(Method::POST, "/oauth/token")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(form),
            )
            .await;
        assert!(
            (400..500).contains(&response.status.as_u16()),
            "token endpoint with {form:?}: {}",
            response.text
        );
    }
}

/// QUALITY 10 over every accounts operation that takes `If-Match`.
#[tokio::test]
async fn lost_updates_two_writes_with_one_etag_give_one_2xx_and_one_412() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let owner = app.as_token(&tenant.token);
    let (platform, tenant_ops): (Vec<Operation>, Vec<Operation>) = operations()
        .into_iter()
        .partition(|op| op.path.starts_with("/api/v1/platform/"));
    let checked = kefu_testkit::matrix::lost_updates(
        &tenant_ops,
        &owner,
        &[
            ("/api/v1/teams/{id}", json!({"name": "Team {unique}"})),
            (
                "/api/v1/teams/{id}/members",
                json!({"user_ids": [tenant.owner_id]}),
            ),
        ],
        async |template| {
            if !template.contains("{id}") {
                return (template.to_string(), template.to_string());
            }
            let id = fixture_id(&app, &tenant, template).await.to_string();
            let reader = format!("{}/{id}", template.split("/{id}").next().unwrap());
            (template.replace("{id}", &id), reader)
        },
    )
    .await;
    let operator = app.as_token(&operator_token(&app).await);
    let checked = checked
        + kefu_testkit::matrix::lost_updates(&platform, &operator, &[], async |template| {
            let other = app.tenant().await;
            let path = template.replace("{id}", &other.id.to_string());
            (path.clone(), path)
        })
        .await;
    assert!(checked >= 6, "only {checked} versioned operations");
}
