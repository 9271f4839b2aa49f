//! Service steps, parent/child and related links, merging duplicates, followers.

use chrono::{Duration, Utc};
use serde_json::json;

use crate::helpers::{create, path, spawn_app, AGENT};

#[tokio::test]
async fn steps_have_owners_and_due_times_and_overdue_ones_are_listed() {
    let app = spawn_app().await;
    let (agent, client) = app.agent(AGENT).await;
    let ticket = create(&client, json!({"subject": "Install the new scanner"})).await;
    let calm = create(&client, json!({"subject": "Nothing due"})).await;
    let at = path(&ticket);
    let past = (Utc::now() - Duration::hours(2)).to_rfc3339();
    let future = (Utc::now() + Duration::days(2)).to_rfc3339();

    let late = client
        .post(
            &format!("{at}/steps"),
            &json!({"title": "Deliver the scanner", "owner_id": agent, "due_at": past}),
        )
        .await
        .expect(201);
    client
        .post(
            &format!("{at}/steps"),
            &json!({"title": "Train the staff", "due_at": future}),
        )
        .await
        .expect(201);
    client
        .post(
            &format!("{}/steps", path(&calm)),
            &json!({"title": "Later", "due_at": future}),
        )
        .await
        .expect(201);
    let stranger = uuid::Uuid::now_v7();
    let refused = client
        .post(
            &format!("{at}/steps"),
            &json!({"title": "X", "owner_id": stranger}),
        )
        .await
        .expect(422);
    assert_eq!(refused["errors"][0]["field"], "owner_id");

    let steps = client.get(&format!("{at}/steps")).await.expect(200);
    let overdue: Vec<bool> = steps["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["overdue"].as_bool().unwrap())
        .collect();
    assert_eq!(overdue, [true, false]);
    let listed = client
        .get("/api/v1/tickets?step_overdue=true")
        .await
        .expect(200);
    let ids: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [ticket["id"].as_str().unwrap()]);

    let step_path = format!("{at}/steps/{}", late["id"].as_str().unwrap());
    let done = client
        .patch(&step_path, &json!({"done": true}))
        .await
        .expect(200);
    assert!(done["done_at"].is_string());
    assert_eq!(done["overdue"], false);
    let listed = client
        .get("/api/v1/tickets?step_overdue=true")
        .await
        .expect(200);
    assert_eq!(listed["items"], json!([]));
    let history = client.get(&format!("{at}/history")).await.expect(200);
    let steps: Vec<&str> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["field"] == "step")
        .map(|h| h["new_value"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        [
            "added: Deliver the scanner",
            "added: Train the staff",
            "done: Deliver the scanner"
        ]
    );
}

#[tokio::test]
async fn a_parent_waits_for_its_children_and_links_read_from_both_sides() {
    let app = spawn_app().await;
    let (_, client) = app.agent(AGENT).await;
    let parent = create(&client, json!({"subject": "Outage in building B"})).await;
    let child = create(&client, json!({"subject": "Replace switch"})).await;
    let related = create(&client, json!({"subject": "Similar last year"})).await;
    client
        .post(
            &format!("{}/links", path(&parent)),
            &json!({"kind": "child", "ticket_id": child["id"]}),
        )
        .await
        .expect(201);
    client
        .post(
            &format!("{}/links", path(&parent)),
            &json!({"kind": "related", "ticket_id": related["id"]}),
        )
        .await
        .expect(201);
    client
        .post(
            &format!("{}/links", path(&related)),
            &json!({"kind": "child", "ticket_id": child["id"]}),
        )
        .await
        .expect_problem(409, "has_parent");
    client
        .post(
            &format!("{}/links", path(&child)),
            &json!({"kind": "child", "ticket_id": parent["id"]}),
        )
        .await
        .expect(409);

    let refused = client
        .patch(&path(&parent), &json!({"status": "solved"}))
        .await
        .expect_problem(409, "open_children");
    assert!(refused["detail"]
        .as_str()
        .unwrap()
        .contains(&format!("#{}", child["number"])));
    client
        .patch(&path(&child), &json!({"status": "solved"}))
        .await
        .expect(200);
    client
        .patch(&path(&parent), &json!({"status": "solved"}))
        .await
        .expect(200);

    let from_child = client
        .get(&format!("{}/links", path(&child)))
        .await
        .expect(200);
    assert_eq!(from_child["items"][0]["kind"], "parent");
    assert_eq!(from_child["items"][0]["ticket_id"], parent["id"]);
    let from_parent = client
        .get(&format!("{}/links", path(&parent)))
        .await
        .expect(200);
    let kinds: Vec<&str> = from_parent["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["child", "related"]);
    let link = from_parent["items"][1]["id"].as_str().unwrap();
    client
        .delete(&format!("{}/links/{link}", path(&parent)))
        .await
        .expect(204);
    let after = client
        .get(&format!("{}/links", path(&parent)))
        .await
        .expect(200);
    assert_eq!(after["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_merged_duplicate_closes_and_its_conversation_and_followers_move() {
    let app = spawn_app().await;
    let (agent, client) = app.agent(AGENT).await;
    let (watcher, _) = app.agent(AGENT).await;
    let survivor = create(&client, json!({"subject": "Printer broken"})).await;
    let duplicate = create(&client, json!({"subject": "Printer still broken"})).await;
    client
        .post(
            &format!("{}/comments", path(&duplicate)),
            &json!({"body": "Same as yesterday."}),
        )
        .await
        .expect(201);
    client
        .put(
            &format!("{}/followers", path(&duplicate)),
            &json!({"user_ids": [watcher, agent]}),
        )
        .await
        .expect(200);
    let bad = client
        .put(
            &format!("{}/followers", path(&duplicate)),
            &json!({"user_ids": [uuid::Uuid::now_v7()]}),
        )
        .await
        .expect(422);
    assert_eq!(bad["errors"][0]["field"], "user_ids[0]");

    client
        .post(
            &format!("{}/merge", path(&duplicate)),
            &json!({"into": survivor["id"]}),
        )
        .await
        .expect(200);

    let closed = client.get(&path(&duplicate)).await.expect(200);
    assert_eq!(closed["status"], "closed", "closed directly from new");
    let conversation = client
        .get(&format!("{}/comments", path(&survivor)))
        .await
        .expect(200);
    let bodies: Vec<&str> = conversation["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies[0], "Same as yesterday.");
    assert!(bodies[1].starts_with(&format!("Merged #{}", duplicate["number"])));
    let followers = client
        .get(&format!("{}/followers", path(&survivor)))
        .await
        .expect(200);
    assert_eq!(followers["user_ids"].as_array().unwrap().len(), 2);
    let links = client
        .get(&format!("{}/links", path(&survivor)))
        .await
        .expect(200);
    assert_eq!(links["items"][0]["kind"], "merged_from");
    let history = client
        .get(&format!("{}/history", path(&duplicate)))
        .await
        .expect(200);
    assert!(history["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h["field"] == "merged_into" && h["via"] == "user:merge"));
    let (kind, data) = app.events().await.pop().unwrap();
    assert_eq!(kind, "ticket.merged");
    assert_eq!(data["merged_into_id"], survivor["id"]);
    client
        .post(
            &format!("{}/merge", path(&duplicate)),
            &json!({"into": survivor["id"]}),
        )
        .await
        .expect_problem(409, "ticket_final");
}
