//! QUALITY.md checks 1 and 3, generated from the OpenAPI document so that a
//! new route is covered the day it lands: tenant isolation (BOLA) and the
//! scope matrix over every (method, route).

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{spawn_app, Tenant, TestApp};

/// One documented operation.
#[derive(Debug, Clone)]
struct Operation {
    method: Method,
    path: String,
    /// `None` for public operations; `Some("")` for "any tenant token".
    scope: Option<String>,
    example: Value,
    /// Whether the operation documents a JSON request body.
    has_body: bool,
    /// Whether the document marks the operation public (`security: [{}]`).
    public: bool,
}

fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let name = reference.rsplit('/').next().unwrap_or_default();
            &doc["components"]["schemas"][name]
        }
        None => value,
    }
}

fn operations() -> Vec<Operation> {
    let doc = serde_json::to_value(kefu_accounts::openapi()).unwrap();
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let Ok(method) = method.to_uppercase().parse::<Method>() else {
                continue;
            };
            let security = op["security"].as_array().cloned().unwrap_or_default();
            let scope = security.iter().find_map(|s| s.get("bearer")).map(|scopes| {
                scopes
                    .as_array()
                    .and_then(|a| a.first())
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string()
            });
            let body = &op["requestBody"]["content"]["application/json"];
            let example = body
                .get("example")
                .cloned()
                .or_else(|| resolve(&doc, &body["schema"]).get("example").cloned())
                .unwrap_or(json!({}));
            let has_body = body.is_object();
            let public = security
                .iter()
                .any(|s| s.as_object().is_some_and(|o| o.is_empty()));
            out.push(Operation {
                public,
                method,
                path: path.clone(),
                scope,
                example,
                has_body,
            });
        }
    }
    out
}

async fn call(
    client: &kefu_testkit::TestClient,
    op: &Operation,
    path: &str,
) -> kefu_testkit::TestResponse {
    let builder = client.request(op.method.clone(), path);
    let builder = if op.method == Method::GET || op.method == Method::DELETE {
        builder
    } else {
        builder.json(&op.example)
    };
    client.send(builder).await
}

/// Every tenant scope a token can hold.
fn tenant_scopes() -> Vec<&'static str> {
    kefu_platform::auth::scopes::ALL
        .iter()
        .copied()
        .filter(|s| *s != "platform:admin")
        .collect()
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

/// Why `example` does not fit `schema` (a `$ref`, `allOf` of flattened parts, `oneOf`, or
/// a typed schema), one message per mismatch; empty when it fits.
fn example_mismatches(doc: &Value, schema: &Value, example: &Value, at: &str) -> Vec<String> {
    let schema = resolve(doc, schema);
    if let Some(branches) = schema["oneOf"].as_array() {
        let misfits: Vec<Vec<String>> = branches
            .iter()
            .map(|b| example_mismatches(doc, b, example, at))
            .collect();
        return if misfits.iter().any(Vec::is_empty) {
            vec![]
        } else {
            misfits.concat()
        };
    }
    // `allOf` (serde flatten) and plain objects: one object with the union of the properties.
    let parts: Vec<&Value> = match schema["allOf"].as_array() {
        Some(parts) => parts.iter().map(|p| resolve(doc, p)).collect(),
        None => vec![schema],
    };
    let mut properties = serde_json::Map::new();
    let mut required = Vec::new();
    for part in &parts {
        properties.extend(part["properties"].as_object().cloned().unwrap_or_default());
        required.extend(part["required"].as_array().cloned().unwrap_or_default());
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ if !properties.is_empty() => vec!["object"],
        _ => return vec![],
    };
    let actual = match example {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    let fits = types.contains(&actual) || (actual == "integer" && types.contains(&"number"));
    if !fits {
        return vec![format!("{at}: a {actual}, documented as {types:?}")];
    }
    let mut out = Vec::new();
    match example {
        Value::String(text) => {
            let parses = match schema["format"].as_str() {
                Some("uuid") => Uuid::parse_str(text).is_ok(),
                Some("date-time") => chrono::DateTime::parse_from_rfc3339(text).is_ok(),
                _ => true,
            };
            if !parses {
                out.push(format!("{at}: {text:?} is not a {}", schema["format"]));
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                out.extend(example_mismatches(
                    doc,
                    &schema["items"],
                    item,
                    &format!("{at}[{i}]"),
                ));
            }
        }
        Value::Object(fields) if !properties.is_empty() => {
            for name in required.iter().filter_map(Value::as_str) {
                if !fields.contains_key(name) {
                    out.push(format!("{at}: lacks required `{name}`"));
                }
            }
            for (name, value) in fields {
                match properties.get(name) {
                    Some(property) => out.extend(example_mismatches(
                        doc,
                        property,
                        value,
                        &format!("{at}.{name}"),
                    )),
                    None => out.push(format!("{at}: `{name}` is not a documented property")),
                }
            }
        }
        _ => {}
    }
    out
}

/// PRODUCT.md §5: every operation that answers a JSON body documents an example of it,
/// on the media type or on the (resolved) schema, and the example fits the schema.
#[tokio::test]
async fn every_operation_has_a_response_example() {
    let doc = serde_json::to_value(kefu_accounts::openapi()).unwrap();
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let Some(responses) = op["responses"].as_object() else {
                continue;
            };
            for (status, response) in responses.iter().filter(|(s, _)| s.starts_with('2')) {
                let Some(content) = response["content"].as_object() else {
                    continue; // 202/204 without a body
                };
                for (media_type, media) in content.iter().filter(|(t, _)| t.contains("json")) {
                    let at = format!("{} {path} {status} {media_type}", method.to_uppercase());
                    let schema = resolve(&doc, &media["schema"]);
                    let example = media
                        .get("example")
                        .or_else(|| {
                            media["examples"]
                                .as_object()
                                .and_then(|e| e.values().next())
                                .map(|e| &e["value"])
                        })
                        .or_else(|| schema.get("example"))
                        .or_else(|| schema["examples"].as_array().and_then(|e| e.first()));
                    let Some(example) = example else {
                        panic!("{at} documents no example of its response body");
                    };
                    let mismatches = example_mismatches(&doc, &media["schema"], example, "example");
                    assert!(
                        mismatches.is_empty(),
                        "{at}: the example does not fit the schema: {mismatches:#?}"
                    );
                    checked += 1;
                }
            }
        }
    }
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
