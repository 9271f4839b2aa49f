//! Password reset by email, delivered as `.eml` files (embedded) or over SMTP.

use serde_json::json;

use crate::helpers::{spawn_app, spawn_app_with, token_in, Tenant, TestApp, PASSWORD};

/// Requests a reset for the tenant's owner and returns the token from the mail.
async fn reset_token_of_owner(app: &TestApp, tenant: &Tenant) -> String {
    app.client()
        .post(
            "/api/v1/password-resets",
            &json!({"tenant": tenant.slug, "email": tenant.owner_email}),
        )
        .await
        .expect(202);
    let mail = app.wait_for_mail_file(&tenant.owner_email).await;
    token_in(&mail, "kp_")
}

#[tokio::test]
async fn reset_by_email_sets_a_new_password_once_and_ends_sessions() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;

    let token = reset_token_of_owner(&app, &tenant).await;
    let confirm = json!({"token": token, "password": "a fresh and unusual passphrase"});

    app.client()
        .post("/api/v1/password-resets/confirm", &confirm)
        .await
        .expect(204);
    let again = app
        .client()
        .post("/api/v1/password-resets/confirm", &confirm)
        .await;

    again.expect_problem(422, "validation_failed");
    app.as_token(&tenant.token)
        .get("/api/v1/users/me")
        .await
        .expect(401);
    app.login(&tenant.slug, &tenant.owner_email, PASSWORD)
        .await
        .expect(400);
    app.login(
        &tenant.slug,
        &tenant.owner_email,
        "a fresh and unusual passphrase",
    )
    .await
    .expect(200);
}

/// Issue 16, finding 12: every reset mail's token stayed valid, and an account got as
/// many mails as anyone asked for.
#[tokio::test]
async fn a_new_reset_mail_voids_the_last_one_and_an_account_gets_three_an_hour() {
    use kefu_accounts::store::entities::password_reset;
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let first = reset_token_of_owner(&app, &tenant).await;
    for _ in 0..4 {
        app.client()
            .post(
                "/api/v1/password-resets",
                &json!({"tenant": tenant.slug, "email": tenant.owner_email}),
            )
            .await
            .expect(202);
    }

    app.client()
        .post(
            "/api/v1/password-resets/confirm",
            &json!({"token": first, "password": "a fresh and unusual passphrase"}),
        )
        .await
        .expect_problem(422, "validation_failed");
    let issued = password_reset::Entity::find()
        .filter(password_reset::Column::UserId.eq(tenant.owner_id))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(
        issued, 3,
        "three reset mails in the hour, however many were asked for"
    );
    let live = password_reset::Entity::find()
        .filter(password_reset::Column::UserId.eq(tenant.owner_id))
        .filter(password_reset::Column::UsedAt.is_null())
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(live, 1, "only the newest token works");
}

#[tokio::test]
async fn unknown_accounts_get_the_same_answer_and_no_mail() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;

    let unknown = app
        .client()
        .post(
            "/api/v1/password-resets",
            &json!({"tenant": tenant.slug, "email": "nobody@x.example"}),
        )
        .await;
    let no_tenant = app
        .client()
        .post(
            "/api/v1/password-resets",
            &json!({"tenant": "no-such-tenant", "email": "a@b.example"}),
        )
        .await;

    assert_eq!(unknown.status, 202);
    assert_eq!(no_tenant.status, 202);
    assert_eq!(unknown.text, no_tenant.text);
    let bad = app
        .client()
        .post(
            "/api/v1/password-resets/confirm",
            &json!({"token": "kp_forged", "password": "a fresh and unusual passphrase"}),
        )
        .await;
    assert_eq!(
        bad.expect_problem(422, "validation_failed")["errors"][0]["field"],
        "token"
    );
}

#[tokio::test]
async fn invitations_are_emailed_over_smtp() {
    let sink = kefu_testkit::SmtpSink::start().await.unwrap();
    let url = sink.url.clone();
    let app = spawn_app_with(|settings| {
        settings.mail.transport =
            kefu_platform::mail::MailTransport::Smtp(kefu_platform::config::Secret::new(url));
    })
    .await;
    let tenant = app.tenant().await;

    let invited = app
        .as_token(&tenant.token)
        .post(
            "/api/v1/user-invitations",
            &json!({"email": "mailed@x.example", "name": "Mailed", "roles": ["agent"]}),
        )
        .await
        .expect(201);

    let mail = sink
        .wait_for("mailed@x.example", 10)
        .await
        .expect("the invitation reaches the SMTP server");
    let token = invited["invitation"]["token"].as_str().unwrap();
    assert!(
        mail.contains(token),
        "the email carries the invitation token"
    );
    assert!(mail.contains("Subject: You are invited to Kefu"));
    app.client()
        .post(
            "/api/v1/user-invitations/accept",
            &json!({"token": token_in(&mail, "ki_"), "password": PASSWORD}),
        )
        .await
        .expect(200);
}

#[tokio::test]
async fn delivered_mail_keeps_no_token_in_the_database_and_its_file_is_private() {
    use sea_orm::EntityTrait;
    let app = spawn_app().await;
    let tenant = app.tenant().await;

    let token = reset_token_of_owner(&app, &tenant).await;

    // The row is marked sent just after the file lands; give it a moment.
    let mut bodies = Vec::new();
    for _ in 0..50 {
        let rows = kefu_platform::mail::outbox::Entity::find()
            .all(&app.state.db)
            .await
            .unwrap();
        if rows.iter().all(|r| r.sent_at.is_some()) {
            bodies = rows.into_iter().map(|r| r.body_text).collect();
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(!bodies.is_empty(), "mail was never marked sent");
    assert!(bodies.iter().all(|b| !b.contains(&token)), "{bodies:?}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let kefu_platform::mail::MailTransport::Files(dir) = &app.state.settings.mail.transport
        else {
            panic!("not the file transport");
        };
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let mode = entry.metadata().unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{}", entry.path().display());
        }
        let mode = std::fs::metadata(dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
    }
}
