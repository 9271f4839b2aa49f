//! Agreements: their flow, the service level they grant the customer, their events and
//! their expiry on the end date.

use chrono::{Duration, Utc};
use serde_json::json;

use crate::helpers::{create, path, spawn_app, STAFF};

#[tokio::test]
async fn an_agreement_goes_draft_to_active_grants_its_level_and_expires_after_its_end() {
    let app = spawn_app().await;
    let (_, staff) = app.staff(STAFF).await;
    let acme = create(&staff, json!({"kind": "organisation", "name": "Acme"})).await;
    let today = Utc::now().date_naive();
    let drafted = staff
        .post(
            "/api/v1/agreements",
            &json!({"customer_id": acme["id"], "name": "Gold care", "service_level": "gold",
                    "starts_on": today - Duration::days(30), "ends_on": today - Duration::days(1)}),
        )
        .await
        .expect(201);
    let at = format!("/api/v1/agreements/{}", drafted["id"].as_str().unwrap());
    assert_eq!(drafted["status"], "draft");

    let skipped = staff
        .patch(&at, &json!({"status": "active"}))
        .await
        .expect_problem(409, "illegal_transition");
    assert_eq!(skipped["allowed"], json!(["sent", "terminated"]));
    staff
        .patch(&at, &json!({"terms": "4 h on site", "status": "sent"}))
        .await
        .expect(200);
    staff
        .patch(&at, &json!({"status": "signed"}))
        .await
        .expect(200);
    staff
        .patch(&at, &json!({"terms": "changed after signing"}))
        .await
        .expect_problem(409, "agreement_not_editable");
    let active = staff
        .patch(&at, &json!({"status": "active"}))
        .await
        .expect(200);

    assert_eq!(active["terms"], "4 h on site");
    assert!(active["activated_at"].is_string());
    let customer = staff.get(&path(&acme)).await.expect(200);
    assert_eq!(customer["service_level"], "gold");
    let card = staff
        .get(&format!("{}/card", path(&acme)))
        .await
        .expect(200);
    assert_eq!(card["agreements"][0]["name"], "Gold care");
    let events = app.events().await;
    let (kind, data) = events.last().unwrap();
    assert_eq!(kind, "agreement.activated");
    assert_eq!(data["customer_service_level"], "gold");

    // Its end date was yesterday: the expiry run ends it and the level goes.
    let expired = kefu_customers::jobs::agreement_expiry::run_once(
        &app.state.db,
        &app.state.outbox,
        Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!(expired, 1);
    let ended = staff.get(&at).await.expect(200);
    assert_eq!(ended["status"], "expired");
    assert_eq!(
        staff.get(&path(&acme)).await.expect(200)["service_level"],
        json!(null)
    );
    let (kind, data) = app.events().await.pop().unwrap();
    assert_eq!(kind, "agreement.expired");
    assert_eq!(data["customer_service_level"], json!(null));
    staff
        .patch(&at, &json!({"status": "active"}))
        .await
        .expect_problem(409, "illegal_transition");
}

#[tokio::test]
async fn bad_agreements_are_refused_by_field() {
    let app = spawn_app().await;
    let (_, staff) = app.staff(STAFF).await;
    let acme = create(&staff, json!({"kind": "organisation", "name": "Acme"})).await;
    let backwards = staff
        .post(
            "/api/v1/agreements",
            &json!({"customer_id": acme["id"], "name": "X", "service_level": "gold",
                    "starts_on": "2027-01-01", "ends_on": "2026-01-01"}),
        )
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(backwards["errors"][0]["field"], "ends_on");
    let level = staff
        .post(
            "/api/v1/agreements",
            &json!({"customer_id": acme["id"], "name": "X", "service_level": "Gold Plus!",
                    "starts_on": "2027-01-01"}),
        )
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(level["errors"][0]["field"], "service_level");
    let unknown = staff
        .post(
            "/api/v1/agreements",
            &json!({"customer_id": uuid::Uuid::now_v7(), "name": "X", "service_level": "gold",
                    "starts_on": "2027-01-01"}),
        )
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(unknown["errors"][0]["field"], "customer_id");
}
