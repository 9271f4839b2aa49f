//! Care plans on a fixed clock: a quarterly plan's occurrences fall on the right local
//! dates, each is announced once when it comes due, and is completed with its outcome.

use chrono::{DateTime, Utc};
use kefu_platform::clock::Clock;
use serde_json::{json, Value};

use crate::helpers::{create, spawn_app_at, STAFF};

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

#[tokio::test]
async fn a_quarterly_plan_comes_due_on_its_local_dates_and_is_announced_once_each() {
    let clock = Clock::fixed(utc("2026-12-01T00:00:00Z"));
    let app = spawn_app_at(clock.clone()).await;
    let (owner_id, staff) = app.staff(STAFF).await;
    let acme = create(
        &staff,
        json!({"kind": "organisation", "name": "Acme", "owner_id": owner_id}),
    )
    .await;
    let plan = staff
        .post(
            "/api/v1/care-plans",
            &json!({"customer_id": acme["id"], "name": "Quarterly visit", "rule": "FREQ=MONTHLY;INTERVAL=3",
                    "starts_at": "2027-01-05T09:00", "time_zone": "Asia/Shanghai", "channel": "visit",
                    "kind": "task", "task": "Check the scanner room"}),
        )
        .await
        .expect(201);
    let list_path = format!(
        "/api/v1/follow-ups?plan_id={}",
        plan["id"].as_str().unwrap()
    );
    let listed = staff.get(&list_path).await.expect(200);
    let due: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["due_at"].as_str().unwrap())
        .collect();
    // 09:00 in Shanghai is 01:00 UTC; a year ahead of 1 December 2026.
    assert_eq!(
        due,
        [
            "2027-01-05T01:00:00Z",
            "2027-04-05T01:00:00Z",
            "2027-07-05T01:00:00Z",
            "2027-10-05T01:00:00Z"
        ]
    );

    let run = async |at: &str| {
        clock.set(utc(at));
        kefu_customers::jobs::follow_ups::run_once(&app.state.db, &app.state.outbox, clock.now())
            .await
            .unwrap()
    };
    assert_eq!(run("2027-01-05T00:59:00Z").await, 0, "not yet due");
    assert_eq!(run("2027-01-05T01:00:00Z").await, 1);
    assert_eq!(run("2027-01-05T01:01:00Z").await, 0, "announced once");
    assert_eq!(run("2027-04-06T00:00:00Z").await, 1);

    let announced: Vec<Value> = app
        .events()
        .await
        .into_iter()
        .filter(|(k, _)| k == "customer.followup_due")
        .map(|(_, d)| d)
        .collect();
    assert_eq!(announced.len(), 2);
    assert_eq!(announced[0]["due_at"], "2027-01-05T01:00:00Z");
    assert_eq!(announced[0]["kind"], "task");
    assert_eq!(announced[0]["owner_id"], json!(owner_id));
    assert_eq!(announced[0]["task"], "Check the scanner room");
    // The horizon moved on with the clock: a year ahead of 6 April 2027 reaches the
    // January and April 2028 occurrences.
    let listed = staff.get(&list_path).await.expect(200);
    assert_eq!(listed["items"].as_array().unwrap().len(), 6);
    assert_eq!(listed["items"][0]["status"], "due");

    let first = format!(
        "/api/v1/follow-ups/{}",
        listed["items"][0]["id"].as_str().unwrap()
    );
    let done = staff
        .patch(
            &first,
            &json!({"status": "done", "outcome": "Wants a second scanner"}),
        )
        .await
        .expect(200);
    assert_eq!(done["outcome"], "Wants a second scanner");
    staff
        .patch(&first, &json!({"status": "skipped"}))
        .await
        .expect_problem(409, "illegal_transition");

    // Stopped, the rest are cancelled and nothing more comes due.
    staff
        .patch(
            &format!("/api/v1/care-plans/{}", plan["id"].as_str().unwrap()),
            &json!({"active": false}),
        )
        .await
        .expect(200);
    assert_eq!(run("2027-07-06T00:00:00Z").await, 0);
}

