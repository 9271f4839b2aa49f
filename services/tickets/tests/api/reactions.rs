//! Events in from customers and surveys: the customer directory re-matches SLA, CSAT lands
//! on the ticket, a detractor opens a follow-up for the relationship manager.

use kefu_events::catalogue::customers::{
    CustomerCreated, CustomerData, CustomerTierChanged, TierChangeData,
};
use kefu_events::catalogue::surveys::{
    ResponseData, Scores, SurveyDetractorDetected, SurveyResponseSubmitted,
};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{
    create, embedded_bus, eventually, path, publish, redeliver, spawn_app_with_bus, AGENT,
};

fn customer(id: Uuid, tier: &str, owner: Option<Uuid>) -> CustomerData {
    CustomerData {
        customer_id: id,
        name: "Acme Hospital".into(),
        tier: Some(tier.into()),
        abc_class: Some("A".into()),
        owner_id: owner,
        lifecycle: "active".into(),
        service_level: None,
    }
}

fn response(customer: Option<Uuid>, ticket: Option<Uuid>, csat: f64) -> ResponseData {
    ResponseData {
        response_id: Uuid::now_v7(),
        template_id: Uuid::now_v7(),
        template_version: 1,
        campaign_id: None,
        customer_id: customer,
        ticket_id: ticket,
        scores: Scores {
            csat: Some(csat),
            nps: Some(2.0),
            ces: None,
            index: None,
        },
        dimension_scores: Default::default(),
    }
}

fn resolution_target(sla: &Value) -> i64 {
    sla["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["metric"] == "resolution")
        .unwrap()["target_minutes"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn a_customer_moving_to_gold_rematches_the_sla_of_its_open_tickets() {
    let bus = embedded_bus().await;
    let app = spawn_app_with_bus(Some(bus.clone())).await;
    app.seed_defaults("UTC").await;
    let (_, admin) = app
        .agent(&["tickets:read", "tickets:write", "tickets:admin"])
        .await;
    admin
        .post("/api/v1/sla-policies", &json!({"name": "Gold", "position": -1, "conditions": {"tiers": ["gold"]}, "targets": {"resolution": {"minutes": 60, "business_hours": false}}}))
        .await
        .expect(201);
    let acme = Uuid::now_v7();
    publish(
        &bus,
        app.tenant,
        CustomerCreated(customer(acme, "silver", None)),
    )
    .await;
    let ticket = create(
        &admin,
        json!({"subject": "Scanner broken", "customer_id": acme}),
    )
    .await;
    let sla_path = format!("{}/sla", path(&ticket));
    assert_eq!(
        resolution_target(&admin.get(&sla_path).await.expect(200)),
        2400
    );

    let change = TierChangeData {
        customer_id: acme,
        old: Some("silver".into()),
        new: Some("gold".into()),
    };
    publish(&bus, app.tenant, CustomerTierChanged(change)).await;

    eventually("the gold policy applying", async || {
        resolution_target(&admin.get(&sla_path).await.expect(200)) == 60
    })
    .await;
    let later = create(&admin, json!({"subject": "Another", "customer_id": acme})).await;
    let later_sla = admin
        .get(&format!("{}/sla", path(&later)))
        .await
        .expect(200);
    assert_eq!(resolution_target(&later_sla), 60);
}

#[tokio::test]
async fn csat_lands_on_the_ticket_and_a_detractor_opens_one_follow_up_for_the_manager() {
    let bus = embedded_bus().await;
    let app = spawn_app_with_bus(Some(bus.clone())).await;
    let (manager, client) = app.agent(AGENT).await;
    let acme = Uuid::now_v7();
    publish(
        &bus,
        app.tenant,
        CustomerCreated(customer(acme, "gold", Some(manager))),
    )
    .await;
    let ticket = create(
        &client,
        json!({"subject": "Slow repair", "customer_id": acme}),
    )
    .await;
    let ticket_id: Uuid = ticket["id"].as_str().unwrap().parse().unwrap();

    publish(
        &bus,
        app.tenant,
        SurveyResponseSubmitted(response(Some(acme), Some(ticket_id), 4.6)),
    )
    .await;
    eventually("the CSAT reaching the ticket", async || {
        client.get(&path(&ticket)).await.expect(200)["csat_score"] == 5
    })
    .await;

    let detractor = publish(
        &bus,
        app.tenant,
        SurveyDetractorDetected(response(Some(acme), Some(ticket_id), 1.0)),
    )
    .await;
    // Delivered twice: still one follow-up.
    redeliver(&bus, &detractor, "kefu.surveys").await;
    let mut follow_ups = Value::Null;
    eventually("the follow-up ticket", async || {
        follow_ups = client
            .get("/api/v1/tickets?type=follow_up")
            .await
            .expect(200);
        !follow_ups["items"].as_array().unwrap().is_empty()
    })
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let follow_ups = client
        .get("/api/v1/tickets?type=follow_up")
        .await
        .expect(200);
    let items = follow_ups["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{follow_ups}");
    assert_eq!(items[0]["assignee_id"], json!(manager));
    assert_eq!(items[0]["customer_id"], json!(acme));
    assert_eq!(items[0]["tags"], json!(["detractor"]));
}
