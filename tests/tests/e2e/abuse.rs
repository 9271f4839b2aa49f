//! QUALITY.md check 8 through the gateway: a tenant flooding far past its rate limit
//! does not make another tenant's requests fail, and fifty concurrent retries of one
//! create with one `Idempotency-Key` make exactly one ticket and one event.

use std::collections::HashSet;
use std::time::Duration;

use futures_util::future::join_all;
use serde_json::json;

use crate::suite;

#[tokio::test]
async fn a_tenant_flooding_at_ten_times_its_limit_does_not_touch_another_tenant() {
    let suite = suite::start().await;
    let (_, quiet) = suite
        .sign_up(
            &kefu_testkit::unique_slug("quiet"),
            "UTC",
            "ann@quiet.example",
        )
        .await;
    let (_, noisy) = suite
        .sign_up(
            &kefu_testkit::unique_slug("noisy"),
            "UTC",
            "bob@noisy.example",
        )
        .await;

    // The free plan allows 120 requests a minute per tenant: the flood sends ten times
    // that, eight at a time, while the quiet tenant asks once every 100 ms.
    let flood = async {
        let mut statuses = Vec::new();
        for _ in 0..150 {
            let batch = join_all((0..8).map(|_| noisy.get("/api/v1/users/me"))).await;
            statuses.extend(batch.iter().map(|r| r.status.as_u16()));
        }
        statuses
    };
    let steady = async {
        let mut answers = Vec::new();
        for _ in 0..30 {
            let answer = quiet.get("/api/v1/users/me").await;
            answers.push((answer.status.as_u16(), answer.header("ratelimit-remaining")));
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        answers
    };
    let (flooded, steady) = tokio::join!(flood, steady);

    let refused = flooded.iter().filter(|s| **s == 429).count();
    assert!(
        refused >= 1000,
        "the flood was not refused: {refused} of 1200 were 429"
    );
    assert!(
        flooded.iter().all(|s| *s == 200 || *s == 429),
        "the flood met something else than 200/429: {:?}",
        flooded.iter().collect::<HashSet<_>>()
    );
    for (status, remaining) in &steady {
        assert_eq!(
            *status, 200,
            "the quiet tenant got {status} (remaining {remaining:?})"
        );
    }
    suite.stop().await;
}

#[tokio::test]
async fn fifty_concurrent_creates_with_one_idempotency_key_make_one_ticket_and_one_event() {
    let suite = suite::start().await;
    let (signed_up, owner) = suite
        .sign_up(
            &kefu_testkit::unique_slug("idem"),
            "UTC",
            "ida@idem.example",
        )
        .await;
    let tenant_id = signed_up["tenant"]["id"].as_str().unwrap().to_string();
    let key = uuid::Uuid::now_v7().to_string();
    let body = json!({"subject": "Printer on fire", "type": "incident", "channel": "web"});

    let answers = join_all((0..50).map(|_| {
        let request = owner
            .request(reqwest::Method::POST, "/api/v1/tickets")
            .header("idempotency-key", &key)
            .json(&body);
        owner.send(request)
    }))
    .await;

    let mut created = HashSet::new();
    for answer in &answers {
        match answer.status.as_u16() {
            201 => {
                created.insert(answer.json()["id"].as_str().unwrap().to_string());
            }
            // The first request still running: the client retries later.
            409 => {
                answer.expect_problem(409, "idempotency_in_progress");
            }
            other => panic!("a concurrent retry got {other}: {}", answer.json()),
        }
    }
    assert_eq!(created.len(), 1, "answers named {created:?}");
    let ticket_id = created.into_iter().next().unwrap();
    let listed = owner.get("/api/v1/tickets").await.expect(200);
    let ids: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["id"].as_str())
        .collect();
    assert_eq!(ids, [ticket_id.as_str()]);

    // The event log holds exactly one `ticket.created` for it: read until it has come
    // and then a while longer for a second one.
    let mut reader = suite.read_topic("kefu.tickets").await;
    let mut announced = 0;
    let mut deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while let Some((envelope, _)) = reader.next_of("ticket.created", &tenant_id, deadline).await {
        assert_eq!(
            envelope.data["ticket_id"].as_str(),
            Some(ticket_id.as_str())
        );
        announced += 1;
        deadline = tokio::time::Instant::now() + Duration::from_secs(2);
    }
    assert_eq!(
        announced, 1,
        "ticket.created was announced {announced} times"
    );
    suite.stop().await;
}
