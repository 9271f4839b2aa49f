//! Search and filters over tickets with keyset pagination.

use serde_json::{json, Value};

use crate::helpers::{create, path, spawn_app, AGENT};

fn subjects(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["subject"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn filters_combine_and_pages_follow_the_cursor() {
    let app = spawn_app().await;
    let (agent, client) = app.agent(AGENT).await;
    create(
        &client,
        json!({"subject": "Printer jam", "tags": ["printer"], "priority": "high"}),
    )
    .await;
    let billing = create(
        &client,
        json!({"subject": "Invoice 100% wrong", "type": "complaint", "tags": ["billing"]}),
    )
    .await;
    create(
        &client,
        json!({"subject": "Printer toner", "tags": ["printer", "vip"]}),
    )
    .await;
    client
        .patch(
            &path(&billing),
            &json!({"assignee_id": agent, "status": "open"}),
        )
        .await
        .expect(200);

    let printers = client.get("/api/v1/tickets?tag=printer").await.expect(200);
    assert_eq!(subjects(&printers), ["Printer toner", "Printer jam"]);
    let high = client
        .get("/api/v1/tickets?tag=printer&priority=high")
        .await
        .expect(200);
    assert_eq!(subjects(&high), ["Printer jam"]);
    let open = client
        .get("/api/v1/tickets?status=open,pending")
        .await
        .expect(200);
    assert_eq!(subjects(&open), ["Invoice 100% wrong"]);
    // One over each documented maxLength (200) is a 422 naming the parameter.
    let statuses = "open,".repeat(39) + "solved";
    assert_eq!(statuses.len(), 201);
    for query in [
        format!("status={statuses}"),
        format!("q={}", "w".repeat(201)),
    ] {
        let field = query.split('=').next().unwrap().to_string();
        let long = client
            .get(&format!("/api/v1/tickets?{query}"))
            .await
            .expect(422);
        assert_eq!(long["errors"][0]["field"], field, "{query}");
    }
    let mine = client
        .get(&format!("/api/v1/tickets?assignee_id={agent}"))
        .await
        .expect(200);
    assert_eq!(subjects(&mine), ["Invoice 100% wrong"]);
    let unassigned = client
        .get("/api/v1/tickets?unassigned=true")
        .await
        .expect(200);
    assert_eq!(subjects(&unassigned).len(), 2);
    let complaints = client
        .get("/api/v1/tickets?type=complaint")
        .await
        .expect(200);
    assert_eq!(subjects(&complaints), ["Invoice 100% wrong"]);
    let words = client
        .get("/api/v1/tickets?q=printer%20toner")
        .await
        .expect(200);
    assert_eq!(subjects(&words), ["Printer toner"]);
    let percent = client.get("/api/v1/tickets?q=100%25").await.expect(200);
    assert_eq!(
        subjects(&percent),
        ["Invoice 100% wrong"],
        "punctuation in the words is no operator"
    );

    let first = client.get("/api/v1/tickets?limit=2").await.expect(200);
    assert_eq!(subjects(&first).len(), 2);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = client
        .get(&format!("/api/v1/tickets?limit=2&cursor={cursor}"))
        .await
        .expect(200);
    assert_eq!(subjects(&second), ["Printer jam"]);
    assert_eq!(second["next_cursor"], json!(null));
}
