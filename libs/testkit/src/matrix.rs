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
        // that does not exist), but never for lack of a scope or token, and never by a
        // server fault.
        assert!(
            passed.status != 401 && passed.status != 403 && !passed.status.is_server_error(),
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

/// QUALITY 10: for every operation that takes `If-Match`, two writes sent at once with
/// the ETag of the version just read give exactly one 2xx and one 412, and the stored
/// record then has the winner's version. Several rounds per operation, each on a new
/// record, because a read-compare-write race needs the two requests to interleave to
/// show itself.
/// `bodies` replaces the documented example of the operations it names (by path
/// template) where the example refers to records the fixture does not make; `{unique}`
/// in its text becomes a new value each round (for names that must be unique).
/// Returns how many operations it checked.
pub async fn lost_updates(
    ops: &[Operation],
    owner: &TestClient,
    bodies: &[(&str, Value)],
    mut fixture: impl AsyncFnMut(&str) -> (String, String),
) -> usize {
    const ROUNDS: usize = 4;
    let mut checked = 0;
    for op in ops.iter().filter(|op| op.takes_if_match) {
        for round in 0..ROUNDS {
            // A fresh record each round, so that the body changes it (a PATCH that changes
            // nothing may rightly succeed twice).
            let (path, reader) = fixture(&op.path).await;
            let etag = current_etag(owner, &path, &reader)
                .await
                .unwrap_or_else(|| {
                    panic!(
                        "no ETag for {} {} at {path} or {reader}",
                        op.method, op.path
                    )
                });
            let body = bodies
                .iter()
                .find(|(template, _)| *template == op.path)
                .map_or(op.example.clone(), |(_, body)| {
                    let unique = Uuid::now_v7().simple().to_string();
                    serde_json::from_str(&body.to_string().replace("{unique}", &unique[20..]))
                        .unwrap_or_else(|_| body.clone())
                });
            let body = &body;
            let write = || {
                let builder = owner
                    .request(op.method.clone(), &path)
                    .header("if-match", etag.as_str());
                let builder = if op.has_body {
                    builder.json(body)
                } else {
                    builder
                };
                owner.send(builder)
            };
            let (first, second) = tokio::join!(write(), write());
            let mut statuses = [first.status.as_u16(), second.status.as_u16()];
            statuses.sort_unstable();
            assert!(
                (200..300).contains(&statuses[0]) && statuses[1] == 412,
                "{} {} round {round}: two writes with ETag {etag} answered {} ({}) and {} ({})",
                op.method,
                op.path,
                first.status,
                first.text,
                second.status,
                second.text
            );
            let winner = if first.status.is_success() {
                &first
            } else {
                &second
            };
            let loser = if first.status.is_success() {
                &second
            } else {
                &first
            };
            assert_eq!(
                loser.json()["code"],
                "version_mismatch",
                "{} {}",
                op.method,
                op.path
            );
            let stored = current_etag(owner, &path, &reader).await;
            assert_ne!(
                stored.as_deref(),
                Some(etag.as_str()),
                "{} {}: the version did not move",
                op.method,
                op.path
            );
            if let Some(won) = winner.header("etag") {
                assert_eq!(
                    stored,
                    Some(won),
                    "{} {}: the stored record is not the winner's",
                    op.method,
                    op.path
                );
            }
        }
        checked += 1;
    }
    checked
}

/// The ETag of the record at `path`: from a GET of it, else of `reader` (its parent),
/// else the `version` of its item in the list `reader` answers.
async fn current_etag(owner: &TestClient, path: &str, reader: &str) -> Option<String> {
    for at in [path, reader] {
        let read = owner.get(at).await;
        if read.status == 200 {
            if let Some(etag) = read.header("etag") {
                return Some(etag);
            }
        }
    }
    let id = path
        .rsplit('/')
        .find(|part| Uuid::parse_str(part).is_ok())?;
    let list = owner.get(reader).await.json();
    let items = list["items"].as_array().or_else(|| list.as_array())?;
    let item = items.iter().find(|item| item["id"] == id)?;
    Some(format!("\"{}\"", item["version"].as_i64()?))
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
