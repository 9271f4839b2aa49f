//! Pain points: rated, prioritised, moved along their flow, announced, on the card.

use serde_json::json;

use crate::helpers::{create, path, spawn_app, STAFF};

#[tokio::test]
async fn pain_points_are_prioritised_moved_along_and_shown_on_the_card() {
    let app = spawn_app().await;
    let (_, staff) = app.staff(STAFF).await;
    let acme = create(&staff, json!({"kind": "organisation", "name": "Acme"})).await;
    let minor = staff
        .post(
            "/api/v1/pain-points",
            &json!({"customer_id": acme["id"], "title": "Slow invoices", "impact": 2, "urgency": 2, "difficulty": 3}),
        )
        .await
        .expect(201);
    let major = staff
        .post(
            "/api/v1/pain-points",
            &json!({"customer_id": acme["id"], "title": "Scanner down on Mondays", "impact": 5, "urgency": 4, "difficulty": 2}),
        )
        .await
        .expect(201);
    assert_eq!(minor["priority"], 1.33);
    assert_eq!(major["priority"], 10.0);
    assert_eq!(major["status"], "open");
    let at = format!("/api/v1/pain-points/{}", major["id"].as_str().unwrap());
    let ticket = uuid::Uuid::now_v7();

    let addressing = staff
        .patch(
            &at,
            &json!({"status": "addressing", "urgency": 5, "ticket_ids": [ticket]}),
        )
        .await
        .expect(200);
    let card = staff
        .get(&format!("{}/card", path(&acme)))
        .await
        .expect(200);

    assert_eq!(addressing["priority"], 12.5);
    assert_eq!(addressing["ticket_ids"], json!([ticket]));
    let titles: Vec<&str> = card["pain_points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Scanner down on Mondays", "Slow invoices"]);

    staff
        .patch(&at, &json!({"status": "resolved"}))
        .await
        .expect(200);
    let card = staff
        .get(&format!("{}/card", path(&acme)))
        .await
        .expect(200);
    assert_eq!(card["pain_points"].as_array().unwrap().len(), 1);
    let reopened = staff
        .patch(&at, &json!({"status": "addressing"}))
        .await
        .expect_problem(409, "illegal_transition");
    assert_eq!(reopened["allowed"], json!(["open"]));
    let kinds: Vec<String> = app
        .events()
        .await
        .into_iter()
        .map(|(k, _)| k)
        .filter(|k| k.starts_with("pain_point."))
        .collect();
    assert_eq!(
        kinds,
        [
            "pain_point.created",
            "pain_point.created",
            "pain_point.updated",
            "pain_point.updated"
        ]
    );
    let listed = staff
        .get(&format!(
            "/api/v1/pain-points?customer_id={}&status=open",
            acme["id"].as_str().unwrap()
        ))
        .await
        .expect(200);
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    staff
        .post(
            "/api/v1/pain-points",
            &json!({"customer_id": acme["id"], "title": "X", "impact": 6, "urgency": 0, "difficulty": 3}),
        )
        .await
        .expect_problem(422, "validation_failed");
}
