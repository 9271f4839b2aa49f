//! QUALITY.md checks 1–3 as reusable runs over a service's documented operations:
//! each service's test names its operations, how to make a record for a path, and
//! how to get a client with given scopes; the checks are the same everywhere.

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::openapi::{call, check_response_examples, Operation};
use crate::TestClient;

/// Every operation names a bearer scope and, when it takes a body, a request example;
/// at least `operations` operations and `responses` response examples are documented.
pub fn declarations(doc: &Value, ops: &[Operation], operations: usize, responses: usize) {
    assert!(
        ops.len() >= operations,
        "only {} operations documented",
        ops.len()
    );
    for op in ops {
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
    let checked = check_response_examples(doc).unwrap_or_else(|failure| panic!("{failure}"));
    assert!(
        checked >= responses,
        "only {checked} JSON responses documented"
    );
}

/// QUALITY 2: without its scope an operation is a 403 `insufficient_scope`; with
/// exactly its scope it is neither 401 nor 403. `also_without` are scopes that open the
/// operation another way (e.g. `portal`) and are left out of the denied client too.
pub async fn scope_matrix(
    ops: &[Operation],
    all: &[&str],
    also_without: &[&str],
    mut fixture: impl AsyncFnMut(&str) -> (String, String),
    mut client_with: impl AsyncFnMut(&[&str]) -> TestClient,
) {
    for op in ops {
        let scope = op.scope.clone().unwrap_or_default();
        let (path, _) = fixture(&op.path).await;
        let without: Vec<&str> = all
            .iter()
            .copied()
            .filter(|s| *s != scope && !also_without.contains(s))
            .collect();
        let denied = client_with(&without).await;
        let allowed = client_with(&[scope.as_str()]).await;

        let refused = call(&denied, op, &path).await;
        let passed = call(&allowed, op, &path).await;

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

/// QUALITY 1: another tenant's token gets a 404 for every id of this tenant, changes
/// nothing, and no list shows it any of them (nor `secret`, a value the fixtures wrote).
pub async fn isolation(
    ops: &[Operation],
    owner: &TestClient,
    foreign: &TestClient,
    secret: &str,
    mut fixture: impl AsyncFnMut(&str) -> (String, String),
) {
    let mut ids = BTreeSet::new();
    for op in ops.iter().filter(|op| op.path.contains("{id}")) {
        let (path, reader) = fixture(&op.path).await;
        let id = path
            .rsplit('/')
            .find(|part| Uuid::parse_str(part).is_ok())
            .unwrap_or_default()
            .to_string();
        ids.insert(id.clone());
        let before = owner.get(&reader).await.expect(200);

        let answer = call(foreign, op, &path).await;

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
        let own = call(owner, op, &path).await;
        assert_ne!(
            own.status, 404,
            "control: {} {}: {}",
            op.method, op.path, own.text
        );
    }
    for op in ops
        .iter()
        .filter(|op| op.method == Method::GET && !op.path.contains('{'))
    {
        let list = foreign.get(&op.path).await;
        assert_eq!(list.status, 200, "GET {} as another tenant", op.path);
        assert!(
            ids.iter().all(|id| !list.text.contains(id.as_str())),
            "GET {} leaks",
            op.path
        );
        assert!(!list.text.contains(secret), "GET {} leaks", op.path);
    }
}

/// QUALITY 3: each of `bodies` (name, raw body) sent to every write is a 4xx
/// problem+json, never a 500.
pub async fn bad_input(
    ops: &[Operation],
    owner: &TestClient,
    bodies: &[(&str, String)],
    mut fixture: impl AsyncFnMut(&str) -> (String, String),
) {
    for op in ops.iter().filter(|op| op.has_body) {
        let (path, _) = fixture(&op.path).await;
        for (name, body) in bodies {
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

/// Bodies every write must refuse cleanly: broken JSON, wrong shapes, `null`, NUL bytes,
/// plus the service's own wrong types, over-long strings and unknown enum values.
pub fn bad_bodies(
    wrong_types: Value,
    over_long: Value,
    unknown_enum: Value,
    nul: Value,
) -> Vec<(&'static str, String)> {
    vec![
        ("truncated JSON", "{\"name\": ".into()),
        ("not an object", "[1, 2, 3]".into()),
        ("wrong types", wrong_types.to_string()),
        ("over-long strings", over_long.to_string()),
        ("null", "null".into()),
        ("unknown enum", unknown_enum.to_string()),
        ("NUL", nul.to_string()),
    ]
}
