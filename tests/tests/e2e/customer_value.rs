//! Customers and tickets together through the gateway: a customer's revenue crossing
//! into the VIP band moves its open tickets onto the VIP SLA policy.

use serde_json::{json, Value};

use crate::suite;

fn resolution_target(sla: &Value) -> Option<i64> {
    sla["clocks"]
        .as_array()?
        .iter()
        .find(|c| c["metric"] == "resolution")?["target_minutes"]
        .as_i64()
}

#[tokio::test]
async fn revenue_into_the_vip_band_moves_open_tickets_to_the_vip_sla() {
    let suite = suite::start().await;
    let slug = kefu_testkit::unique_slug("vip");
    let (_, owner) = suite.sign_up(&slug, "UTC", "vera@vip.example").await;
    suite.tickets_knows_the_tenant(&owner).await;

    owner
        .post(
            "/api/v1/sla-policies",
            &json!({"name": "VIP", "position": -1, "conditions": {"tiers": ["vip"]},
                    "targets": {"resolution": {"minutes": 120, "business_hours": false}}}),
        )
        .await
        .expect(201);
    let acme = owner
        .post(
            "/api/v1/customers",
            &json!({"kind": "organisation", "name": "Acme Hospital", "lifecycle": "active"}),
        )
        .await
        .expect(201);
    let customer_path = format!("/api/v1/customers/{}", acme["id"].as_str().unwrap());
    let record = owner
        .post(
            &format!("{customer_path}/values"),
            &json!({"year": 2026, "revenue": 30_000_000}),
        )
        .await
        .expect(201);
    let ticket = owner
        .post(
            "/api/v1/tickets",
            &json!({"subject": "Scanner down", "customer_id": acme["id"]}),
        )
        .await
        .expect(201);
    let sla_path = format!("/api/v1/tickets/{}/sla", ticket["id"].as_str().unwrap());
    let mut before = None;
    for _ in 0..600 {
        before = resolution_target(&owner.get(&sla_path).await.expect(200));
        if before.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        before,
        Some(2400),
        "the standard policy applies to a major customer"
    );

    owner
        .patch(
            &format!("{customer_path}/values/{}", record["id"].as_str().unwrap()),
            &json!({"revenue": 150_000_000}),
        )
        .await
        .expect(200);

    assert_eq!(owner.get(&customer_path).await.expect(200)["tier"], "vip");
    let mut after = None;
    for _ in 0..600 {
        after = resolution_target(&owner.get(&sla_path).await.expect(200));
        if after == Some(120) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(after, Some(120), "tickets re-matched the VIP policy");
    suite.stop().await;
}

#[tokio::test]
async fn merging_customers_moves_their_tickets_and_the_old_id_points_to_the_survivor() {
    let suite = suite::start().await;
    let slug = kefu_testkit::unique_slug("merge");
    let (_, owner) = suite.sign_up(&slug, "UTC", "max@merge.example").await;
    let dup = owner
        .post(
            "/api/v1/customers",
            &json!({"kind": "organisation", "name": "ACME Hosp."}),
        )
        .await
        .expect(201);
    let keep = owner
        .post(
            "/api/v1/customers",
            &json!({"kind": "organisation", "name": "Acme Hospital"}),
        )
        .await
        .expect(201);
    let ticket = owner
        .post(
            "/api/v1/tickets",
            &json!({"subject": "Filed under the duplicate", "customer_id": dup["id"]}),
        )
        .await
        .expect(201);
    let ticket_path = format!("/api/v1/tickets/{}", ticket["id"].as_str().unwrap());
    let dup_path = format!("/api/v1/customers/{}", dup["id"].as_str().unwrap());

    owner
        .post(&format!("{dup_path}/merge"), &json!({"into": keep["id"]}))
        .await
        .expect(200);

    let gone = owner.get(&dup_path).await.expect_problem(404, "merged");
    assert_eq!(
        gone["merged_into"],
        format!("/api/v1/customers/{}", keep["id"].as_str().unwrap())
    );
    let mut moved = Value::Null;
    for _ in 0..600 {
        moved = owner.get(&ticket_path).await.expect(200);
        if moved["customer_id"] == keep["id"] {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        moved["customer_id"], keep["id"],
        "tickets re-pointed the ticket"
    );
    suite.stop().await;
}

#[tokio::test]
async fn a_ticket_s_life_shows_on_the_customer_card_and_in_its_interactions() {
    let suite = suite::start().await;
    let slug = kefu_testkit::unique_slug("card");
    let (_, owner) = suite.sign_up(&slug, "UTC", "cara@card.example").await;
    let acme = owner
        .post(
            "/api/v1/customers",
            &json!({"kind": "organisation", "name": "Acme Hospital"}),
        )
        .await
        .expect(201);
    let card_path = format!("/api/v1/customers/{}/card", acme["id"].as_str().unwrap());
    let complaint = owner
        .post(
            "/api/v1/tickets",
            &json!({"subject": "Engineer late", "type": "complaint", "channel": "phone", "customer_id": acme["id"]}),
        )
        .await
        .expect(201);
    let ticket = owner
        .post(
            "/api/v1/tickets",
            &json!({"subject": "Scanner noise", "channel": "email", "customer_id": acme["id"]}),
        )
        .await
        .expect(201);
    let at = format!("/api/v1/tickets/{}", ticket["id"].as_str().unwrap());
    owner
        .post(&format!("{at}/comments"), &json!({"body": "On our way."}))
        .await
        .expect(201);
    owner
        .patch(&at, &json!({"status": "solved"}))
        .await
        .expect(200);
    owner
        .patch(&at, &json!({"status": "closed"}))
        .await
        .expect(200);

    let mut card = Value::Null;
    for _ in 0..600 {
        card = owner.get(&card_path).await.expect(200);
        if card["interactions"].as_array().map_or(0, Vec::len) == 5 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(card["tickets"]["open"], 1, "{card}");
    assert_eq!(card["tickets"]["open_complaints"], 1);
    assert_eq!(card["tickets"]["items"][0]["ticket_id"], complaint["id"]);
    let summaries: Vec<&str> = card["interactions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["summary"].as_str().unwrap())
        .collect();
    for expected in [
        "Ticket #1 opened: Engineer late",
        "Ticket #2 opened: Scanner noise",
        "staff replied on ticket #2: Scanner noise",
        "Ticket #2 solved: Scanner noise",
        "Ticket #2 closed: Scanner noise",
    ] {
        assert!(
            summaries.contains(&expected),
            "{expected} missing from {summaries:?}"
        );
    }
    let listed = owner
        .get(&format!(
            "/api/v1/customers/{}/interactions",
            acme["id"].as_str().unwrap()
        ))
        .await
        .expect(200);
    assert_eq!(listed["items"].as_array().unwrap().len(), 5);
    suite.stop().await;
}
