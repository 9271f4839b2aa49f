//! A ticket from intake to closure: numbers, status machine, replies, history, events.

use serde_json::json;

use crate::helpers::{create, path, spawn_app, AGENT};

#[tokio::test]
async fn a_ticket_goes_from_new_to_closed_with_its_history_and_one_event_per_change() {
    let app = spawn_app().await;
    let (agent, client) = app.agent(AGENT).await;
    let first = create(
        &client,
        json!({"subject": "Printer prints blank pages", "type": "incident", "tags": ["Printer"]}),
    )
    .await;
    let ticket = create(&client, json!({"subject": "Second", "priority": "high"})).await;
    assert_eq!(
        (first["number"].as_i64(), ticket["number"].as_i64()),
        (Some(1), Some(2))
    );
    assert_eq!(first["status"], "new");
    assert_eq!(first["tags"], json!(["printer"]));
    assert_eq!(first["requester_id"], agent.to_string());
    let at = path(&first);

    client
        .patch(&at, &json!({"assignee_id": agent}))
        .await
        .expect(200);
    let reply = client
        .post(&format!("{at}/comments"), &json!({"body": "On my way."}))
        .await
        .expect(201);
    assert_eq!(reply["author_kind"], "staff");
    client
        .post(
            &format!("{at}/comments"),
            &json!({"body": "Toner?", "public": false}),
        )
        .await
        .expect(201);
    let answered = client.get(&at).await.expect(200);
    assert!(answered["first_response_at"].is_string());
    let stamped = answered["first_response_at"].clone();
    client
        .patch(&at, &json!({"status": "pending"}))
        .await
        .expect(200);
    client
        .patch(&at, &json!({"status": "solved"}))
        .await
        .expect(200);
    client
        .patch(&at, &json!({"status": "open"}))
        .await
        .expect(200);
    client
        .patch(&at, &json!({"status": "solved"}))
        .await
        .expect(200);
    let closed = client
        .patch(&at, &json!({"status": "closed"}))
        .await
        .expect(200);
    assert_eq!(closed["reopen_count"], 1);
    assert!(closed["closed_at"].is_string());
    assert_eq!(
        closed["first_response_at"], stamped,
        "only the first reply stamps"
    );

    let refused = client
        .patch(&at, &json!({"status": "open"}))
        .await
        .expect_problem(409, "illegal_transition");
    assert_eq!(refused["allowed"], json!([]));
    client
        .post(&format!("{at}/comments"), &json!({"body": "Hello?"}))
        .await
        .expect(409);

    let history = client.get(&format!("{at}/history")).await.expect(200);
    let statuses: Vec<&str> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["field"] == "status")
        .map(|h| h["new_value"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        ["new", "pending", "solved", "open", "solved", "closed"]
    );
    let assigned = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["field"] == "assignee_id")
        .unwrap();
    assert_eq!(assigned["old_value"], json!(null));
    assert_eq!(assigned["new_value"], agent.to_string());
    assert_eq!(assigned["actor_id"], agent.to_string());

    let kinds: Vec<String> = app
        .events()
        .await
        .into_iter()
        .map(|(kind, _)| kind)
        .collect();
    assert_eq!(
        kinds,
        [
            "ticket.created",
            "ticket.created",
            "ticket.assigned",
            "ticket.replied",
            "ticket.replied",
            "ticket.status_changed",
            "ticket.solved",
            "ticket.reopened",
            "ticket.solved",
            "ticket.closed"
        ]
    );
}

#[tokio::test]
async fn an_illegal_move_is_a_409_listing_the_allowed_states() {
    let app = spawn_app().await;
    let (_, client) = app.agent(AGENT).await;
    let ticket = create(&client, json!({"subject": "S"})).await;

    let refused = client
        .patch(&path(&ticket), &json!({"status": "closed"}))
        .await
        .expect_problem(409, "illegal_transition");

    assert_eq!(
        refused["allowed"],
        json!(["open", "pending", "on_hold", "solved", "cancelled"])
    );
}

#[tokio::test]
async fn a_cancelled_ticket_is_final_and_announced_as_cancelled() {
    let app = spawn_app().await;
    let (_, client) = app.agent(AGENT).await;
    let ticket = create(&client, json!({"subject": "Sent by mistake"})).await;

    let cancelled = client
        .patch(&path(&ticket), &json!({"status": "cancelled"}))
        .await
        .expect(200);
    let again = client
        .patch(&path(&ticket), &json!({"status": "open"}))
        .await
        .expect_problem(409, "illegal_transition");

    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(again["allowed"], json!([]));
    let (kind, data) = app.events().await.pop().unwrap();
    assert_eq!(kind, "ticket.cancelled");
    assert_eq!(data["status"], "cancelled");
}

