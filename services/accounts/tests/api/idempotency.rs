//! `Idempotency-Key` never keeps a secret at rest.

use kefu_platform::idempotency::record;
use sea_orm::EntityTrait;
use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn a_response_with_a_secret_is_not_stored_and_a_retry_is_a_409() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let owner = app.as_token(&tenant.token);
    let body = json!({"name": "ERP bridge", "scopes": ["accounts:read"]});
    let create = || {
        owner.send(
            owner
                .request(reqwest::Method::POST, "/api/v1/api-clients")
                .header("Idempotency-Key", "erp-bridge")
                .json(&body),
        )
    };

    let first = create().await;
    let retry = create().await;

    let secret = first.expect(201)["client_secret"]
        .as_str()
        .unwrap()
        .to_string();
    retry.expect_problem(409, "idempotency_not_replayable");
    // A key over its documented maxLength (255) is a 422 naming the header.
    let overlong = owner
        .send(
            owner
                .request(reqwest::Method::POST, "/api/v1/api-clients")
                .header("Idempotency-Key", "k".repeat(256))
                .json(&body),
        )
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(overlong["errors"][0]["field"], "Idempotency-Key");
    let clients = owner.get("/api/v1/api-clients").await.expect(200);
    assert_eq!(
        clients["items"].as_array().unwrap().len(),
        1,
        "one client, not two"
    );
    let stored = record::Entity::find().all(&app.state.db).await.unwrap();
    for row in stored {
        let text = String::from_utf8_lossy(row.body.as_deref().unwrap_or_default()).to_string();
        assert!(
            !text.contains(&secret),
            "the client secret is kept in the idempotency table"
        );
    }
}

#[tokio::test]
async fn tokens_are_never_stored_for_replay() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let client = app.client();
    let form = [
        ("grant_type", "password"),
        ("tenant", tenant.slug.as_str()),
        ("username", tenant.owner_email.as_str()),
        ("password", crate::helpers::PASSWORD),
    ];

    let first = client
        .send(
            client
                .request(reqwest::Method::POST, "/oauth/token")
                .header("Idempotency-Key", "login")
                .form(&form),
        )
        .await;

    let token = first.expect(200)["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let stored = record::Entity::find().all(&app.state.db).await.unwrap();
    assert!(stored.iter().all(|row| !String::from_utf8_lossy(
        row.body.as_deref().unwrap_or_default()
    )
    .contains(&token)));
}

#[tokio::test]
async fn an_invitation_token_is_not_kept_for_replay() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let owner = app.as_token(&tenant.token);
    let invite = || {
        owner.send(
            owner
                .request(reqwest::Method::POST, "/api/v1/user-invitations")
                .header("Idempotency-Key", "invite-once")
                .json(&json!({"email": "once@x.example", "name": "Once"})),
        )
    };

    let first = invite().await;
    let retry = invite().await;

    let token = first.expect(201)["invitation"]["token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(first.header("cache-control").as_deref(), Some("no-store"));
    retry.expect_problem(409, "idempotency_not_replayable");
    let stored = record::Entity::find().all(&app.state.db).await.unwrap();
    assert!(stored.iter().all(|row| !String::from_utf8_lossy(
        row.body.as_deref().unwrap_or_default()
    )
    .contains(&token)));
}

#[tokio::test]
async fn housekeeping_purges_keys_older_than_a_day() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let owner = app.as_token(&tenant.token);
    owner
        .send(
            owner
                .request(reqwest::Method::POST, "/api/v1/teams")
                .header("Idempotency-Key", "old-key")
                .json(&json!({"name": "Night shift"})),
        )
        .await
        .expect(201);
    let rows = record::Entity::find().all(&app.state.db).await.unwrap();
    assert_eq!(rows.len(), 1);
    kefu_accounts::jobs::housekeeping::run_once(&app.state.db)
        .await
        .unwrap();
    assert_eq!(
        record::Entity::find()
            .all(&app.state.db)
            .await
            .unwrap()
            .len(),
        1,
        "a fresh key stays"
    );

    let mut old: record::ActiveModel = rows[0].clone().into();
    old.created_at = sea_orm::ActiveValue::Set(chrono::Utc::now() - chrono::Duration::hours(25));
    record::Entity::update(old)
        .exec(&app.state.db)
        .await
        .unwrap();
    kefu_accounts::jobs::housekeeping::run_once(&app.state.db)
        .await
        .unwrap();

    assert!(record::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap()
        .is_empty());
}
