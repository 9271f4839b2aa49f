//! Events in from customers and surveys: the customer directory re-matches SLA (tier,
//! agreements), a merge moves tickets to the survivor, CSAT lands on the ticket, a
//! detractor or a due care-plan task opens a follow-up for the relationship manager.

use kefu_events::catalogue::customers::{
    AgreementActivated, AgreementData, AgreementExpired, CustomerCreated, CustomerData,
    CustomerFollowupDue, CustomerMerged, CustomerMergedData, CustomerTierChanged, CustomerUpdated,
    FollowupDueData, TierChangeData,
};
use kefu_events::catalogue::surveys::{
    ResponseData, Scores, SurveyDetractorDetected, SurveyResponseSubmitted,
};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{
    create, embedded_bus, eventually, path, publish, redeliver, spawn_app_with_bus, TestApp, AGENT,
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

/// The follow-up tickets once `redelivered`, delivered twice, has been handled twice (its
/// inbox row counts the second delivery).
async fn settled_follow_ups(
    app: &TestApp,
    client: &kefu_testkit::TestClient,
    redelivered: &kefu_events::Envelope,
) -> Value {
    redelivery_handled(app, redelivered).await;
    client
        .get("/api/v1/tickets?type=follow_up")
        .await
        .expect(200)
}

/// Waits until tickets has handled the second delivery of `envelope` (without a second
/// effect, which is what the caller then checks).
async fn redelivery_handled(app: &TestApp, envelope: &kefu_events::Envelope) {
    use kefu_events::consumer::entity;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let db = app.state.db.clone();
    eventually("the redelivery being handled", async || {
        entity::Entity::find()
            .filter(entity::Column::EventId.eq(envelope.id))
            .one(&db)
            .await
            .unwrap()
            .is_some_and(|row| row.deliveries >= 2)
    })
    .await;
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

    // customer.updated carries the whole customer: back to silver, back to standard.
    publish(
        &bus,
        app.tenant,
        CustomerUpdated(customer(acme, "silver", None)),
    )
    .await;
    eventually("the standard policy applying again", async || {
        resolution_target(&admin.get(&sla_path).await.expect(200)) == 2400
    })
    .await;
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
    let follow_ups = settled_follow_ups(&app, &client, &detractor).await;
    let items = follow_ups["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{follow_ups}");
    assert_eq!(items[0]["assignee_id"], json!(manager));
    assert_eq!(items[0]["customer_id"], json!(acme));
    assert_eq!(items[0]["tags"], json!(["detractor"]));
}

fn agreement(customer: Uuid, status: &str, level: Option<&str>) -> AgreementData {
    AgreementData {
        agreement_id: Uuid::now_v7(),
        customer_id: customer,
        name: "Gold care".into(),
        service_level: "gold".into(),
        starts_on: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        ends_on: None,
        status: status.into(),
        customer_service_level: level.map(String::from),
    }
}

#[tokio::test]
async fn an_agreement_grants_its_service_level_to_sla_matching_until_it_expires() {
    let bus = embedded_bus().await;
    let app = spawn_app_with_bus(Some(bus.clone())).await;
    app.seed_defaults("UTC").await;
    let (_, admin) = app
        .agent(&["tickets:read", "tickets:write", "tickets:admin"])
        .await;
    admin
        .post("/api/v1/sla-policies", &json!({"name": "Gold agreement", "position": -1, "conditions": {"service_levels": ["gold"]}, "targets": {"resolution": {"minutes": 120, "business_hours": false}}}))
        .await
        .expect(201);
    // The agreement arrives before tickets heard of the customer at all.
    let acme = Uuid::now_v7();
    let ticket = create(&admin, json!({"subject": "Chiller", "customer_id": acme})).await;
    let sla_path = format!("{}/sla", path(&ticket));

    let activated = agreement(acme, "active", Some("gold"));
    let envelope = publish(&bus, app.tenant, AgreementActivated(activated.clone())).await;
    redeliver(&bus, &envelope, "kefu.customers").await;
    eventually("the agreement's level applying", async || {
        resolution_target(&admin.get(&sla_path).await.expect(200)) == 120
    })
    .await;

    let expired = AgreementData {
        status: "expired".into(),
        customer_service_level: None,
        ..activated
    };
    publish(&bus, app.tenant, AgreementExpired(expired)).await;
    eventually("the standard policy applying again", async || {
        resolution_target(&admin.get(&sla_path).await.expect(200)) == 2400
    })
    .await;
}

#[tokio::test]
async fn a_merged_customer_s_tickets_move_to_the_survivor_once_with_history_and_events() {
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
    let (merged, survivor) = (Uuid::now_v7(), Uuid::now_v7());
    publish(
        &bus,
        app.tenant,
        CustomerCreated(customer(merged, "silver", None)),
    )
    .await;
    publish(
        &bus,
        app.tenant,
        CustomerCreated(customer(survivor, "gold", None)),
    )
    .await;
    let open = create(
        &admin,
        json!({"subject": "Open one", "customer_id": merged}),
    )
    .await;
    let done = create(
        &admin,
        json!({"subject": "Done one", "customer_id": merged}),
    )
    .await;
    admin
        .patch(&path(&done), &json!({"status": "solved"}))
        .await
        .expect(200);
    let other = create(&admin, json!({"subject": "Not theirs"})).await;

    let event = CustomerMerged(CustomerMergedData {
        customer_id: merged,
        survivor_id: survivor,
        survivor: customer(survivor, "gold", None),
    });
    let envelope = publish(&bus, app.tenant, event).await;
    redeliver(&bus, &envelope, "kefu.customers").await;
    eventually("the tickets moving to the survivor", async || {
        let listed = admin
            .get(&format!("/api/v1/tickets?customer_id={survivor}"))
            .await
            .expect(200);
        listed["items"].as_array().unwrap().len() == 2
    })
    .await;
    redelivery_handled(&app, &envelope).await;

    let left = admin
        .get(&format!("/api/v1/tickets?customer_id={merged}"))
        .await
        .expect(200);
    assert!(left["items"].as_array().unwrap().is_empty(), "{left}");
    let untouched = admin.get(&path(&other)).await.expect(200);
    assert_eq!(untouched["customer_id"], json!(null));
    let history = admin
        .get(&format!("{}/history", path(&open)))
        .await
        .expect(200);
    let moves: Vec<&Value> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["field"] == "customer_id")
        .collect();
    assert_eq!(moves.len(), 1, "{history}");
    assert_eq!(moves[0]["new_value"], json!(survivor));
    assert_eq!(moves[0]["via"], format!("customer_merge:{merged}"));
    // The open ticket now runs under the survivor's gold policy.
    let sla = admin.get(&format!("{}/sla", path(&open))).await.expect(200);
    assert_eq!(resolution_target(&sla), 60);
    let updated = app
        .events()
        .await
        .into_iter()
        .filter(|(kind, data)| kind == "ticket.updated" && data["customer_id"] == json!(survivor))
        .count();
    assert_eq!(updated, 2, "one ticket.updated per moved ticket");
}

