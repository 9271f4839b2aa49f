//! QUALITY.md check 2: forged, tampered and stale tokens get a generic 401.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, Header};
use serde_json::{json, Value};

use crate::helpers::{spawn_app, Tenant, TestApp, ISSUER, PASSWORD};

fn claims(tenant: &Tenant, session: Option<uuid::Uuid>) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({"sub": tenant.owner_id, "tid": tenant.id, "scope": "accounts:read", "roles": ["owner"],
        "exp": now + 600, "iat": now, "jti": uuid::Uuid::now_v7(), "iss": ISSUER, "aud": "kefu", "sid": session})
}

async fn signed_with_real_key(app: &TestApp, header_kid: Option<String>, claims: &Value) -> String {
    let key = app.state.keyring.active().await.unwrap();
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = header_kid.or(Some(key.kid));
    jsonwebtoken::encode(&header, claims, &key.encoding).unwrap()
}

fn session_of(token: &str) -> uuid::Uuid {
    let payload = token.split('.').nth(1).unwrap();
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    claims["sid"].as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn forged_and_stale_tokens_are_refused_with_a_generic_401() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let sid = Some(session_of(&tenant.token));
    let kid = app.state.keyring.active().await.unwrap().kid;
    let good = claims(&tenant, sid);
    let jwks = app.client().get("/.well-known/jwks.json").await.expect(200);
    let public_x = URL_SAFE_NO_PAD
        .decode(jwks["keys"][0]["x"].as_str().unwrap())
        .unwrap();
    // A listener that must never be contacted: `jku`/`x5u` are ignored.
    let trap = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    trap.set_nonblocking(true).unwrap();
    let trap_url = format!("http://{}/jwks.json", trap.local_addr().unwrap());

    let control = signed_with_real_key(&app, None, &good).await;
    let key = app.state.keyring.active().await.unwrap();
    let real = kefu_testkit::attacks::RealKey {
        kid: kid.clone(),
        encoding: &key.encoding,
        public_x,
    };
    let attacks = kefu_testkit::attacks::forged_tokens(&real, &good, &trap_url);

    app.as_token(&control)
        .get("/api/v1/users/me")
        .await
        .expect(200);
    let mut bodies = Vec::new();
    for (name, token) in attacks {
        let response = app.as_token(&token).get("/api/v1/users/me").await;
        assert_eq!(response.status, 401, "{name}: {}", response.text);
        bodies.push(response.expect_problem(401, "unauthenticated"));
    }
    assert!(
        bodies.windows(2).all(|w| w[0] == w[1]),
        "every refusal has the same body"
    );
    assert!(trap.accept().is_err(), "no request may reach a jku/x5u URL");
}

#[tokio::test]
async fn tokens_of_a_suspended_tenant_fail_and_work_again_after_restore() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let hash = kefu_accounts::domain::password::hash(PASSWORD).unwrap();
    kefu_accounts::store::operators::create(&app.state.db, "ops@kefu.example", "Ops", hash)
        .await
        .unwrap();
    let ops = app
        .client()
        .post_form(
            "/oauth/token",
            &[
                ("grant_type", "password"),
                ("username", "ops@kefu.example"),
                ("password", PASSWORD),
            ],
        )
        .await
        .expect(200);
    let operator = app.as_token(ops["access_token"].as_str().unwrap());
    app.as_token(&tenant.token)
        .get("/api/v1/users/me")
        .await
        .expect(200);

    operator
        .post(
            &format!("/api/v1/platform/tenants/{}/suspend", tenant.id),
            &json!({}),
        )
        .await
        .expect(200);
    app.as_token(&tenant.token)
        .get("/api/v1/users/me")
        .await
        .expect_problem(401, "unauthenticated");
    let login = app
        .login(&tenant.slug, &tenant.owner_email, PASSWORD)
        .await
        .expect(400);
    assert_eq!(login["error"], "invalid_grant");
    operator
        .post(
            &format!("/api/v1/platform/tenants/{}/restore", tenant.id),
            &json!({}),
        )
        .await
        .expect(200);

    app.as_token(&tenant.token)
        .get("/api/v1/users/me")
        .await
        .expect(200);
    // Operators carry no tenant and cannot read tenant data.
    operator
        .get("/api/v1/users")
        .await
        .expect_problem(403, "insufficient_scope");
    app.as_token(&tenant.token)
        .get("/api/v1/platform/tenants")
        .await
        .expect_problem(403, "insufficient_scope");
}
