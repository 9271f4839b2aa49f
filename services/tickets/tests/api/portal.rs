//! Portal customers see and answer only their own tickets, never internal notes;
//! other tenants see nothing.

use serde_json::json;
use uuid::Uuid;

use crate::helpers::{create, path, spawn_app, AGENT};

#[tokio::test]
async fn a_portal_user_sees_their_own_tickets_and_public_replies_only() {
    let app = spawn_app().await;
    let (_, staff) = app.agent(AGENT).await;
    let (me, customer, portal) = app.portal_user().await;
    let (_, _, neighbour) = app.portal_user().await;

    let mine = create(
        &portal,
        json!({"subject": "My order is late", "description": "Order 77"}),
    )
    .await;
    assert_eq!(mine["channel"], "portal");
    assert_eq!(mine["requester_id"], me.to_string());
    assert_eq!(mine["customer_id"], customer.to_string());
    create(&staff, json!({"subject": "Someone else's"})).await;
    let at = path(&mine);

    staff
        .post(
            &format!("{at}/comments"),
            &json!({"body": "Checking with the warehouse.", "public": false}),
        )
        .await
        .expect(201);
    staff
        .post(
            &format!("{at}/comments"),
            &json!({"body": "It ships today."}),
        )
        .await
        .expect(201);
    staff
        .patch(&at, &json!({"status": "pending"}))
        .await
        .expect(200);

    let conversation = portal.get(&format!("{at}/comments")).await.expect(200);
    let bodies: Vec<&str> = conversation["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, ["It ships today."]);
    let listed = portal.get("/api/v1/tickets").await.expect(200);
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);

    portal
        .post(
            &format!("{at}/comments"),
            &json!({"body": "Thanks, but which carrier?"}),
        )
        .await
        .expect(201);
    assert_eq!(
        staff.get(&at).await.expect(200)["status"],
        "open",
        "a customer reply reopens a pending ticket"
    );

    neighbour.get(&at).await.expect(404);
    neighbour.get(&format!("{at}/comments")).await.expect(404);
    assert_eq!(
        neighbour.get("/api/v1/tickets").await.expect(200)["items"],
        json!([])
    );
    portal.get(&format!("{at}/history")).await.expect(403);
}

#[tokio::test]
async fn a_portal_user_cannot_set_staff_fields_or_write_notes() {
    let app = spawn_app().await;
    let (_, _, portal) = app.portal_user().await;

    let problem = portal
        .post(
            "/api/v1/tickets",
            &json!({"subject": "S", "priority": "urgent"}),
        )
        .await
        .expect(422);
    assert_eq!(problem["errors"][0]["field"], "priority");
    let ticket = create(&portal, json!({"subject": "S"})).await;
    portal
        .patch(&path(&ticket), &json!({"status": "solved"}))
        .await
        .expect(422);
    portal
        .post(
            &format!("{}/comments", path(&ticket)),
            &json!({"body": "psst", "public": false}),
        )
        .await
        .expect(422);
}

#[tokio::test]
async fn another_tenant_sees_nothing_and_a_token_without_scopes_is_refused() {
    let app = spawn_app().await;
    let (_, staff) = app.agent(AGENT).await;
    let ticket = create(&staff, json!({"subject": "Ours"})).await;
    let other = app.as_token(&app.token_of(Uuid::now_v7(), Uuid::now_v7(), AGENT, None));

    other.get(&path(&ticket)).await.expect(404);
    other
        .patch(&path(&ticket), &json!({"subject": "Theirs"}))
        .await
        .expect(404);
    other
        .post(
            &format!("{}/comments", path(&ticket)),
            &json!({"body": "hi"}),
        )
        .await
        .expect(404);
    assert_eq!(
        other.get("/api/v1/tickets").await.expect(200)["items"],
        json!([])
    );

    let (_, reader) = app.agent(&["tickets:read"]).await;
    reader
        .post("/api/v1/tickets", &json!({"subject": "S"}))
        .await
        .expect(403);
    let (_, nobody) = app.agent(&["kb:read"]).await;
    nobody.get("/api/v1/tickets").await.expect(403);
    app.server.client().get("/api/v1/tickets").await.expect(401);
}

#[tokio::test]
async fn a_public_staff_reply_is_mailed_to_the_requester_and_a_note_is_not() {
    let app = spawn_app().await;
    let (_, staff) = app.agent(AGENT).await;
    let (me, _, portal) = app.portal_user().await;
    let ticket = create(&portal, json!({"subject": "Where is my engineer?"})).await;
    let at = path(&ticket);

    staff
        .post(
            &format!("{at}/comments"),
            &json!({"body": "Checking the rota.", "public": false}),
        )
        .await
        .expect(201);
    staff
        .post(
            &format!("{at}/comments"),
            &json!({"body": "He arrives at 14:00."}),
        )
        .await
        .expect(201);

    let mail = kefu_testkit::wait_for_mail_file(&app.state.settings.mail, "He arrives at 14:00.")
        .await
        .expect("the reply was mailed");
    assert!(
        mail.contains(&format!("{}@example.com", me.simple())),
        "{mail}"
    );
    assert!(mail.contains(&format!("[#{}]", ticket["number"])));
    assert!(
        kefu_testkit::mail_files_with(&app.state.settings.mail, "Checking the rota.").is_empty()
    );
}
