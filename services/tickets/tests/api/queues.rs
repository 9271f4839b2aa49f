//! The agent's queues: saved views with counts, and bulk updates with a result per ticket.

use serde_json::json;

use crate::helpers::{create, path, spawn_app, AGENT};

#[tokio::test]
async fn views_count_their_tickets_and_are_seen_by_whom_they_belong_to() {
    let app = spawn_app().await;
    let (me, agent) = app.agent(AGENT).await;
    let (_, colleague) = app.agent(AGENT).await;
    let (_, admin) = app
        .agent(&["tickets:read", "tickets:write", "tickets:admin"])
        .await;
    for n in 0..3 {
        create(
            &agent,
            json!({"subject": format!("Mine {n}"), "assignee_id": me}),
        )
        .await;
    }
    create(&agent, json!({"subject": "Unassigned"})).await;

    let mine = agent
        .post("/api/v1/tickets/views", &json!({"name": "My open tickets", "query": "assignee_id=me&status=new,open,pending", "scope": "personal"}))
        .await
        .expect(201);
    assert_eq!(mine["count"], 3);
    agent
        .post(
            "/api/v1/tickets/views",
            &json!({"name": "Everyone's", "query": "unassigned=true", "scope": "shared"}),
        )
        .await
        .expect_problem(403, "insufficient_scope");
    admin
        .post(
            "/api/v1/tickets/views",
            &json!({"name": "Unassigned", "query": "unassigned=true", "scope": "shared"}),
        )
        .await
        .expect(201);
    let bad = agent
        .post(
            "/api/v1/tickets/views",
            &json!({"name": "Broken", "query": "status=asleep", "scope": "personal"}),
        )
        .await
        .expect(422);
    assert_eq!(bad["errors"][0]["field"], "query.status");

    let listed = agent.get("/api/v1/tickets/views").await.expect(200);
    let names: Vec<(&str, u64)> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["name"].as_str().unwrap(), v["count"].as_u64().unwrap()))
        .collect();
    assert_eq!(names, [("My open tickets", 3), ("Unassigned", 1)]);
    let theirs = colleague.get("/api/v1/tickets/views").await.expect(200);
    assert_eq!(
        theirs["items"].as_array().unwrap().len(),
        1,
        "a personal view is its owner's"
    );
    let at = format!("/api/v1/tickets/views/{}", mine["id"].as_str().unwrap());
    colleague.delete(&at).await.expect(404);
    agent.delete(&at).await.expect(204);
}

#[tokio::test]
async fn a_bulk_update_reports_each_ticket() {
    let app = spawn_app().await;
    let (_, agent) = app.agent(AGENT).await;
    let a = create(&agent, json!({"subject": "A"})).await;
    let b = create(&agent, json!({"subject": "B"})).await;
    agent
        .patch(&path(&b), &json!({"status": "cancelled"}))
        .await
        .expect(200);
    let stranger = uuid::Uuid::now_v7();

    let answer = agent
        .post("/api/v1/tickets/bulk-update", &json!({"ticket_ids": [a["id"], b["id"], stranger], "changes": {"status": "solved", "tags": ["outage"]}}))
        .await
        .expect(200);

    let statuses: Vec<u64> = answer["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, [200, 409, 404]);
    assert_eq!(answer["results"][0]["ticket"]["status"], "solved");
    assert_eq!(answer["results"][1]["error"]["code"], "illegal_transition");
    let too_many: Vec<uuid::Uuid> = (0..101).map(|_| uuid::Uuid::now_v7()).collect();
    let refused = agent
        .post(
            "/api/v1/tickets/bulk-update",
            &json!({"ticket_ids": too_many, "changes": {"priority": "low"}}),
        )
        .await
        .expect(422);
    assert_eq!(refused["errors"][0]["field"], "ticket_ids");
}
