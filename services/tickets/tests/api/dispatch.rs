//! Dispatch by team rule: round-robin, least-open, skill-based; moved and orphaned tickets.

use kefu_events::catalogue::accounts::{
    UserData, UserDisabled, UserEnabled, UserRolesChanged, UserUpdated,
};
use kefu_events::catalogue::training::{
    CertificationData, CertificationExpired, CertificationGranted, CertificationRevoked,
};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{
    create, embedded_bus, eventually, path, publish, spawn_app, spawn_app_with_bus, TestApp,
};

/// A team of `n` active agents, ids sorted.
async fn team(app: &TestApp, n: usize) -> (Uuid, Vec<Uuid>) {
    let team = Uuid::now_v7();
    let mut members: Vec<Uuid> = (0..n).map(|_| Uuid::now_v7()).collect();
    members.sort();
    for member in &members {
        app.know_member(*member, "active", None, vec![team]).await;
    }
    (team, members)
}

async fn rule(
    client: &kefu_testkit::TestClient,
    team: Uuid,
    strategy: &str,
    skill: Option<&str>,
) -> Value {
    client
        .post(
            "/api/v1/dispatch-rules",
            &json!({"team_id": team, "strategy": strategy, "skill": skill}),
        )
        .await
        .expect(201)
}

fn assignee(ticket: &Value) -> Uuid {
    ticket["assignee_id"]
        .as_str()
        .expect("assigned")
        .parse()
        .unwrap()
}

#[tokio::test]
async fn round_robin_takes_turns_and_the_trail_names_the_rule() {
    let app = spawn_app().await;
    let (_, admin) = app
        .agent(&["tickets:read", "tickets:write", "tickets:admin"])
        .await;
    let (team, members) = team(&app, 3).await;
    let rr = rule(&admin, team, "round_robin", None).await;

    let mut got = Vec::new();
    let mut last = Value::Null;
    for n in 0..4 {
        last = create(&admin, json!({"subject": format!("T{n}"), "team_id": team})).await;
        got.push(assignee(&last));
    }

    assert_eq!(got, [members[0], members[1], members[2], members[0]]);
    let history = admin
        .get(&format!("{}/history", path(&last)))
        .await
        .expect(200);
    let by_rule = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["field"] == "assignee_id")
        .unwrap();
    assert_eq!(
        by_rule["via"],
        format!("rule:{}", rr["id"].as_str().unwrap())
    );
    assert_eq!(by_rule["actor_id"], json!(null));
}

#[tokio::test]
async fn least_open_goes_to_the_lightest_load_and_a_moved_ticket_follows_its_new_team() {
    let app = spawn_app().await;
    let (_, admin) = app
        .agent(&[
            "tickets:read",
            "tickets:write",
            "tickets:assign",
            "tickets:admin",
        ])
        .await;
    let (team, members) = team(&app, 2).await;
    rule(&admin, team, "least_open", None).await;
    for n in 0..2 {
        create(
            &admin,
            json!({"subject": format!("Busy {n}"), "assignee_id": members[0]}),
        )
        .await;
    }

    let next = create(&admin, json!({"subject": "New", "team_id": team})).await;
    assert_eq!(assignee(&next), members[1]);

    let (other_team, others) = crate::dispatch::team(&app, 1).await;
    rule(&admin, other_team, "round_robin", None).await;
    let moved = admin
        .patch(&path(&next), &json!({"team_id": other_team}))
        .await
        .expect(200);
    assert_eq!(assignee(&moved), others[0]);
    assert_eq!(app.events().await.last().unwrap().0, "ticket.assigned");
}

#[tokio::test]
async fn skill_based_picks_the_certified_and_a_disabled_agent_s_tickets_move_on() {
    let bus = embedded_bus().await;
    let app = spawn_app_with_bus(Some(bus.clone())).await;
    let (_, admin) = app
        .agent(&["tickets:read", "tickets:write", "tickets:admin"])
        .await;
    let (team, members) = team(&app, 3).await;
    rule(&admin, team, "skill_based", Some("printers")).await;
    let none = create(
        &admin,
        json!({"subject": "Nobody qualified yet", "team_id": team}),
    )
    .await;
    assert_eq!(none["assignee_id"], json!(null));

    for member in [members[1], members[2]] {
        let data = CertificationData {
            certification_id: Uuid::now_v7(),
            user_id: member,
            skill_key: "printers".into(),
            expires_at: None,
        };
        publish(&bus, app.tenant, CertificationGranted(data)).await;
    }
    let mut first = Value::Null;
    eventually("the certification reaching tickets", async || {
        first = create(&admin, json!({"subject": "Printer jam", "team_id": team})).await;
        !first["assignee_id"].is_null()
    })
    .await;
    let expert = assignee(&first);
    assert!([members[1], members[2]].contains(&expert));

    let disabled = UserData {
        user_id: expert,
        email: "x@example.com".into(),
        name: "X".into(),
        roles: vec!["engineer".into()],
        team_ids: vec![team],
        status: "disabled".into(),
        customer_id: None,
    };
    publish(&bus, app.tenant, UserDisabled(disabled)).await;
    let other = if expert == members[1] {
        members[2]
    } else {
        members[1]
    };
    eventually("the disabled engineer's ticket moving on", async || {
        let now = admin.get(&path(&first)).await.expect(200);
        now["assignee_id"] == json!(other)
    })
    .await;
}