#[tokio::test]
async fn a_stale_if_match_is_a_412_and_nothing_changes() {
    let app = spawn_app().await;
    let (_, client) = app.agent(AGENT).await;
    let ticket = create(&client, json!({"subject": "S"})).await;
    let at = path(&ticket);
    client
        .patch(&at, &json!({"priority": "high"}))
        .await
        .expect(200);

    let stale = client
        .send(
            client
                .request(reqwest::Method::PATCH, &at)
                .header("If-Match", "\"1\"")
                .json(&json!({"priority": "low"})),
        )
        .await;

    assert_eq!(stale.status.as_u16(), 412);
    assert_eq!(client.get(&at).await.expect(200)["priority"], "high");
}

#[tokio::test]
async fn assigning_needs_the_scope_and_an_active_agent() {
    let app = spawn_app().await;
    let (_, writer) = app.agent(&["tickets:read", "tickets:write"]).await;
    let (agent, assigner) = app.agent(AGENT).await;
    let ticket = create(&writer, json!({"subject": "S"})).await;
    let at = path(&ticket);

    writer
        .patch(&at, &json!({"assignee_id": agent}))
        .await
        .expect_problem(403, "insufficient_scope");
    let stranger = uuid::Uuid::now_v7();
    let unknown = assigner
        .patch(&at, &json!({"assignee_id": stranger}))
        .await
        .expect(422);
    assert_eq!(unknown["errors"][0]["field"], "assignee_id");
    let disabled = uuid::Uuid::now_v7();
    app.know_user(disabled, "disabled", None).await;
    assigner
        .patch(&at, &json!({"assignee_id": disabled}))
        .await
        .expect(422);
    let (portal, _, _) = app.portal_user().await;
    assigner
        .patch(&at, &json!({"assignee_id": portal}))
        .await
        .expect(422);
    assigner
        .patch(&at, &json!({"assignee_id": agent}))
        .await
        .expect(200);
    let cleared = assigner
        .patch(&at, &json!({"assignee_id": null}))
        .await
        .expect(200);
    assert_eq!(cleared["assignee_id"], json!(null));
}

#[tokio::test]
async fn bad_input_names_the_field() {
    let app = spawn_app().await;
    let (_, client) = app.agent(AGENT).await;
    let cases = [
        (json!({"subject": "  "}), "subject"),
        (json!({"subject": "S", "tags": ["ok", "not ok"]}), "tags[1]"),
        (json!({"subject": "S", "priority": "asap"}), "priority"),
        (json!({"subject": "S", "colour": "red"}), "colour"),
    ];
    for (body, field) in cases {
        let problem = client.post("/api/v1/tickets", &body).await.expect(422);
        let fields: Vec<&str> = problem["errors"]
            .as_array()
            .map(|e| e.iter().filter_map(|e| e["field"].as_str()).collect())
            .unwrap_or_default();
        assert!(
            fields.contains(&field) || problem["detail"].as_str().unwrap_or("").contains(field),
            "{body}: {problem}"
        );
    }
    let bad_filter = client
        .get("/api/v1/tickets?status=open,lost")
        .await
        .expect(422);
    assert_eq!(bad_filter["errors"][0]["field"], "status");
}

