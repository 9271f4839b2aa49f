//! Calendars and SLA policies: validation naming the field, versions, references.

use serde_json::json;

use crate::helpers::{spawn_app, AGENT};

#[tokio::test]
async fn calendars_are_validated_and_in_use_ones_cannot_go() {
    let app = spawn_app().await;
    app.seed_defaults("Asia/Shanghai").await;
    let (_, admin) = app.agent(&["tickets:read", "tickets:admin"]).await;
    let cases = [
        (
            json!({"name": "A", "time_zone": "Mars/Olympus", "weekly": {}}),
            "time_zone",
        ),
        (
            json!({"name": "A", "time_zone": "UTC", "weekly": {"monday": [{"start": "9am", "end": "18:00"}]}}),
            "weekly.monday[0].start",
        ),
        (
            json!({"name": "A", "time_zone": "UTC", "weekly": {"tuesday": [{"start": "09:00", "end": "13:00"}, {"start": "12:00", "end": "18:00"}]}}),
            "weekly.tuesday[1]",
        ),
        (
            json!({"name": "A", "time_zone": "UTC", "weekly": {"friday": [{"start": "18:00", "end": "09:00"}]}}),
            "weekly.friday[0]",
        ),
    ];
    for (body, field) in cases {
        let problem = admin.post("/api/v1/calendars", &body).await.expect(422);
        assert_eq!(problem["errors"][0]["field"], field, "{body}");
    }
    let created = admin
        .post("/api/v1/calendars", &json!({"name": "Night desk", "time_zone": "Asia/Shanghai", "weekly": {"monday": [{"start": "22:00", "end": "24:00"}]}, "holidays": ["2026-10-01"]}))
        .await
        .expect(201);
    assert_eq!(
        created["weekly"]["monday"],
        json!([{"start": "22:00", "end": "00:00"}])
    );
    let calendars = admin.get("/api/v1/calendars").await.expect(200);
    let default = calendars["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["is_default"] == true)
        .unwrap();
    admin
        .delete(&format!(
            "/api/v1/calendars/{}",
            default["id"].as_str().unwrap()
        ))
        .await
        .expect_problem(409, "calendar_in_use");
    // Found by Schemathesis: renaming onto another calendar's name was a 500.
    let renamed = admin
        .patch(
            &format!("/api/v1/calendars/{}", created["id"].as_str().unwrap()),
            &json!({"name": default["name"]}),
        )
        .await;
    renamed.expect_problem(409, "calendar_name_taken");
    admin
        .delete(&format!(
            "/api/v1/calendars/{}",
            created["id"].as_str().unwrap()
        ))
        .await
        .expect(204);
}

#[tokio::test]
async fn a_changed_policy_is_a_new_version_and_tickets_record_the_one_they_started_under() {
    let app = spawn_app().await;
    app.seed_defaults("UTC").await;
    let (_, admin) = app
        .agent(&["tickets:read", "tickets:write", "tickets:admin"])
        .await;
    let bad = admin
        .post("/api/v1/sla-policies", &json!({"name": "X", "conditions": {"priorities": ["asap"]}, "targets": {"resolution": {"minutes": 60}}}))
        .await
        .expect(422);
    assert_eq!(bad["errors"][0]["field"], "conditions.priorities[0]");
    let none = admin
        .post("/api/v1/sla-policies", &json!({"name": "X", "targets": {}}))
        .await
        .expect(422);
    assert_eq!(none["errors"][0]["field"], "targets");
    // Tiers and service levels are customers' words: only their documented length (50).
    for (conditions, field) in [
        (json!({"tiers": ["t".repeat(51)]}), "conditions.tiers[0]"),
        (
            json!({"service_levels": ["s".repeat(51)]}),
            "conditions.service_levels[0]",
        ),
    ] {
        let long = admin
            .post("/api/v1/sla-policies", &json!({"name": "X", "conditions": conditions, "targets": {"resolution": {"minutes": 60}}}))
            .await
            .expect(422);
        assert_eq!(long["errors"][0]["field"], field);
    }

    let complaints = admin
        .post("/api/v1/sla-policies", &json!({"name": "Complaints", "position": -1, "conditions": {"types": ["complaint"]}, "targets": {"resolution": {"minutes": 240, "business_hours": false}}}))
        .await
        .expect(201);
    let policy_path = format!(
        "/api/v1/sla-policies/{}",
        complaints["id"].as_str().unwrap()
    );
    let first = admin
        .post(
            "/api/v1/tickets",
            &json!({"subject": "Rude engineer", "type": "complaint"}),
        )
        .await
        .expect(201);
    let changed = admin
        .patch(
            &policy_path,
            &json!({"targets": {"resolution": {"minutes": 120, "business_hours": false}}}),
        )
        .await
        .expect(200);
    assert_eq!(changed["version"], 2);
    let second = admin
        .post(
            "/api/v1/tickets",
            &json!({"subject": "Rude again", "type": "complaint"}),
        )
        .await
        .expect(201);

    for (ticket, version, minutes) in [(&first, 1, 240), (&second, 2, 120)] {
        let sla = admin
            .get(&format!(
                "/api/v1/tickets/{}/sla",
                ticket["id"].as_str().unwrap()
            ))
            .await
            .expect(200);
        let resolution = sla["clocks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["metric"] == "resolution")
            .unwrap();
        assert_eq!(
            (
                resolution["policy_version"].as_i64(),
                resolution["target_minutes"].as_i64()
            ),
            (Some(version), Some(minutes))
        );
        assert!(
            sla["clocks"]
                .as_array()
                .unwrap()
                .iter()
                .all(|c| c["metric"] != "first_response"),
            "the policy sets no first-response target"
        );
    }
    let (_, writer) = app.agent(AGENT).await;
    writer
        .patch(&policy_path, &json!({"name": "Mine"}))
        .await
        .expect(403);
}

#[tokio::test]
async fn a_new_tenant_starts_with_a_calendar_policies_and_rules() {
    let app = spawn_app().await;
    app.seed_defaults("Asia/Shanghai").await;
    app.seed_defaults("Asia/Shanghai").await;
    let (_, reader) = app.agent(&["tickets:read"]).await;

    let calendars = reader.get("/api/v1/calendars").await.expect(200);
    assert_eq!(
        calendars["items"].as_array().unwrap().len(),
        1,
        "a redelivered tenant.created seeds nothing twice"
    );
    assert_eq!(calendars["items"][0]["time_zone"], "Asia/Shanghai");
    let policies = reader.get("/api/v1/sla-policies").await.expect(200);
    let names: Vec<&str> = policies["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Urgent", "Standard"]);
    assert_eq!(
        reader.get("/api/v1/triggers").await.expect(200)["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        reader.get("/api/v1/automations").await.expect(200)["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}