fn certification(user: Uuid, skill: &str) -> CertificationData {
    CertificationData {
        certification_id: Uuid::now_v7(),
        user_id: user,
        skill_key: skill.into(),
        expires_at: None,
    }
}

#[tokio::test]
async fn an_expired_or_revoked_certification_takes_the_skill_away() {
    let bus = embedded_bus().await;
    let app = spawn_app_with_bus(Some(bus.clone())).await;
    let (_, admin) = app
        .agent(&["tickets:read", "tickets:write", "tickets:admin"])
        .await;
    let (team, members) = team(&app, 2).await;
    rule(&admin, team, "skill_based", Some("lifts")).await;
    for member in &members {
        publish(
            &bus,
            app.tenant,
            CertificationGranted(certification(*member, "lifts")),
        )
        .await;
    }
    eventually("both certifications reaching tickets", async || {
        let mut seen = Vec::new();
        for _ in 0..2 {
            let t = create(&admin, json!({"subject": "Lift stuck", "team_id": team})).await;
            seen.push(t["assignee_id"].clone());
        }
        members.iter().all(|m| seen.contains(&json!(m)))
    })
    .await;

    publish(
        &bus,
        app.tenant,
        CertificationExpired(certification(members[0], "lifts")),
    )
    .await;
    publish(
        &bus,
        app.tenant,
        CertificationRevoked(certification(members[1], "lifts")),
    )
    .await;
    eventually("nobody being qualified any more", async || {
        let t = create(&admin, json!({"subject": "Lift stuck", "team_id": team})).await;
        t["assignee_id"].is_null()
    })
    .await;
}

fn member(id: Uuid, team: Option<Uuid>, status: &str, roles: &[&str]) -> UserData {
    UserData {
        user_id: id,
        email: format!("{}@example.com", id.simple()),
        name: "Member".into(),
        roles: roles.iter().map(|r| r.to_string()).collect(),
        team_ids: team.into_iter().collect(),
        status: status.into(),
        customer_id: None,
    }
}

#[tokio::test]
async fn team_changes_roles_and_re_enabling_from_accounts_reach_dispatch() {
    let bus = embedded_bus().await;
    let app = spawn_app_with_bus(Some(bus.clone())).await;
    let (_, admin) = app
        .agent(&["tickets:read", "tickets:write", "tickets:admin"])
        .await;
    let (team, members) = team(&app, 1).await;
    rule(&admin, team, "round_robin", None).await;
    let joiner = Uuid::now_v7();
    app.know_member(joiner, "active", None, Vec::new()).await;

    // user.updated moves the joiner into the team: round robin now alternates.
    publish(
        &bus,
        app.tenant,
        UserUpdated(member(joiner, Some(team), "active", &["agent"])),
    )
    .await;
    eventually("the joiner getting a turn", async || {
        let t = create(&admin, json!({"subject": "Turn", "team_id": team})).await;
        t["assignee_id"] == json!(joiner)
    })
    .await;

    // Disabled, the joiner gets nothing; enabled again, turns come back.
    publish(
        &bus,
        app.tenant,
        UserDisabled(member(joiner, Some(team), "disabled", &["agent"])),
    )
    .await;
    eventually("the disabled joiner being skipped", async || {
        let a = create(&admin, json!({"subject": "A", "team_id": team})).await;
        let b = create(&admin, json!({"subject": "B", "team_id": team})).await;
        a["assignee_id"] == json!(members[0]) && b["assignee_id"] == json!(members[0])
    })
    .await;
    publish(
        &bus,
        app.tenant,
        UserEnabled(member(joiner, Some(team), "active", &["agent"])),
    )
    .await;
    eventually("the re-enabled joiner getting turns again", async || {
        let t = create(&admin, json!({"subject": "Back", "team_id": team})).await;
        t["assignee_id"] == json!(joiner)
    })
    .await;

    // A role change reaches the directory too.
    publish(
        &bus,
        app.tenant,
        UserRolesChanged(member(joiner, Some(team), "active", &["engineer"])),
    )
    .await;
    let db = app.state.db.clone();
    let tenant = app.tenant;
    eventually("the new roles reaching the directory", async || {
        kefu_tickets::store::directory::user(&db, tenant, joiner)
            .await
            .unwrap()
            .is_some_and(|u| u.roles.contains("engineer"))
    })
    .await;
}
