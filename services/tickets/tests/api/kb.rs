//! The knowledge base: revisions, publishing, search on both back-ends, the portal's view.

use serde_json::json;

use crate::helpers::{create, path, spawn_app, AGENT};

const WRITER: &[&str] = &["kb:read", "kb:write", "tickets:read", "tickets:write"];

#[tokio::test]
async fn articles_keep_every_revision_and_the_portal_sees_published_public_ones() {
    let app = spawn_app().await;
    let (_, writer) = app.agent(WRITER).await;
    let (_, _, portal) = app.portal_user().await;
    let draft = writer
        .post("/api/v1/kb/articles", &json!({"title": "Clearing a paper jam", "body": "Open tray 2 and pull the sheet.", "visibility": "public"}))
        .await
        .expect(201);
    writer
        .post("/api/v1/kb/articles", &json!({"title": "Internal escalation list", "body": "Call the L2 desk for paper jams that repeat.", "status": "published"}))
        .await
        .expect(201);
    let at = format!("/api/v1/kb/articles/{}", draft["id"].as_str().unwrap());
    assert_eq!(
        portal.get("/api/v1/kb/articles").await.expect(200)["items"],
        json!([])
    );
    portal.get(&at).await.expect(404);

    writer
        .patch(&at, &json!({"status": "published"}))
        .await
        .expect(200);
    let edited = writer
        .patch(
            &at,
            &json!({"body": "Open tray 2, pull the sheet slowly, close the tray."}),
        )
        .await
        .expect(200);
    assert_eq!(edited["revision"], 2);
    let restored = writer
        .post(&format!("{at}/restore"), &json!({"revision": 1}))
        .await
        .expect(200);
    assert_eq!(
        (restored["revision"].as_i64(), restored["body"].as_str()),
        (Some(3), Some("Open tray 2 and pull the sheet."))
    );
    let revisions = writer.get(&format!("{at}/revisions")).await.expect(200);
    assert_eq!(revisions["items"].as_array().unwrap().len(), 3);
    writer
        .post(&format!("{at}/restore"), &json!({"revision": 9}))
        .await
        .expect(422);

    let seen = portal.get("/api/v1/kb/articles").await.expect(200);
    let titles: Vec<&str> = seen["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        ["Clearing a paper jam"],
        "internal articles stay internal"
    );
    portal.get(&at).await.expect(200);

    writer
        .patch(&at, &json!({"status": "archived"}))
        .await
        .expect(200);
    portal.get(&at).await.expect(404);
    let kinds: Vec<String> = app
        .events()
        .await
        .into_iter()
        .map(|(k, _)| k)
        .filter(|k| k.starts_with("kb."))
        .collect();
    assert_eq!(
        kinds,
        [
            "kb.article_published",
            "kb.article_published",
            "kb.article_published",
            "kb.article_published",
            "kb.article_archived"
        ]
    );
}

#[tokio::test]
async fn search_finds_words_in_title_and_body_and_takes_any_text() {
    let app = spawn_app().await;
    let (_, writer) = app.agent(WRITER).await;
    for (title, body) in [
        ("Clearing a paper jam", "Open tray 2 and pull the sheet."),
        ("Resetting a password", "Use the link in the email."),
        (
            "Toner light stays on",
            "Shake the cartridge; a paper jam sensor may be dirty.",
        ),
    ] {
        writer
            .post(
                "/api/v1/kb/articles",
                &json!({"title": title, "body": body, "status": "published"}),
            )
            .await
            .expect(201);
    }
    let other_tenant =
        app.as_token(&app.token_of(uuid::Uuid::now_v7(), uuid::Uuid::now_v7(), WRITER, None));

    let found = writer
        .get("/api/v1/kb/articles?q=paper%20jam")
        .await
        .expect(200);
    let mut titles: Vec<&str> = found["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    titles.sort();
    assert_eq!(titles, ["Clearing a paper jam", "Toner light stays on"]);
    let password = writer
        .get("/api/v1/kb/articles?q=password")
        .await
        .expect(200);
    assert_eq!(password["items"].as_array().unwrap().len(), 1);
    for odd in [
        "%22OR%22%20*",
        "NEAR(",
        "%27%3B%20DROP",
        "%E5%94%AE%E5%90%8E",
    ] {
        writer
            .get(&format!("/api/v1/kb/articles?q={odd}"))
            .await
            .expect(200);
    }
    // Search words are bounded (200 characters, the documented maxLength).
    let long = writer
        .get(&format!("/api/v1/kb/articles?q={}", "w".repeat(201)))
        .await
        .expect(422);
    assert_eq!(long["errors"][0]["field"], "q");
    assert_eq!(
        other_tenant
            .get("/api/v1/kb/articles?q=paper")
            .await
            .expect(200)["items"],
        json!([])
    );
}

#[tokio::test]
async fn categories_group_articles_and_articles_link_to_tickets() {
    let app = spawn_app().await;
    let (_, writer) = app.agent(WRITER).await;
    let printers = writer
        .post("/api/v1/kb/categories", &json!({"name": "Printers"}))
        .await
        .expect(201);
    writer
        .post("/api/v1/kb/categories", &json!({"name": "Printers"}))
        .await
        .expect_problem(409, "category_name_taken");
    let article = writer
        .post(
            "/api/v1/kb/articles",
            &json!({"title": "Paper jam", "body": "Tray 2.", "category_id": printers["id"]}),
        )
        .await
        .expect(201);
    let listed = writer
        .get(&format!(
            "/api/v1/kb/articles?category_id={}",
            printers["id"].as_str().unwrap()
        ))
        .await
        .expect(200);
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    writer
        .delete(&format!(
            "/api/v1/kb/categories/{}",
            printers["id"].as_str().unwrap()
        ))
        .await
        .expect(204);
    let orphan = writer
        .get(&format!(
            "/api/v1/kb/articles/{}",
            article["id"].as_str().unwrap()
        ))
        .await
        .expect(200);
    assert_eq!(orphan["category_id"], json!(null));

    let (_, agent) = app.agent(AGENT).await;
    let ticket = create(&agent, json!({"subject": "Jammed again"})).await;
    let linked = writer
        .post(
            &format!("{}/articles", path(&ticket)),
            &json!({"article_id": article["id"]}),
        )
        .await
        .expect(200);
    assert_eq!(linked["items"][0]["id"], article["id"]);
    let read = agent
        .get(&format!("{}/articles", path(&ticket)))
        .await
        .expect(200);
    assert_eq!(read["items"].as_array().unwrap().len(), 1);
}
