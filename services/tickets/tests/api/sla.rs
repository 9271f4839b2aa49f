//! SLA through the API: policies apply on create, clocks pause with the status, replies
//! meet them, the scanner reports a breach once, and the timeline explains it all.

use chrono::{Duration, Utc};
use serde_json::{json, Value};

use crate::helpers::{create, path, spawn_app, AGENT};

fn clock<'a>(sla: &'a Value, metric: &str) -> &'a Value {
    sla["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["metric"] == metric)
        .unwrap_or_else(|| panic!("no {metric} clock in {sla}"))
}

fn kinds(sla: &Value, metric: &str) -> Vec<String> {
    sla["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["metric"] == metric)
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn the_matching_policy_starts_clocks_that_pause_resume_and_are_met_by_replies() {
    let app = spawn_app().await;
    app.seed_defaults("Asia/Shanghai").await;
    let (_, agent) = app.agent(AGENT).await;
    let (_, _, portal) = app.portal_user().await;
    let ticket = create(&portal, json!({"subject": "Router keeps rebooting"})).await;
    let at = path(&ticket);
    let urgent = create(
        &agent,
        json!({"subject": "Site down", "priority": "urgent"}),
    )
    .await;

    let sla = agent.get(&format!("{at}/sla")).await.expect(200);
    let resolution = clock(&sla, "resolution");
    assert_eq!(resolution["target_minutes"], 2400);
    assert_eq!(resolution["business_hours"], true);
    assert_eq!(resolution["policy_version"], 1);
    assert_eq!(clock(&sla, "first_response")["state"], "running");
    let urgent_sla = agent
        .get(&format!("{}/sla", path(&urgent)))
        .await
        .expect(200);
    assert_eq!(clock(&urgent_sla, "first_response")["target_minutes"], 60);
    assert_eq!(
        clock(&urgent_sla, "first_response")["business_hours"],
        false
    );

    agent
        .patch(&at, &json!({"status": "pending"}))
        .await
        .expect(200);
    let paused = agent.get(&format!("{at}/sla")).await.expect(200);
    assert_eq!(clock(&paused, "resolution")["state"], "paused");
    assert_eq!(clock(&paused, "resolution")["due_at"], json!(null));
    portal
        .post(
            &format!("{at}/comments"),
            &json!({"body": "Still rebooting."}),
        )
        .await
        .expect(201);
    agent
        .post(&format!("{at}/comments"), &json!({"body": "Replacing it."}))
        .await
        .expect(201);

    let sla = agent.get(&format!("{at}/sla")).await.expect(200);
    assert_eq!(clock(&sla, "first_response")["state"], "met");
    assert_eq!(clock(&sla, "next_response")["state"], "met");
    assert_eq!(clock(&sla, "resolution")["state"], "running");
    assert_eq!(kinds(&sla, "resolution"), ["started", "paused", "resumed"]);
    assert_eq!(kinds(&sla, "next_response"), ["started", "met"]);

    agent
        .patch(&at, &json!({"status": "solved"}))
        .await
        .expect(200);
    agent
        .patch(&at, &json!({"status": "open"}))
        .await
        .expect(200);
    let reopened = agent.get(&format!("{at}/sla")).await.expect(200);
    assert_eq!(clock(&reopened, "resolution")["state"], "running");
    assert_eq!(
        kinds(&reopened, "resolution"),
        ["started", "paused", "resumed", "met", "resumed"]
    );
}

#[tokio::test]
async fn a_breach_is_reported_once_with_the_exact_due_time() {
    let app = spawn_app().await;
    app.seed_defaults("Europe/Paris").await;
    let (_, agent) = app.agent(AGENT).await;
    let ticket = create(
        &agent,
        json!({"subject": "Site down", "priority": "urgent"}),
    )
    .await;
    let at = path(&ticket);
    let due = agent.get(&format!("{at}/sla")).await.expect(200);
    let first_due = clock(&due, "first_response")["due_at"].clone();
    let outbox = app.state.outbox.clone();

    let later = Utc::now() + Duration::days(30);
    let fired = kefu_tickets::jobs::sla_scan::run_once(&app.state.db, &outbox, later)
        .await
        .unwrap();
    let again = kefu_tickets::jobs::sla_scan::run_once(&app.state.db, &outbox, later)
        .await
        .unwrap();

    assert_eq!(fired, 2, "first response and resolution");
    assert_eq!(again, 0, "a breach is reported once");
    let breaches: Vec<Value> = app
        .events()
        .await
        .into_iter()
        .filter(|(kind, _)| kind == "ticket.sla_breached")
        .map(|(_, data)| data)
        .collect();
    assert_eq!(breaches.len(), 2);
    let first = breaches
        .iter()
        .find(|b| b["metric"] == "first_response")
        .unwrap();
    assert_eq!(first["target_minutes"], 60);
    assert_eq!(first["ticket_id"], ticket["id"]);
    let sla = agent.get(&format!("{at}/sla")).await.expect(200);
    assert_eq!(clock(&sla, "first_response")["state"], "breached");
    assert_eq!(
        chrono::DateTime::parse_from_rfc3339(
            clock(&sla, "first_response")["breached_at"]
                .as_str()
                .unwrap()
        )
        .unwrap(),
        chrono::DateTime::parse_from_rfc3339(first_due.as_str().unwrap()).unwrap()
    );
    assert!(kinds(&sla, "first_response").contains(&"breached".to_string()));
    agent
        .post(
            &format!("{at}/comments"),
            &json!({"body": "Sorry for the wait."}),
        )
        .await
        .expect(201);
    let late = agent.get(&format!("{at}/sla")).await.expect(200);
    assert_eq!(kinds(&late, "first_response").last().unwrap(), "met_late");
}

#[tokio::test]
async fn at_risk_comes_before_the_breach_and_a_priority_change_rematches_the_policy() {
    let app = spawn_app().await;
    app.seed_defaults("UTC").await;
    let (_, agent) = app.agent(AGENT).await;
    let ticket = create(&agent, json!({"subject": "Slow", "priority": "normal"})).await;
    let at = path(&ticket);

    agent
        .patch(&at, &json!({"priority": "urgent"}))
        .await
        .expect(200);
    let sla = agent.get(&format!("{at}/sla")).await.expect(200);
    assert_eq!(clock(&sla, "first_response")["target_minutes"], 60);
    assert!(kinds(&sla, "first_response").contains(&"policy_changed".to_string()));

    // 50 of 60 minutes: past the 80 % threshold, not yet due.
    let outbox = app.state.outbox.clone();
    let soon = Utc::now() + Duration::minutes(50);
    let fired = kefu_tickets::jobs::sla_scan::run_once(&app.state.db, &outbox, soon)
        .await
        .unwrap();
    assert_eq!(fired, 1);
    let kinds_out: Vec<String> = app.events().await.into_iter().map(|(k, _)| k).collect();
    assert!(
        kinds_out.contains(&"ticket.sla_at_risk".to_string()),
        "{kinds_out:?}"
    );
    assert_eq!(
        kefu_tickets::jobs::sla_scan::run_once(&app.state.db, &outbox, soon)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn a_breach_runs_the_escalation_rules_once() {
    let app = spawn_app().await;
    app.seed_defaults("UTC").await;
    let (_, admin) = app
        .agent(&[
            "tickets:read",
            "tickets:write",
            "tickets:assign",
            "tickets:admin",
        ])
        .await;
    let l2 = uuid::Uuid::now_v7();
    let expert = uuid::Uuid::now_v7();
    app.know_member(expert, "active", None, vec![l2]).await;
    admin
        .post(
            "/api/v1/dispatch-rules",
            &json!({"team_id": l2, "strategy": "round_robin"}),
        )
        .await
        .expect(201);
    let rule = admin
        .post(
            "/api/v1/escalation-rules",
            &json!({"name": "To L2", "trigger": "breached", "metrics": ["first_response"], "actions": {"notify_role": "service_manager", "raise_priority": true, "reassign_team_id": l2}}),
        )
        .await
        .expect(201);
    admin
        .post("/api/v1/escalation-rules", &json!({"name": "Only urgent", "trigger": "breached", "priorities": ["urgent"], "actions": {"notify_role": "owner"}}))
        .await
        .expect(201);
    let ticket = create(&admin, json!({"subject": "Waiting", "priority": "normal"})).await;
    let at = path(&ticket);
    let outbox = app.state.outbox.clone();
    let later = Utc::now() + Duration::days(30);

    kefu_tickets::jobs::sla_scan::run_once(&app.state.db, &outbox, later)
        .await
        .unwrap();
    kefu_tickets::jobs::sla_scan::run_once(&app.state.db, &outbox, later)
        .await
        .unwrap();

    let escalated = admin.get(&at).await.expect(200);
    assert_eq!(
        escalated["priority"], "high",
        "raised once, for the one breached first response"
    );
    assert_eq!(escalated["team_id"], json!(l2));
    assert_eq!(escalated["assignee_id"], json!(expert));
    let escalations: Vec<Value> = app
        .events()
        .await
        .into_iter()
        .filter(|(kind, _)| kind == "ticket.escalated")
        .map(|(_, data)| data)
        .collect();
    assert_eq!(escalations.len(), 1, "{escalations:?}");
    assert_eq!(escalations[0]["rule_id"], rule["id"]);
    assert_eq!(escalations[0]["notify_role"], "service_manager");
    let history = admin.get(&format!("{at}/history")).await.expect(200);
    let via_rule = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["via"] == format!("rule:{}", rule["id"].as_str().unwrap()))
        .count();
    assert!(
        via_rule >= 3,
        "priority, team, assignee and the escalation note: {history}"
    );
}
