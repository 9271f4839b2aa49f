//! Value records, ABC classes and pyramid tiers through HTTP, checked against an
//! independent computation over 1 000 generated customers.

use std::collections::HashMap;

use kefu_customers::store::entities::{customer, value_record};
use sea_orm::EntityTrait;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{create, path, spawn_app, TestApp, STAFF};

/// `n` customers with one value record each for 2025, straight into the store.
async fn generate(app: &TestApp, n: usize) -> Vec<(Uuid, i64, i64)> {
    let now = chrono::Utc::now();
    let mut made = Vec::new();
    let mut customers = Vec::new();
    let mut values = Vec::new();
    for i in 0..n {
        let id = Uuid::now_v7();
        // A long tail: a few big customers, many small ones, some equal revenues.
        let revenue = (1_000_000_000 / (i as i64 + 1)) / 100 * 100;
        let cost = revenue / 4;
        customers.push(customer::ActiveModel::from(customer::Model {
            id,
            tenant_id: app.tenant,
            kind: "organisation".into(),
            name: format!("Generated {i}"),
            industry: None,
            region: None,
            size: None,
            address: None,
            source_channel: None,
            owner_id: None,
            tags: "[]".into(),
            notes: String::new(),
            background: "{}".into(),
            needs: "{}".into(),
            lifecycle: "active".into(),
            lifecycle_changed_at: now,
            marketing_type: None,
            management_class: None,
            position: None,
            relationship_level: None,
            abc_class: None,
            tier: None,
            service_level: None,
            customer_since: "2020-01-01".into(),
            external_id: None,
            merged_into: None,
            deleted_at: None,
            version: 1,
            created_at: now,
            updated_at: now,
        }));
        values.push(value_record::ActiveModel::from(value_record::Model {
            id: Uuid::now_v7(),
            tenant_id: app.tenant,
            customer_id: id,
            year: 2025,
            currency: "CNY".into(),
            annual_sales: revenue * 10,
            revenue,
            cost,
            version: 1,
            created_at: now,
            updated_at: now,
        }));
        made.push((id, revenue, cost));
    }
    for chunk in customers.chunks(200) {
        customer::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&app.state.db)
            .await
            .unwrap();
    }
    for chunk in values.chunks(200) {
        value_record::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&app.state.db)
            .await
            .unwrap();
    }
    made
}

/// The Pareto classes computed here, independently of the service: walk by revenue,
/// A while what came before is under 80 %, B under 95 %; equal revenues share a class.
fn expected_classes(customers: &[(Uuid, i64, i64)]) -> HashMap<Uuid, &'static str> {
    let total: i64 = customers.iter().map(|c| c.1).sum();
    let mut sorted: Vec<_> = customers.to_vec();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut before = 0i64;
    let mut by_revenue: HashMap<i64, &'static str> = HashMap::new();
    for (_, revenue, _) in &sorted {
        let class = if *revenue > 0 && (before as f64) < 0.80 * total as f64 {
            "A"
        } else if *revenue > 0 && (before as f64) < 0.95 * total as f64 {
            "B"
        } else {
            "C"
        };
        by_revenue.entry(*revenue).or_insert(class);
        before += revenue;
    }
    customers.iter().map(|c| (c.0, by_revenue[&c.1])).collect()
}

fn expected_tier(revenue: i64) -> &'static str {
    match revenue {
        r if r >= 100_000_000 => "vip",
        r if r >= 20_000_000 => "major",
        r if r >= 2_000_000 => "ordinary",
        _ => "small",
    }
}

