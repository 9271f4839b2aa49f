//! QUALITY.md check 2 on tickets: forged, tampered and stale tokens get one generic 401,
//! on every documented operation.

use kefu_testkit::attacks::forged_tokens;
use kefu_testkit::openapi::{call, operations};

use crate::helpers::{spawn_app, AGENT};

#[tokio::test]
async fn forged_and_stale_tokens_are_refused_everywhere_with_one_generic_401() {
    let app = spawn_app().await;
    let mut claims = app.keys.claims(Some(app.tenant), AGENT);
    claims.sub = uuid::Uuid::now_v7();
    let good = serde_json::to_value(&claims).unwrap();
    let trap = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    trap.set_nonblocking(true).unwrap();
    let trap_url = format!("http://{}/jwks.json", trap.local_addr().unwrap());
    let attacks = forged_tokens(&app.keys.real_key(), &good, &trap_url);
    assert!(attacks.len() >= 13);

    app.as_token(&app.keys.sign_value(&good))
        .get("/api/v1/tickets")
        .await
        .expect(200);
    let mut bodies = Vec::new();
    for (name, token) in &attacks {
        let response = app.as_token(token).get("/api/v1/tickets").await;
        assert_eq!(response.status, 401, "{name}: {}", response.text);
        bodies.push(response.expect_problem(401, "unauthenticated"));
    }
    assert!(
        bodies.windows(2).all(|w| w[0] == w[1]),
        "every refusal has the same body"
    );

    let doc = serde_json::to_value(kefu_tickets::openapi()).unwrap();
    let forged = &attacks[0].1;
    for op in operations(&doc) {
        let path = op
            .path
            .replace("{id}", &uuid::Uuid::now_v7().to_string())
            .replace("{step_id}", &uuid::Uuid::now_v7().to_string())
            .replace("{link_id}", &uuid::Uuid::now_v7().to_string())
            .replace("{attachment_id}", &uuid::Uuid::now_v7().to_string());
        let anonymous = call(&app.server.client(), &op, &path).await;
        let forged_call = call(&app.as_token(forged), &op, &path).await;
        assert_eq!(
            anonymous.status, 401,
            "{} {} without a token",
            op.method, op.path
        );
        assert_eq!(
            forged_call.status, 401,
            "{} {} with alg none",
            op.method, op.path
        );
    }
    assert!(trap.accept().is_err(), "no request may reach a jku/x5u URL");
}
