//! A ticket's whole life through the gateway, with tickets on a fixed clock: created by
//! an agent and by a portal customer, assigned by each dispatch strategy, answered,
//! pended, resumed, solved, reopened and closed; its history and SLA timeline must
//! tell exactly that story at exactly those times.

use chrono::{DateTime, Duration, Utc};
use kefu_events::catalogue::training::{CertificationData, CertificationGranted};
use kefu_platform::clock::Clock;
use kefu_testkit::TestClient;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::suite::{self, PASSWORD};

/// Monday 16 November 2026, 09:00 in Berlin (CET, UTC+1): the start of a business day.
fn monday_nine() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-16T09:00:00+01:00")
        .unwrap()
        .with_timezone(&Utc)
}

fn at(value: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(value.as_str().expect("a time"))
        .unwrap()
        .with_timezone(&Utc)
}

/// Retries `attempt` until it gives a value (events arrive asynchronously); panics after 30 s.
async fn eventually<T>(what: &str, mut attempt: impl AsyncFnMut() -> Option<T>) -> T {
    for _ in 0..600 {
        if let Some(value) = attempt().await {
            return value;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{what} never happened");
}

async fn create(client: &TestClient, body: Value) -> Value {
    client.post("/api/v1/tickets", &body).await.expect(201)
}

fn path(ticket: &Value) -> String {
    format!("/api/v1/tickets/{}", ticket["id"].as_str().unwrap())
}

fn id(value: &Value) -> Uuid {
    value.as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_ticket_lives_its_whole_life_through_the_gateway_on_a_fixed_clock() {
    if suite::skipped_outside("a ticket's whole life on a fixed clock") {
        return;
    }
    let clock = Clock::fixed(monday_nine());
    let suite = suite::start_with_clock(clock.clone()).await;
    let slug = kefu_testkit::unique_slug("life");
    let (signed_up, owner) = suite
        .sign_up(&slug, "Europe/Berlin", "olga@life.example")
        .await;
    let tenant = id(&signed_up["tenant"]["id"]);

    // A team of three engineers, from accounts.
    let team = owner
        .post("/api/v1/teams", &json!({"name": "Field service"}))
        .await
        .expect(201);
    let team_id = id(&team["id"]);
    let mut engineers = Vec::new();
    for name in ["ann", "ben", "cat"] {
        let user = owner
            .post(
                "/api/v1/users",
                &json!({"email": format!("{name}@life.example"), "name": name,
                        "roles": ["engineer"], "team_ids": [team_id], "password": PASSWORD}),
            )
            .await
            .expect(201);
        engineers.push(id(&user["id"]));
    }
    let ann = suite.log_in(&slug, "ann@life.example").await;

    // Round robin: the team's members in turn, once the users reached tickets.
    let rule = owner
        .post(
            "/api/v1/dispatch-rules",
            &json!({"team_id": team_id, "strategy": "round_robin"}),
        )
        .await
        .expect(201);
    let first = eventually("the engineers reaching tickets' directory", async || {
        let ticket = create(&owner, json!({"subject": "Boiler 1", "team_id": team_id})).await;
        (!ticket["assignee_id"].is_null()).then_some(ticket)
    })
    .await;
    let next = create(&owner, json!({"subject": "Boiler 2", "team_id": team_id})).await;
    let round = [id(&first["assignee_id"]), id(&next["assignee_id"])];
    let start = engineers.iter().position(|e| *e == round[0]).unwrap();
    assert_eq!(
        round[1],
        engineers[(start + 1) % 3],
        "round robin takes turns"
    );

    // Least open: the engineer holding nothing yet.
    let rule_path = format!("/api/v1/dispatch-rules/{}", rule["id"].as_str().unwrap());
    owner
        .patch(&rule_path, &json!({"strategy": "least_open"}))
        .await
        .expect(200);
    let idle = *engineers.iter().find(|e| !round.contains(e)).unwrap();
    let least = create(&owner, json!({"subject": "Boiler 3", "team_id": team_id})).await;
    assert_eq!(id(&least["assignee_id"]), idle);

    // Skill-based: only the engineer training certified for gas boilers.
    owner
        .patch(
            &rule_path,
            &json!({"strategy": "skill_based", "skill": "gas"}),
        )
        .await
        .expect(200);
    let certified = engineers[1];
    let event = CertificationGranted(CertificationData {
        certification_id: Uuid::now_v7(),
        user_id: certified,
        skill_key: "gas".into(),
        expires_at: None,
    });
    let envelope = kefu_events::Envelope::new(tenant, None, &event).unwrap();
    suite
        .bus
        .publish(vec![kefu_events::bus::Record {
            topic: kefu_events::topic_of("training"),
            key: envelope.key(),
            payload: serde_json::to_vec(&envelope).unwrap(),
            headers: Vec::new(),
        }])
        .await
        .unwrap();
    let skilled = eventually("the certification reaching tickets", async || {
        let ticket = create(&owner, json!({"subject": "Gas leak", "team_id": team_id})).await;
        (!ticket["assignee_id"].is_null()).then_some(ticket)
    })
    .await;
    assert_eq!(id(&skilled["assignee_id"]), certified);

    // A portal customer of the tenant, invited by mail.
    let customer = Uuid::now_v7();
    owner
        .post(
            "/api/v1/user-invitations/portal",
            &json!({"email": "pia@client.example", "name": "Pia", "customer_id": customer}),
        )
        .await
        .expect(201);
    let mail = kefu_testkit::wait_for_mail_file(
        &suite.in_process().accounts.settings.mail,
        "pia@client.example",
    )
    .await
    .expect("the invitation mail");
    let token = mail
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .find(|word| word.starts_with("ki_"))
        .expect("an invitation token in the mail");
    suite
        .gateway()
        .post(
            "/api/v1/user-invitations/accept",
            &json!({"token": token, "password": PASSWORD}),
        )
        .await
        .expect(200);
    let pia = suite.log_in(&slug, "pia@client.example").await;

    // Monday 09:00: Pia writes in through the portal; it is hers and her customer's.
    let ticket = eventually("Pia reaching tickets' directory", async || {
        let answer = pia
            .post(
                "/api/v1/tickets",
                &json!({"subject": "Heating makes a noise", "description": "Since Sunday."}),
            )
            .await;
        (answer.status.as_u16() == 201).then(|| answer.expect(201))
    })
    .await;
    let opened_at = clock.now();
    let ticket_path = path(&ticket);
    assert_eq!(ticket["channel"], "portal");
    assert_eq!(ticket["customer_id"], json!(customer));
    assert_eq!(at(&ticket["created_at"]), opened_at);
    let ann_id = engineers[0];
    owner
        .patch(&ticket_path, &json!({"assignee_id": ann_id}))
        .await
        .expect(200);

    // 09:30 Ann answers: the first response.
    clock.advance(Duration::minutes(30));
    ann.post(
        &format!("{ticket_path}/comments"),
        &json!({"body": "Is it a knocking or a whistling?"}),
    )
    .await
    .expect(201);
    // 10:00 she waits on Pia: the clocks pause.
    clock.advance(Duration::minutes(30));
    ann.patch(&ticket_path, &json!({"status": "pending"}))
        .await
        .expect(200);
    // 12:00 Pia answers: the ticket opens again and the clocks run.
    clock.advance(Duration::hours(2));
    let answered = pia
        .post(
            &format!("{ticket_path}/comments"),
            &json!({"body": "Knocking, mostly at night."}),
        )
        .await;
    answered.expect(201);
    // 13:00 solved; 14:00 reopened by Ann; 15:00 solved again; 16:00 closed.
    for (hours, status) in [(1, "solved"), (1, "open"), (1, "solved"), (1, "closed")] {
        clock.advance(Duration::hours(hours));
        ann.patch(&ticket_path, &json!({"status": status}))
            .await
            .expect(200);
    }

    let hour = |h: i64, m: i64| opened_at + Duration::hours(h) + Duration::minutes(m);
    let done = pia.get(&ticket_path).await.expect(200);
    assert_eq!(done["status"], "closed");
    assert_eq!(done["reopen_count"], 1);
    assert_eq!(at(&done["first_response_at"]), hour(0, 30));

    let history = ann.get(&format!("{ticket_path}/history")).await.expect(200);
    let statuses: Vec<(String, DateTime<Utc>, String)> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["field"] == "status")
        .map(|h| {
            (
                h["new_value"].as_str().unwrap_or_default().to_string(),
                at(&h["at"]),
                h["via"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected: Vec<(String, DateTime<Utc>, String)> = [
        ("pending", hour(1, 0), "user"),
        ("open", hour(3, 0), "portal"),
        ("solved", hour(4, 0), "user"),
        ("open", hour(5, 0), "user"),
        ("solved", hour(6, 0), "user"),
        ("closed", hour(7, 0), "user"),
    ]
    .into_iter()
    .map(|(s, t, v)| (s.to_string(), t, v.to_string()))
    .collect();
    let tail = &statuses[statuses.len() - expected.len()..];
    assert_eq!(tail, expected.as_slice(), "the status trail: {statuses:?}");
    let assigned = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["field"] == "assignee_id")
        .expect("the assignment in the history");
    assert_eq!(assigned["new_value"], json!(ann_id));
    assert_eq!(at(&assigned["at"]), opened_at);

    let sla = ann.get(&format!("{ticket_path}/sla")).await.expect(200);
    let clock_of = |metric: &str| {
        sla["clocks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["metric"] == metric)
            .unwrap_or_else(|| panic!("no {metric} clock in {sla}"))
            .clone()
    };
    let first_response = clock_of("first_response");
    assert_eq!(first_response["state"], "met");
    assert_eq!(first_response["elapsed_minutes"], 30);
    assert_eq!(at(&first_response["stopped_at"]), hour(0, 30));
    let resolution = clock_of("resolution");
    assert_eq!(at(&resolution["started_at"]), opened_at);
    assert_eq!(resolution["state"], "met");
    assert_eq!(at(&resolution["stopped_at"]), hour(6, 0));
    // 09:00–10:00, 12:00–13:00 and, reopened, 14:00–15:00 count; waiting on Pia and
    // the hour it stood solved do not.
    assert_eq!(resolution["elapsed_minutes"], 180);
    let pauses: Vec<(DateTime<Utc>, DateTime<Utc>)> = resolution["pauses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (at(&p["from"]), at(&p["until"])))
        .collect();
    assert_eq!(pauses, [(hour(1, 0), hour(3, 0)), (hour(4, 0), hour(5, 0))]);
    let next_response = clock_of("next_response");
    assert_eq!(at(&next_response["started_at"]), hour(3, 0));
    assert_eq!(at(&next_response["stopped_at"]), hour(4, 0));
    assert_eq!(next_response["elapsed_minutes"], 60);
    let story: Vec<(String, String, DateTime<Utc>)> = sla["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["metric"].as_str().unwrap().to_string(),
                e["kind"].as_str().unwrap().to_string(),
                at(&e["at"]),
            )
        })
        .collect();
    let told: Vec<(String, String, DateTime<Utc>)> = [
        ("first_response", "started", hour(0, 0)),
        ("resolution", "started", hour(0, 0)),
        ("first_response", "met", hour(0, 30)),
        ("resolution", "paused", hour(1, 0)),
        ("next_response", "started", hour(3, 0)),
        ("resolution", "resumed", hour(3, 0)),
        ("next_response", "met", hour(4, 0)),
        ("resolution", "met", hour(4, 0)),
        ("resolution", "resumed", hour(5, 0)),
        ("resolution", "met", hour(6, 0)),
    ]
    .into_iter()
    .map(|(m, k, t)| (m.to_string(), k.to_string(), t))
    .collect();
    let mut sorted = story.clone();
    sorted.sort_by_key(|(metric, kind, t)| (*t, metric.clone(), kind.clone()));
    let mut expected = told.clone();
    expected.sort_by_key(|(metric, kind, t)| (*t, metric.clone(), kind.clone()));
    assert_eq!(sorted, expected, "the SLA timeline: {story:?}");
    suite.stop().await;
}
