//! Triggers shape tickets as they are created or changed; automations act on time, once
//! per state of a ticket; both are recorded as `rule:<id>`.

use chrono::{Duration, Utc};
use serde_json::json;

use crate::helpers::{create, path, spawn_app, AGENT};

#[tokio::test]
async fn a_trigger_shapes_a_new_ticket_before_it_is_announced() {
    let app = spawn_app().await;
    let (_, admin) = app
        .agent(&["tickets:read", "tickets:write", "tickets:admin"])
        .await;
    let trigger = admin
        .post(
            "/api/v1/triggers",
            &json!({"name": "VIP tickets are urgent", "event": "created", "conditions": {"tags_any": ["vip"]}, "actions": {"priority": "urgent", "add_tags": ["escalated"], "internal_note": "VIP: call back within the hour."}}),
        )
        .await
        .expect(201);
    let refused = admin
        .post(
            "/api/v1/triggers",
            &json!({"name": "X", "event": "sometimes", "actions": {"priority": "low"}}),
        )
        .await
        .expect(422);
    assert_eq!(refused["errors"][0]["field"], "event");

    let plain = create(&admin, json!({"subject": "Ordinary"})).await;
    let vip = create(
        &admin,
        json!({"subject": "Board member's laptop", "tags": ["vip"]}),
    )
    .await;

    assert_eq!(plain["priority"], "normal");
    let vip_now = admin.get(&path(&vip)).await.expect(200);
    assert_eq!(vip_now["priority"], "urgent");
    assert_eq!(vip_now["tags"], json!(["escalated", "vip"]));
    let notes = admin
        .get(&format!("{}/comments", path(&vip)))
        .await
        .expect(200);
    assert_eq!(notes["items"][0]["author_kind"], "system");
    assert_eq!(notes["items"][0]["public"], false);
    let history = admin
        .get(&format!("{}/history", path(&vip)))
        .await
        .expect(200);
    let via = format!("rule:{}", trigger["id"].as_str().unwrap());
    assert!(history["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h["field"] == "priority" && h["via"] == via));
    let (kind, data) = app.events().await.pop().unwrap();
    assert_eq!(
        (kind.as_str(), data["priority"].as_str()),
        ("ticket.created", Some("urgent")),
        "one event, with the trigger's result"
    );
    // The SLA clocks start under the policy the final priority matches (none seeded here).
}

#[tokio::test]
async fn an_update_trigger_reacts_to_a_change_once() {
    let app = spawn_app().await;
    let (_, admin) = app
        .agent(&["tickets:read", "tickets:write", "tickets:admin"])
        .await;
    admin
        .post("/api/v1/triggers", &json!({"name": "Complaints to high", "event": "updated", "conditions": {"type": ["complaint"], "priority": ["low", "normal"]}, "actions": {"priority": "high"}}))
        .await
        .expect(201);
    let ticket = create(&admin, json!({"subject": "Rude engineer"})).await;

    let changed = admin
        .patch(&path(&ticket), &json!({"type": "complaint"}))
        .await
        .expect(200);

    assert_eq!(changed["type"], "complaint");
    assert_eq!(changed["priority"], "high");
    let kinds: Vec<String> = app.events().await.into_iter().map(|(k, _)| k).collect();
    assert_eq!(kinds, ["ticket.created", "ticket.updated"]);
}

#[tokio::test]
async fn an_automation_solves_pending_tickets_after_three_days_once() {
    let app = spawn_app().await;
    let (_, admin) = app
        .agent(&["tickets:read", "tickets:write", "tickets:admin"])
        .await;
    let untimed = admin
        .post("/api/v1/automations", &json!({"name": "Bad", "conditions": {"status": ["pending"]}, "actions": {"status": "solved"}}))
        .await
        .expect(422);
    assert_eq!(untimed["errors"][0]["field"], "conditions");
    // One over each documented maxLength is a 422 naming the field.
    for (body, field) in [
        (
            json!({"name": "Long event", "event": "e".repeat(21), "conditions": {"hours_since_updated": 72}, "actions": {"status": "solved"}}),
            "event",
        ),
        (
            json!({"name": "Long tag", "conditions": {"hours_since_updated": 72, "tags_any": ["t".repeat(51)]}, "actions": {"status": "solved"}}),
            "conditions.tags_any[0]",
        ),
        (
            json!({"name": "Long subject", "conditions": {"hours_since_updated": 72, "subject_contains": "s".repeat(201)}, "actions": {"status": "solved"}}),
            "conditions.subject_contains",
        ),
        (
            json!({"name": "Long role", "conditions": {"hours_since_updated": 72}, "actions": {"notify_role": "r".repeat(65)}}),
            "actions.notify_role",
        ),
    ] {
        let long = admin.post("/api/v1/automations", &body).await.expect(422);
        assert_eq!(long["errors"][0]["field"], field);
    }
    let automation = admin
        .post("/api/v1/automations", &json!({"name": "Solve silent pending", "conditions": {"status": ["pending"], "hours_since_updated": 72}, "actions": {"status": "solved", "internal_note": "Solved after 3 days without an answer."}}))
        .await
        .expect(201);
    let (_, agent) = app.agent(AGENT).await;
    let waiting = create(&agent, json!({"subject": "Waiting for the customer"})).await;
    agent
        .patch(&path(&waiting), &json!({"status": "pending"}))
        .await
        .expect(200);
    let open = create(&agent, json!({"subject": "Being worked on"})).await;
    let outbox = app.state.outbox.clone();

    let soon = kefu_tickets::jobs::automations::run_once(
        &app.state.db,
        &outbox,
        Utc::now() + Duration::hours(24),
    )
    .await
    .unwrap();
    let later = Utc::now() + Duration::hours(80);
    let first = kefu_tickets::jobs::automations::run_once(&app.state.db, &outbox, later)
        .await
        .unwrap();
    let again = kefu_tickets::jobs::automations::run_once(&app.state.db, &outbox, later)
        .await
        .unwrap();

    assert_eq!((soon, first, again), (0, 1, 0));
    assert_eq!(
        agent.get(&path(&waiting)).await.expect(200)["status"],
        "solved"
    );
    assert_eq!(agent.get(&path(&open)).await.expect(200)["status"], "new");
    let history = agent
        .get(&format!("{}/history", path(&waiting)))
        .await
        .expect(200);
    let via = format!("rule:{}", automation["id"].as_str().unwrap());
    assert!(history["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h["new_value"] == "solved" && h["via"] == via));
    assert_eq!(app.events().await.pop().unwrap().0, "ticket.solved");
}

#[tokio::test]
async fn a_trigger_and_an_escalation_mail_the_staff_holding_a_role() {
    let app = spawn_app().await;
    app.seed_defaults("UTC").await;
    let (_, admin) = app
        .agent(&["tickets:read", "tickets:write", "tickets:admin"])
        .await;
    let manager = uuid::Uuid::now_v7();
    // `know_user` gives staff the `agent` role; this one manages the service.
    let data = kefu_events::catalogue::accounts::UserData {
        user_id: manager,
        email: "mei.manager@example.com".into(),
        name: "Mei".into(),
        roles: vec!["service_manager".into()],
        team_ids: Vec::new(),
        status: "active".into(),
        customer_id: None,
    };
    kefu_tickets::store::directory::upsert_user(&app.state.db, app.tenant, &data)
        .await
        .unwrap();
    admin
        .post("/api/v1/triggers", &json!({"name": "Complaints to the manager", "event": "created", "conditions": {"type": ["complaint"]}, "actions": {"notify_role": "service_manager"}}))
        .await
        .expect(201);
    admin
        .post("/api/v1/escalation-rules", &json!({"name": "Breaches to the manager", "trigger": "breached", "metrics": ["first_response"], "actions": {"notify_role": "service_manager"}}))
        .await
        .expect(201);

    let complaint = create(
        &admin,
        json!({"subject": "Rude engineer", "type": "complaint"}),
    )
    .await;
    let mail =
        kefu_testkit::wait_for_mail_file(&app.state.settings.mail, "Complaints to the manager")
            .await
            .expect("trigger mail");
    assert!(mail.contains("mei.manager@example.com"));
    assert!(mail.contains(&format!("[#{}]", complaint["number"])));

    let outbox = app.state.outbox.clone();
    kefu_tickets::jobs::sla_scan::run_once(&app.state.db, &outbox, Utc::now() + Duration::days(30))
        .await
        .unwrap();
    kefu_testkit::wait_for_mail_file(&app.state.settings.mail, "Breaches to the manager")
        .await
        .expect("escalation mail");
}