#[tokio::test]
async fn bad_plans_are_refused_by_field() {
    let app = spawn_app_at(Clock::system()).await;
    let (_, staff) = app.staff(STAFF).await;
    let acme = create(&staff, json!({"kind": "organisation", "name": "Acme"})).await;
    for (body, field) in [
        (json!({"rule": "FREQ=HOURLY"}), "rule"),
        (json!({"rule": "FREQ=WHENEVER"}), "rule"),
        (json!({"starts_at": "5 January"}), "starts_at"),
        (json!({"time_zone": "Mars/Olympus"}), "time_zone"),
        (json!({"task": null}), "task"),
    ] {
        let mut plan = json!({"customer_id": acme["id"], "name": "P", "rule": "FREQ=YEARLY",
                              "starts_at": "2027-01-05T09:00", "channel": "sms", "kind": "task", "task": "Greet"});
        for (k, v) in body.as_object().unwrap() {
            plan[k] = v.clone();
        }
        let refused = staff
            .post("/api/v1/care-plans", &plan)
            .await
            .expect_problem(422, "validation_failed");
        assert_eq!(refused["errors"][0]["field"], field, "{plan}");
    }
}

/// Issue 16, finding 7: a plan whose occurrences fall less than a day apart opened a
/// follow-up ticket every second.
#[tokio::test]
async fn plans_recurring_more_than_once_a_day_are_refused() {
    let app = spawn_app_at(Clock::system()).await;
    let (_, staff) = app.staff(STAFF).await;
    let acme = create(&staff, json!({"kind": "organisation", "name": "Acme"})).await;
    let plan = |rule: &str| {
        json!({"customer_id": acme["id"], "name": "P", "rule": rule,
               "starts_at": "2027-01-05T09:00", "channel": "sms", "kind": "task", "task": "Greet"})
    };
    for rule in [
        "FREQ=DAILY;BYSECOND=0,1,2,3,4,5,6,7,8,9",
        "FREQ=DAILY;BYMINUTE=0,15,30,45",
        "FREQ=WEEKLY;BYHOUR=9,17",
    ] {
        let refused = staff
            .post("/api/v1/care-plans", &plan(rule))
            .await
            .expect_problem(422, "validation_failed");
        assert_eq!(refused["errors"][0]["field"], "rule", "{rule}");
    }
    staff
        .post(
            "/api/v1/care-plans",
            &plan("FREQ=DAILY;BYHOUR=9;BYMINUTE=30"),
        )
        .await
        .expect(201);
}

#[tokio::test]
async fn stopping_a_plan_with_a_stale_etag_is_a_412_that_leaves_its_follow_ups_scheduled() {
    let clock = Clock::fixed(utc("2026-12-01T00:00:00Z"));
    let app = spawn_app_at(clock.clone()).await;
    let (_, staff) = app.staff(STAFF).await;
    let acme = create(&staff, json!({"kind": "organisation", "name": "Acme"})).await;
    let plan = staff
        .post(
            "/api/v1/care-plans",
            &json!({"customer_id": acme["id"], "name": "Monthly call", "rule": "FREQ=MONTHLY",
                    "starts_at": "2027-01-05T09:00", "time_zone": "UTC", "channel": "phone",
                    "kind": "task", "task": "Call"}),
        )
        .await
        .expect(201);
    let at = format!("/api/v1/care-plans/{}", plan["id"].as_str().unwrap());
    let renamed = staff
        .patch(&at, &json!({"name": "Monthly check-in"}))
        .await
        .expect(200);
    assert_eq!(renamed["version"], 2);

    let stale = staff
        .send(
            staff
                .request(reqwest::Method::PATCH, &at)
                .header("if-match", "\"1\"")
                .json(&json!({"active": false})),
        )
        .await;

    stale.expect_problem(412, "version_mismatch");
    let listed = staff
        .get(&format!(
            "/api/v1/follow-ups?plan_id={}",
            plan["id"].as_str().unwrap()
        ))
        .await
        .expect(200);
    let statuses: Vec<&Value> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| &f["status"])
        .collect();
    assert!(!statuses.is_empty());
    assert!(statuses.iter().all(|s| *s == "scheduled"), "{listed}");
}
