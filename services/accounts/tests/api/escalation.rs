//! Privilege escalation: nobody reaches scopes they do not hold, through roles, clients or users.

use serde_json::{json, Value};

use crate::helpers::{spawn_app, Tenant, TestApp, PASSWORD};

/// A token holding the accounts scopes only: an administrator of users, not of tickets.
async fn accounts_admin(app: &TestApp, tenant: &Tenant) -> String {
    app.token_with_scopes(
        tenant,
        tenant.owner_id,
        &["accounts:read", "accounts:write", "accounts:admin"],
    )
    .await
}

async fn role_id(app: &TestApp, tenant: &Tenant, key: &str) -> String {
    let roles = app
        .as_token(&tenant.token)
        .get("/api/v1/roles?limit=100")
        .await
        .expect(200);
    roles["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == key)
        .map(|r| r["id"].as_str().unwrap().to_string())
        .expect("role exists")
}

#[tokio::test]
async fn roles_and_clients_cannot_grant_scopes_the_caller_lacks() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let admin = app.as_token(&accounts_admin(&app, &tenant).await);

    let role = admin
        .post(
            "/api/v1/roles",
            &json!({"key": "sneaky", "name": "Sneaky", "scopes": ["tickets:admin"]}),
        )
        .await;
    let client = admin
        .post(
            "/api/v1/api-clients",
            &json!({"name": "Sneaky bot", "scopes": ["customers:write"]}),
        )
        .await;
    let agent = role_id(&app, &tenant, "agent").await;
    let widen = admin
        .patch(
            &format!("/api/v1/roles/{agent}"),
            &json!({"scopes": ["accounts:read", "reports:export"]}),
        )
        .await;

    role.expect_problem(403, "insufficient_scope");
    client.expect_problem(403, "insufficient_scope");
    // The agent role holds tickets scopes the caller lacks, so it may not be rewritten either.
    widen.expect_problem(403, "insufficient_scope");
    admin
        .post(
            "/api/v1/roles",
            &json!({"key": "auditors", "name": "Auditors", "scopes": ["accounts:read"]}),
        )
        .await
        .expect(201);
}

/// Issue 16, finding 2: an administrator holding only the accounts scopes could rotate the
/// secret of a client with `tickets:admin` and mint its tokens, or delete it.
#[tokio::test]
async fn a_client_with_scopes_the_caller_lacks_cannot_be_read_rotated_or_revoked() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let owner = app.as_token(&tenant.token);
    let admin = app.as_token(&accounts_admin(&app, &tenant).await);
    let wide = owner
        .post(
            "/api/v1/api-clients",
            &json!({"name": "Helpdesk sync", "scopes": ["tickets:admin"]}),
        )
        .await
        .expect(201);
    let narrow = owner
        .post(
            "/api/v1/api-clients",
            &json!({"name": "Directory sync", "scopes": ["accounts:read"]}),
        )
        .await
        .expect(201);
    let wide_at = format!("/api/v1/api-clients/{}", wide["id"].as_str().unwrap());
    let narrow_at = format!("/api/v1/api-clients/{}", narrow["id"].as_str().unwrap());

    admin
        .get(&wide_at)
        .await
        .expect_problem(403, "insufficient_scope");
    admin
        .post(&format!("{wide_at}/secret"), &json!({}))
        .await
        .expect_problem(403, "insufficient_scope");
    admin
        .delete(&wide_at)
        .await
        .expect_problem(403, "insufficient_scope");
    let listed = admin.get("/api/v1/api-clients?limit=100").await.expect(200);
    let names: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["Directory sync"],
        "only clients within the caller's scopes"
    );

    // The refused calls changed nothing: the old secret still gets tokens.
    let token = app
        .client()
        .post_form(
            "/oauth/token",
            &[
                ("grant_type", "client_credentials"),
                ("client_id", wide["client_id"].as_str().unwrap()),
                ("client_secret", wide["client_secret"].as_str().unwrap()),
            ],
        )
        .await;
    token.expect(200);
    // Within the caller's scopes everything works as before; the owner manages both.
    admin.get(&narrow_at).await.expect(200);
    admin
        .post(&format!("{narrow_at}/secret"), &json!({}))
        .await
        .expect(200);
    owner
        .post(&format!("{wide_at}/secret"), &json!({}))
        .await
        .expect(200);
    owner.delete(&wide_at).await.expect(204);
}