#[tokio::test]
async fn a_thousand_customers_get_the_classes_and_tiers_an_independent_count_gives() {
    let app = spawn_app().await;
    let (_, staff) = app.staff(STAFF).await;
    let customers = generate(&app, 1000).await;

    let outcome = staff
        .post("/api/v1/customers/classification:recompute", &json!({}))
        .await
        .expect(200);

    assert_eq!(outcome["customers"], 1000);
    assert_eq!(outcome["year"], 2025);
    let classes = expected_classes(&customers);
    let mut seen = 0;
    let mut cursor: Option<String> = None;
    loop {
        let url = match &cursor {
            Some(c) => format!("/api/v1/customers?limit=200&cursor={c}"),
            None => "/api/v1/customers?limit=200".into(),
        };
        let page = staff.get(&url).await.expect(200);
        for item in page["items"].as_array().unwrap() {
            let id: Uuid = item["id"].as_str().unwrap().parse().unwrap();
            let revenue = customers.iter().find(|c| c.0 == id).unwrap().1;
            assert_eq!(
                item["abc_class"], classes[&id],
                "class of revenue {revenue}"
            );
            assert_eq!(
                item["tier"],
                expected_tier(revenue),
                "tier of revenue {revenue}"
            );
            seen += 1;
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    assert_eq!(seen, 1000);
    let events = app.events().await;
    let tier_events = events
        .iter()
        .filter(|(k, _)| k == "customer.tier_changed")
        .count();
    let class_events = events
        .iter()
        .filter(|(k, _)| k == "customer.abc_class_changed")
        .count();
    assert_eq!(tier_events, 1000, "every customer got its first tier");
    assert_eq!(class_events, 1000);

    // Nothing moved: a second run announces nothing.
    let again = staff
        .post("/api/v1/customers/classification:recompute", &json!({}))
        .await
        .expect(200);
    assert_eq!(again["tier_changes"], 0);
    assert_eq!(again["abc_class_changes"], 0);
}

#[tokio::test]
async fn revenue_across_a_band_moves_one_tier_with_one_event() {
    let app = spawn_app().await;
    let (_, staff) = app.staff(STAFF).await;
    let acme = create(&staff, json!({"kind": "organisation", "name": "Acme"})).await;
    let small = create(&staff, json!({"kind": "individual", "name": "Small"})).await;
    staff
        .post(
            &format!("{}/values", path(&small)),
            &json!({"year": 2026, "revenue": 100_000}),
        )
        .await
        .expect(201);
    let record = staff
        .post(
            &format!("{}/values", path(&acme)),
            &json!({"year": 2026, "revenue": 50_000_000, "cost": 10_000_000, "annual_sales": 900_000_000}),
        )
        .await
        .expect(201);
    staff
        .post(
            &format!("{}/values", path(&acme)),
            &json!({"year": 2026, "revenue": 1}),
        )
        .await
        .expect_problem(409, "value_year_taken");
    assert_eq!(record["net_profit"], 40_000_000);
    assert_eq!(record["currency"], "CNY");
    let before = staff.get(&path(&acme)).await.expect(200);
    assert_eq!(before["tier"], "major");
    assert_eq!(before["abc_class"], "A");
    let tier_events_before = tier_changes(&app).await.len();

    staff
        .patch(
            &format!("{}/values/{}", path(&acme), record["id"].as_str().unwrap()),
            &json!({"revenue": 150_000_000}),
        )
        .await
        .expect(200);

    let after = staff.get(&path(&acme)).await.expect(200);
    assert_eq!(after["tier"], "vip");
    let moves = tier_changes(&app).await;
    assert_eq!(moves.len(), tier_events_before + 1);
    let last = moves.last().unwrap();
    assert_eq!(last["customer_id"], acme["id"]);
    assert_eq!(last["old"], "major");
    assert_eq!(last["new"], "vip");

    let values = staff
        .get(&format!("{}/values", path(&acme)))
        .await
        .expect(200);
    assert_eq!(values["items"].as_array().unwrap().len(), 1);
    assert_eq!(values["analysis"]["latest_year"], 2026);
    assert_eq!(values["analysis"]["net_profit"], 140_000_000);
    assert_eq!(values["analysis"]["expected_future_profit"], 420_000_000);
}

async fn tier_changes(app: &TestApp) -> Vec<Value> {
    app.events()
        .await
        .into_iter()
        .filter(|(k, _)| k == "customer.tier_changed")
        .map(|(_, d)| d)
        .collect()
}

#[tokio::test]
async fn settings_move_the_bands_and_refuse_nonsense() {
    let app = spawn_app().await;
    let (_, staff) = app.staff(STAFF).await;
    let acme = create(&staff, json!({"kind": "organisation", "name": "Acme"})).await;
    staff
        .post(
            &format!("{}/values", path(&acme)),
            &json!({"year": 2026, "revenue": 5_000_000}),
        )
        .await
        .expect(201);
    assert_eq!(
        staff.get(&path(&acme)).await.expect(200)["tier"],
        "ordinary"
    );
    let settings = staff.get("/api/v1/customer-settings").await.expect(200);
    assert_eq!(settings["abc_a_percent"], 80);

    let bad = staff
        .patch(
            "/api/v1/customer-settings",
            &json!({"tier_bands": {"basis": "revenue", "vip_min": 10, "major_min": 20, "ordinary_min": 0}}),
        )
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(bad["errors"][0]["field"], "tier_bands");
    staff
        .patch(
            "/api/v1/customer-settings",
            &json!({"abc_a_percent": 90, "abc_b_percent": 20}),
        )
        .await
        .expect_problem(422, "validation_failed");
    staff
        .patch(
            "/api/v1/customer-settings",
            &json!({"tier_bands": {"basis": "revenue", "vip_min": 4_000_000, "major_min": 1_000_000, "ordinary_min": 100}}),
        )
        .await
        .expect(200);

    assert_eq!(staff.get(&path(&acme)).await.expect(200)["tier"], "vip");
}
