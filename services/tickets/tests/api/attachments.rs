//! Attachments: sniffed types, plan limits, who may download, and the portal's view.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{create, path, spawn_app, AGENT};

#[tokio::test]
async fn files_are_stored_sniffed_and_served_only_to_who_may_read_the_ticket() {
    let app = spawn_app().await;
    let (_, staff) = app.agent(AGENT).await;
    let (_, _, portal) = app.portal_user().await;
    let (_, _, neighbour) = app.portal_user().await;
    let ticket = create(&portal, json!({"subject": "Broken screen"})).await;
    let at = path(&ticket);
    let png = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13];

    let photo = portal
        .send(
            portal
                .request(
                    Method::POST,
                    &format!("{at}/attachments?filename=screen.txt"),
                )
                .header("content-type", "text/plain")
                .body(png.to_vec()),
        )
        .await
        .expect(201);
    assert_eq!(
        photo["content_type"], "image/png",
        "the bytes decide, not the client"
    );
    assert_eq!(photo["size"], 12);
    let note = staff
        .post(
            &format!("{at}/comments"),
            &json!({"body": "Supplier invoice attached.", "public": false}),
        )
        .await
        .expect(201);
    staff
        .send(
            staff
                .request(
                    Method::POST,
                    &format!(
                        "{at}/attachments?filename=invoice.pdf&comment_id={}",
                        note["id"].as_str().unwrap()
                    ),
                )
                .body(b"%PDF-1.7 internal".to_vec()),
        )
        .await
        .expect(201);
    // A name over its documented maxLength (255) is a 422 naming `filename`.
    let long_name = staff
        .send(
            staff
                .request(
                    Method::POST,
                    &format!("{at}/attachments?filename={}.pdf", "n".repeat(252)),
                )
                .body(b"%PDF-1.7 long name".to_vec()),
        )
        .await
        .expect(422);
    assert_eq!(long_name["errors"][0]["field"], "filename");

    let file = portal
        .get(&format!(
            "{at}/attachments/{}",
            photo["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(file.status, 200);
    assert_eq!(file.header("content-type").as_deref(), Some("image/png"));
    assert!(file
        .header("content-disposition")
        .unwrap()
        .starts_with("attachment;"));
    assert_eq!(
        file.header("x-content-type-options").as_deref(),
        Some("nosniff")
    );
    let seen = portal.get(&format!("{at}/attachments")).await.expect(200);
    assert_eq!(
        seen["items"].as_array().unwrap().len(),
        1,
        "files of internal notes stay internal"
    );
    assert_eq!(
        staff.get(&format!("{at}/attachments")).await.expect(200)["items"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    neighbour
        .get(&format!(
            "{at}/attachments/{}",
            photo["id"].as_str().unwrap()
        ))
        .await
        .expect(404);
    neighbour
        .get(&format!("{at}/attachments"))
        .await
        .expect(404);
}

#[tokio::test]
async fn an_upload_over_the_plan_limit_is_a_413() {
    let app = spawn_app().await;
    let (_, staff) = app.agent(AGENT).await;
    let ticket = create(&staff, json!({"subject": "Logs"})).await;
    let six_mib = vec![b'x'; 6 * 1024 * 1024];

    let refused = staff
        .send(
            staff
                .request(
                    Method::POST,
                    &format!("{}/attachments?filename=big.log", path(&ticket)),
                )
                .body(six_mib.clone()),
        )
        .await;
    assert_eq!(refused.status, 413, "the free plan allows 5 MiB");

    let mut claims = app.keys.claims(Some(app.tenant), AGENT);
    claims.plan = Some("standard".into());
    let standard = app.as_token(&app.keys.sign(&claims));
    standard
        .send(
            standard
                .request(
                    Method::POST,
                    &format!("{}/attachments?filename=big.log", path(&ticket)),
                )
                .body(six_mib),
        )
        .await
        .expect(201);
    staff
        .send(
            staff
                .request(Method::POST, &format!("{}/attachments", path(&ticket)))
                .body(Vec::new()),
        )
        .await
        .expect(400);
}