fn due(customer: Uuid, kind: &str, owner: Option<Uuid>) -> FollowupDueData {
    FollowupDueData {
        occurrence_id: Uuid::now_v7(),
        plan_id: Uuid::now_v7(),
        customer_id: customer,
        contact_id: None,
        owner_id: owner,
        channel: "phone".into(),
        kind: kind.into(),
        template_id: None,
        task: Some("Quarterly check-in call".into()),
        due_at: chrono::Utc::now(),
    }
}

#[tokio::test]
async fn a_due_care_plan_task_opens_one_follow_up_ticket_and_a_survey_opens_none() {
    let bus = embedded_bus().await;
    let app = spawn_app_with_bus(Some(bus.clone())).await;
    let (manager, client) = app.agent(AGENT).await;
    let acme = Uuid::now_v7();
    publish(
        &bus,
        app.tenant,
        CustomerCreated(customer(acme, "gold", None)),
    )
    .await;

    publish(
        &bus,
        app.tenant,
        CustomerFollowupDue(due(acme, "survey", None)),
    )
    .await;
    let task = publish(
        &bus,
        app.tenant,
        CustomerFollowupDue(due(acme, "task", Some(manager))),
    )
    .await;
    redeliver(&bus, &task, "kefu.customers").await;
    let listed = settled_follow_ups(&app, &client, &task).await;
    let items = listed["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{listed}");
    assert_eq!(items[0]["assignee_id"], json!(manager));
    assert_eq!(items[0]["customer_id"], json!(acme));
    assert_eq!(items[0]["tags"], json!(["care_plan"]));
    let ticket = client.get(&path(&items[0])).await.expect(200);
    assert!(ticket["description"]
        .as_str()
        .unwrap()
        .starts_with("Quarterly check-in call"));
}