#[tokio::test]
async fn a_complaint_is_solved_only_with_a_root_cause_and_a_remedy() {
    let app = spawn_app().await;
    let (_, client) = app.agent(AGENT).await;
    let complaint = create(
        &client,
        json!({"subject": "Engineer was rude", "type": "complaint"}),
    )
    .await;
    let at = path(&complaint);

    let refused = client
        .patch(&at, &json!({"status": "solved"}))
        .await
        .expect(422);
    let fields: Vec<&str> = refused["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["root_cause", "remedy"]);
    client
        .patch(&at, &json!({"root_cause": "Engineer overbooked", "remedy": "Apology call and a free visit"}))
        .await
        .expect(200);
    let solved = client
        .patch(&at, &json!({"status": "solved"}))
        .await
        .expect(200);
    assert_eq!(solved["remedy"], "Apology call and a free visit");
}

#[tokio::test]
async fn a_solved_ticket_closes_by_itself_after_four_days() {
    let app = spawn_app().await;
    let (_, client) = app.agent(AGENT).await;
    let ticket = create(&client, json!({"subject": "Done"})).await;
    let at = path(&ticket);
    client
        .patch(&at, &json!({"status": "solved"}))
        .await
        .expect(200);
    let outbox = app.state.outbox.clone();
    let db = app.state.db.clone();
    let soon = chrono::Utc::now() + chrono::Duration::days(3);
    let later = chrono::Utc::now() + chrono::Duration::days(5);

    assert_eq!(
        kefu_tickets::jobs::auto_close::run_once(&db, &outbox, soon)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        kefu_tickets::jobs::auto_close::run_once(&db, &outbox, later)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        kefu_tickets::jobs::auto_close::run_once(&db, &outbox, later)
            .await
            .unwrap(),
        0
    );

    let closed = client.get(&at).await.expect(200);
    assert_eq!(closed["status"], "closed");
    let history = client.get(&format!("{at}/history")).await.expect(200);
    let last = history["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["new_value"].as_str(), last["via"].as_str()),
        (Some("closed"), Some("system:auto_close"))
    );
    assert_eq!(app.events().await.last().unwrap().0, "ticket.closed");
}

#[tokio::test]
async fn custom_fields_are_typed_and_checked_on_every_write() {
    let app = spawn_app().await;
    let (_, admin) = app
        .agent(&["tickets:read", "tickets:write", "tickets:admin"])
        .await;
    admin
        .post("/api/v1/custom-fields", &json!({"key": "device_model", "label": "Device model", "type": "enum", "options": ["X100", "X200"], "required": true}))
        .await
        .expect(201);
    admin
        .post(
            "/api/v1/custom-fields",
            &json!({"key": "meter", "label": "Meter reading", "type": "number"}),
        )
        .await
        .expect(201);
    admin
        .post(
            "/api/v1/custom-fields",
            &json!({"key": "meter", "label": "Again", "type": "text"}),
        )
        .await
        .expect_problem(409, "field_key_taken");
    let no_options = admin
        .post(
            "/api/v1/custom-fields",
            &json!({"key": "kind", "label": "K", "type": "enum"}),
        )
        .await
        .expect(422);
    assert_eq!(no_options["errors"][0]["field"], "options");

    let missing = admin
        .post("/api/v1/tickets", &json!({"subject": "Broken"}))
        .await
        .expect(422);
    assert_eq!(missing["errors"][0]["field"], "custom_fields.device_model");
    let wrong = admin
        .post("/api/v1/tickets", &json!({"subject": "Broken", "custom_fields": {"device_model": "X999", "meter": "lots"}}))
        .await
        .expect(422);
    let fields: Vec<&str> = wrong["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["custom_fields.device_model", "custom_fields.meter"]
    );
    let ticket = create(
        &admin,
        json!({"subject": "Broken", "custom_fields": {"device_model": "X100", "meter": 1200}}),
    )
    .await;
    assert_eq!(
        ticket["custom_fields"],
        json!({"device_model": "X100", "meter": 1200})
    );

    let changed = admin
        .patch(
            &path(&ticket),
            &json!({"custom_fields": {"meter": null, "device_model": "X200"}}),
        )
        .await
        .expect(200);
    assert_eq!(changed["custom_fields"], json!({"device_model": "X200"}));
    admin
        .patch(
            &path(&ticket),
            &json!({"custom_fields": {"device_model": null}}),
        )
        .await
        .expect(422);
    let history = admin
        .get(&format!("{}/history", path(&ticket)))
        .await
        .expect(200);
    assert!(history["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h["field"] == "custom_fields"));
}

#[tokio::test]
async fn a_macro_changes_fields_and_replies_in_one_go() {
    let app = spawn_app().await;
    let (_, admin) = app
        .agent(&["tickets:read", "tickets:write", "tickets:admin"])
        .await;
    let photo = admin
        .post(
            "/api/v1/macros",
            &json!({"name": "Waiting for photo", "actions": {"status": "pending", "add_tags": ["Needs-Photo"], "remove_tags": ["new-lead"], "reply": {"body": "Could you send a photo?"}}}),
        )
        .await
        .expect(201);
    admin
        .post(
            "/api/v1/macros",
            &json!({"name": "Waiting for photo", "actions": {"status": "open"}}),
        )
        .await
        .expect_problem(409, "macro_name_taken");
    let empty = admin
        .post("/api/v1/macros", &json!({"name": "Nothing", "actions": {}}))
        .await
        .expect(422);
    assert_eq!(empty["errors"][0]["field"], "actions");
    let long_tag = admin
        .post(
            "/api/v1/macros",
            &json!({"name": "Untag", "actions": {"remove_tags": ["t".repeat(51)]}}),
        )
        .await
        .expect(422);
    assert_eq!(long_tag["errors"][0]["field"], "actions.remove_tags[0]");
    let ticket = create(
        &admin,
        json!({"subject": "Blank pages", "tags": ["new-lead"]}),
    )
    .await;

    let after = admin
        .post(
            &format!("/api/v1/macros/{}/apply", photo["id"].as_str().unwrap()),
            &json!({"ticket_id": ticket["id"]}),
        )
        .await
        .expect(200);

    assert_eq!(after["status"], "pending");
    assert_eq!(after["tags"], json!(["needs-photo"]));
    assert!(
        after["first_response_at"].is_string(),
        "the canned reply is a public staff reply"
    );
    let conversation = admin
        .get(&format!("{}/comments", path(&ticket)))
        .await
        .expect(200);
    assert_eq!(conversation["items"][0]["body"], "Could you send a photo?");
    let kinds: Vec<String> = app.events().await.into_iter().map(|(k, _)| k).collect();
    assert_eq!(
        kinds[kinds.len() - 2..],
        ["ticket.status_changed", "ticket.replied"]
    );
}