#[tokio::test]
async fn the_customer_role_grants_exactly_portal() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let customer = role_id(&app, &tenant, "customer").await;

    let response = app
        .as_token(&tenant.token)
        .patch(
            &format!("/api/v1/roles/{customer}"),
            &json!({"scopes": ["portal", "tickets:read"]}),
        )
        .await;

    response.expect_problem(409, "customer_role_fixed");
}

#[tokio::test]
async fn users_holding_more_scopes_cannot_be_demoted_or_disabled() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let (manager, _) = app.user(&tenant, &["service_manager"]).await;
    let admin = app.as_token(&accounts_admin(&app, &tenant).await);

    let demote = admin
        .patch(
            &format!("/api/v1/users/{manager}"),
            &json!({"roles": ["analyst"]}),
        )
        .await;
    let disable = admin
        .patch(
            &format!("/api/v1/users/{manager}"),
            &json!({"status": "disabled"}),
        )
        .await;
    let rename = admin
        .patch(
            &format!("/api/v1/users/{manager}"),
            &json!({"name": "Renamed Manager"}),
        )
        .await;

    demote.expect_problem(403, "insufficient_scope");
    disable.expect_problem(403, "insufficient_scope");
    assert_eq!(rename.expect(200)["name"], "Renamed Manager");
}

#[tokio::test]
async fn repeated_team_ids_are_one_membership_and_portal_users_join_no_team() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let owner = app.as_token(&tenant.token);
    let team = owner
        .post("/api/v1/teams", &json!({"name": "Night desk"}))
        .await
        .expect(201);
    let team_id = team["id"].as_str().unwrap();
    let found = owner
        .get("/api/v1/teams?name=Night%20desk")
        .await
        .expect(200);
    assert_eq!(found["items"].as_array().unwrap().len(), 1);
    let long_name = owner
        .get(&format!("/api/v1/teams?name={}", "n".repeat(101)))
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(long_name["errors"][0]["field"], "name");

    let user = owner
        .post(
            "/api/v1/users",
            &json!({"email": "twice@x.example", "name": "Twice", "team_ids": [team_id, team_id]}),
        )
        .await
        .expect(201);
    let user_id = user["id"].as_str().unwrap();
    let patched = owner
        .patch(
            &format!("/api/v1/users/{user_id}"),
            &json!({"team_ids": [team_id, team_id, team_id]}),
        )
        .await
        .expect(200);

    assert_eq!(patched["team_ids"], json!([team_id]));
    let invited = owner
        .post(
            "/api/v1/user-invitations/portal",
            &json!({"email": "buyer@client.example", "name": "Buyer", "customer_id": uuid::Uuid::now_v7()}),
        )
        .await
        .expect(201);
    let portal_id = invited["id"].as_str().unwrap();
    let join = owner
        .patch(
            &format!("/api/v1/users/{portal_id}"),
            &json!({"team_ids": [team_id]}),
        )
        .await;
    let problem: Value = join.expect_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "team_ids");
}

#[tokio::test]
async fn parallel_wrong_passwords_cannot_outrun_the_lock_out() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;

    let attempts =
        (0..12).map(|_| app.login(&tenant.slug, &tenant.owner_email, "wrong password here"));
    for response in futures_util::future::join_all(attempts).await {
        response.expect(400);
    }

    app.login(&tenant.slug, &tenant.owner_email, PASSWORD)
        .await
        .expect(400);
    let count = |action: &'static str| {
        let client = app.as_token(&tenant.token);
        async move {
            client
                .get(&format!("/api/v1/audit-log?action={action}&limit=100"))
                .await
                .expect(200)["items"]
                .as_array()
                .unwrap()
                .len()
        }
    };
    // Every failure before the lock was counted: none was lost to a concurrent write.
    assert_eq!(count("login.failed").await, 4);
    assert!(count("login.locked").await >= 1);
    let long_action = app
        .as_token(&tenant.token)
        .get(&format!("/api/v1/audit-log?action={}", "a".repeat(101)))
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(long_action["errors"][0]["field"], "action");
}
