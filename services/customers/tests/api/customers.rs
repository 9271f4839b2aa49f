//! Customers, contacts and lifecycle through HTTP: fields, filters, pages, events.

use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{create, path, spawn_app, STAFF};

#[tokio::test]
async fn a_customer_keeps_every_field_and_its_lifecycle_moves_are_dated_and_announced() {
    let app = spawn_app().await;
    let (owner_id, staff) = app.staff(STAFF).await;
    let acme = create(
        &staff,
        json!({
            "kind": "organisation", "name": " Acme Hospital ", "industry": "healthcare",
            "region": "East", "size": "250+ staff", "address": "1 Main St",
            "source_channel": "trade fair", "owner_id": owner_id, "tags": ["Hospital", "hospital", "key"],
            "notes": "Met at the fair.",
            "background": {"industry": "Private hospitals", "business_situation": "Growing", "culture": "Consensus"},
            "needs": {"services": "Scanner upkeep", "timing": "Nights", "manner": "On site"},
            "marketing_type": "convenience", "management_class": "key", "position": "end_customer",
            "relationship_level": "accountable", "customer_since": "2020-03-01", "external_id": "ERP-1"
        }),
    )
    .await;
    assert_eq!(acme["name"], "Acme Hospital");
    assert_eq!(acme["tags"], json!(["hospital", "key"]));
    assert_eq!(acme["lifecycle"], "prospect");
    assert_eq!(acme["background"]["culture"], "Consensus");
    assert_eq!(acme["customer_since"], "2020-03-01");
    let at = path(&acme);

    let active = staff
        .patch(&at, &json!({"lifecycle": "active", "industry": null}))
        .await
        .expect(200);
    staff
        .patch(&at, &json!({"lifecycle": "former"}))
        .await
        .expect(200);
    staff
        .patch(&at, &json!({"notes": "Moved away."}))
        .await
        .expect(200);

    assert_eq!(active["industry"], json!(null));
    assert_eq!(active["version"], 2);
    let moves = staff
        .get(&format!("{at}/lifecycle-changes"))
        .await
        .expect(200);
    let stages: Vec<(Value, Value)> = moves["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["from"].clone(), m["to"].clone()))
        .collect();
    assert_eq!(
        stages,
        [
            (json!(null), json!("prospect")),
            (json!("prospect"), json!("active")),
            (json!("active"), json!("former"))
        ]
    );
    let kinds: Vec<String> = app.events().await.into_iter().map(|(k, _)| k).collect();
    assert_eq!(
        kinds,
        [
            "customer.created",
            "customer.lifecycle_changed",
            "customer.lifecycle_changed"
        ],
        "a notes change is nothing consumers see"
    );
}

#[tokio::test]
async fn bad_owner_duplicate_external_id_stale_version_and_deleted_customers() {
    let app = spawn_app().await;
    let (_, staff) = app.staff(STAFF).await;
    let unknown = staff
        .post(
            "/api/v1/customers",
            &json!({"kind": "individual", "name": "Li", "owner_id": Uuid::now_v7()}),
        )
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(unknown["errors"][0]["field"], "owner_id");
    let first = create(
        &staff,
        json!({"kind": "individual", "name": "Li", "external_id": "X1"}),
    )
    .await;
    staff
        .post(
            "/api/v1/customers",
            &json!({"kind": "individual", "name": "Li 2", "external_id": "X1"}),
        )
        .await
        .expect_problem(409, "external_id_taken");
    let stale = staff
        .send(
            staff
                .request(reqwest::Method::PATCH, &path(&first))
                .header("If-Match", "\"7\"")
                .json(&json!({"name": "Lee"})),
        )
        .await;
    assert_eq!(stale.status, 412);

    staff.delete(&path(&first)).await.expect(204);
    staff.get(&path(&first)).await.expect(404);
    let listed = staff.get("/api/v1/customers").await.expect(200);
    assert!(listed["items"].as_array().unwrap().is_empty());

    // A care plan's rule (up to 1000 characters) and local start (16) are bounded.
    let customer = create(&staff, json!({"kind": "individual", "name": "Planned"})).await;
    let plan = |rule: String, starts_at: &str| {
        json!({"customer_id": customer["id"], "name": "Visit", "rule": rule,
               "starts_at": starts_at, "channel": "visit", "kind": "task", "task": "Call"})
    };
    let long_rule = format!("FREQ=MONTHLY;INTERVAL=3{}", " ".repeat(978));
    assert_eq!(long_rule.chars().count(), 1001);
    for (body, field) in [
        (plan(long_rule, "2027-01-05T09:00"), "rule"),
        (
            plan("FREQ=MONTHLY".into(), "2027-01-05T09:00Z"),
            "starts_at",
        ),
    ] {
        let problem = staff
            .post("/api/v1/care-plans", &body)
            .await
            .expect_problem(422, "validation_failed");
        assert_eq!(problem["errors"][0]["field"], field);
    }
}

#[tokio::test]
async fn filters_on_every_classification_and_keyset_pages() {
    let app = spawn_app().await;
    let (owner_id, staff) = app.staff(STAFF).await;
    for i in 0..7 {
        create(
            &staff,
            json!({"kind": if i % 2 == 0 { "organisation" } else { "individual" },
                   "name": format!("Customer {i}"), "tags": [format!("t{}", i % 3)],
                   "lifecycle": if i < 3 { "active" } else { "prospect" },
                   "management_class": if i == 4 { "key" } else { "regular" },
                   "marketing_type": "ethical", "position": "intermediary",
                   "relationship_level": if i == 5 { "partnership" } else { "basic" },
                   "owner_id": if i == 6 { json!(owner_id) } else { json!(null) }}),
        )
        .await;
    }
    let count = |query: &'static str| {
        let staff = &staff;
        async move {
            staff
                .get(&format!("/api/v1/customers?{query}"))
                .await
                .expect(200)["items"]
                .as_array()
                .unwrap()
                .len()
        }
    };
    assert_eq!(count("kind=organisation").await, 4);
    assert_eq!(count("lifecycle=active").await, 3);
    assert_eq!(count("tag=t1").await, 2);
    assert_eq!(count("management_class=key").await, 1);
    assert_eq!(count("relationship_level=partnership").await, 1);
    assert_eq!(
        count("marketing_type=ethical&position=intermediary").await,
        7
    );
    assert_eq!(count("q=customer%205").await, 1);
    assert_eq!(
        staff
            .get(&format!("/api/v1/customers?owner_id={owner_id}"))
            .await
            .expect(200)["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    staff
        .get("/api/v1/customers?tier=golden")
        .await
        .expect_problem(422, "validation_failed");
    // One over a documented maxLength (q: 200) is a 422 naming the parameter.
    let long_q = staff
        .get(&format!("/api/v1/customers?q={}", "c".repeat(201)))
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(long_q["errors"][0]["field"], "q");
    // Follow-ups filter on the statuses a follow-up can be in, nothing else.
    staff
        .get("/api/v1/follow-ups?status=cancelled")
        .await
        .expect(200);
    let bad_status = staff
        .get("/api/v1/follow-ups?status=finished")
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(bad_status["errors"][0]["field"], "status");

    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let url = match &cursor {
            Some(c) => format!("/api/v1/customers?limit=3&cursor={c}"),
            None => "/api/v1/customers?limit=3".into(),
        };
        let page = staff.get(&url).await.expect(200);
        for item in page["items"].as_array().unwrap() {
            seen.push(item["id"].as_str().unwrap().to_string());
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    let mut unique = seen.clone();
    unique.dedup();
    assert_eq!(unique.len(), 7);
}

#[tokio::test]
async fn contacts_belong_to_their_customer() {
    let app = spawn_app().await;
    let (_, staff) = app.staff(STAFF).await;
    let acme = create(&staff, json!({"kind": "organisation", "name": "Acme"})).await;
    let other = create(&staff, json!({"kind": "organisation", "name": "Other"})).await;
    let contact = staff
        .post(
            &format!("{}/contacts", path(&acme)),
            &json!({"name": "Chen Jie", "phone": "+86 10 5555 0199", "email": "chen@acme.example", "emergency": true, "preferred_channel": "phone"}),
        )
        .await
        .expect(201);
    let contact_id = contact["id"].as_str().unwrap();
    staff
        .post(
            &format!("{}/contacts", path(&acme)),
            &json!({"name": "X", "preferred_channel": "pigeon"}),
        )
        .await
        .expect_problem(422, "validation_failed");
    let bad_email = staff
        .post(
            &format!("{}/contacts", path(&acme)),
            &json!({"name": "X", "email": "not-an-email"}),
        )
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(bad_email["errors"][0]["field"], "email");

    let changed = staff
        .patch(
            &format!("{}/contacts/{contact_id}", path(&acme)),
            &json!({"phone": null, "emergency": false}),
        )
        .await
        .expect(200);
    staff
        .get(&format!("{}/contacts/{contact_id}", path(&other)))
        .await
        .expect(404);

    assert_eq!(changed["phone"], json!(null));
    assert_eq!(changed["emergency"], false);
    let listed = staff
        .get(&format!("{}/contacts", path(&acme)))
        .await
        .expect(200);
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    staff
        .delete(&format!("{}/contacts/{contact_id}", path(&acme)))
        .await
        .expect(204);
}
