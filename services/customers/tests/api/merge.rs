//! Merging two records of one customer: everything moves, nothing is orphaned, the
//! merged-away id points to the survivor, and other services hear of it.

use serde_json::json;
use uuid::Uuid;

use crate::helpers::{create, path, spawn_app, STAFF};

#[tokio::test]
async fn a_merge_moves_everything_to_the_survivor_and_the_old_id_points_to_it() {
    let app = spawn_app().await;
    let (_, staff) = app.staff(STAFF).await;
    let dup = create(
        &staff,
        json!({"kind": "organisation", "name": "ACME Hosp.", "tags": ["east"], "customer_since": "2019-05-01"}),
    )
    .await;
    let keep = create(
        &staff,
        json!({"kind": "organisation", "name": "Acme Hospital", "tags": ["key"]}),
    )
    .await;
    for (customer, name) in [(&dup, "Chen"), (&keep, "Li")] {
        staff
            .post(
                &format!("{}/contacts", path(customer)),
                &json!({"name": name}),
            )
            .await
            .expect(201);
        staff
            .post(
                &format!("{}/values", path(customer)),
                &json!({"year": 2026, "revenue": 1_000_000, "cost": 100_000}),
            )
            .await
            .expect(201);
    }
    staff
        .post(
            &format!("{}/values", path(&dup)),
            &json!({"year": 2025, "revenue": 500_000}),
        )
        .await
        .expect(201);
    staff
        .post(
            &format!("{}/interactions", path(&dup)),
            &json!({"channel": "phone", "direction": "inbound", "summary": "Called about the merge"}),
        )
        .await
        .expect(201);
    staff
        .post(
            "/api/v1/pain-points",
            &json!({"customer_id": dup["id"], "title": "Two records", "impact": 2, "urgency": 2, "difficulty": 1}),
        )
        .await
        .expect(201);
    let agreement = staff
        .post(
            "/api/v1/agreements",
            &json!({"customer_id": dup["id"], "name": "Gold", "service_level": "gold", "starts_on": "2026-01-01"}),
        )
        .await
        .expect(201);
    let agreement_path = format!("/api/v1/agreements/{}", agreement["id"].as_str().unwrap());
    for status in ["sent", "signed", "active"] {
        staff
            .patch(&agreement_path, &json!({"status": status}))
            .await
            .expect(200);
    }

    let survivor = staff
        .post(
            &format!("{}/merge", path(&dup)),
            &json!({"into": keep["id"]}),
        )
        .await
        .expect(200);

    assert_eq!(survivor["id"], keep["id"]);
    assert_eq!(survivor["tags"], json!(["east", "key"]));
    assert_eq!(survivor["customer_since"], "2019-05-01");
    assert_eq!(survivor["service_level"], "gold");
    let gone = staff.get(&path(&dup)).await.expect_problem(404, "merged");
    assert_eq!(gone["merged_into"], path(&keep));
    let card = staff
        .get(&format!("{}/card", path(&keep)))
        .await
        .expect(200);
    assert_eq!(card["contacts"].as_array().unwrap().len(), 2);
    assert_eq!(card["interactions"][0]["summary"], "Called about the merge");
    assert_eq!(card["pain_points"][0]["title"], "Two records");
    assert_eq!(card["agreements"][0]["name"], "Gold");
    let values = staff
        .get(&format!("{}/values", path(&keep)))
        .await
        .expect(200);
    let years: Vec<(i64, i64)> = values["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["year"].as_i64().unwrap(), v["revenue"].as_i64().unwrap()))
        .collect();
    assert_eq!(years, [(2025, 500_000), (2026, 2_000_000)]);
    let listed = staff.get("/api/v1/customers").await.expect(200);
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);

    // Nothing is left pointing at the merged-away id.
    use kefu_customers::store::entities::{
        agreement, contact, interaction, pain_point, value_record,
    };
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let old: Uuid = dup["id"].as_str().unwrap().parse().unwrap();
    let db = &app.state.db;
    let orphans = contact::Entity::find()
        .filter(contact::Column::CustomerId.eq(old))
        .count(db)
        .await
        .unwrap()
        + value_record::Entity::find()
            .filter(value_record::Column::CustomerId.eq(old))
            .count(db)
            .await
            .unwrap()
        + interaction::Entity::find()
            .filter(interaction::Column::CustomerId.eq(old))
            .count(db)
            .await
            .unwrap()
        + agreement::Entity::find()
            .filter(agreement::Column::CustomerId.eq(old))
            .count(db)
            .await
            .unwrap()
        + pain_point::Entity::find()
            .filter(pain_point::Column::CustomerId.eq(old))
            .count(db)
            .await
            .unwrap();
    assert_eq!(orphans, 0);

    let (kind, data) = app
        .events()
        .await
        .into_iter()
        .find(|(k, _)| k == "customer.merged")
        .unwrap();
    assert_eq!(kind, "customer.merged");
    assert_eq!(data["customer_id"], dup["id"]);
    assert_eq!(data["survivor_id"], keep["id"]);
    assert_eq!(data["survivor"]["service_level"], "gold");
}

#[tokio::test]
async fn a_merge_needs_two_live_customers() {
    let app = spawn_app().await;
    let (_, staff) = app.staff(STAFF).await;
    let one = create(&staff, json!({"kind": "individual", "name": "One"})).await;
    let two = create(&staff, json!({"kind": "individual", "name": "Two"})).await;

    let itself = staff
        .post(
            &format!("{}/merge", path(&one)),
            &json!({"into": one["id"]}),
        )
        .await
        .expect_problem(422, "validation_failed");
    let unknown = staff
        .post(
            &format!("{}/merge", path(&one)),
            &json!({"into": Uuid::now_v7()}),
        )
        .await
        .expect_problem(422, "validation_failed");
    staff
        .post(
            &format!("{}/merge", path(&one)),
            &json!({"into": two["id"]}),
        )
        .await
        .expect(200);
    let again = staff
        .post(
            &format!("{}/merge", path(&one)),
            &json!({"into": two["id"]}),
        )
        .await
        .expect_problem(404, "merged");
    let into_gone = staff
        .post(
            &format!("{}/merge", path(&two)),
            &json!({"into": one["id"]}),
        )
        .await
        .expect_problem(422, "validation_failed");

    assert_eq!(itself["errors"][0]["field"], "into");
    assert_eq!(unknown["errors"][0]["field"], "into");
    assert_eq!(again["merged_into"], path(&two));
    assert_eq!(into_gone["errors"][0]["field"], "into");
}
