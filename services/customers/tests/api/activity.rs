//! Tickets' and surveys' events on the customer: interactions, the card's counters and
//! satisfaction; written interactions; one effect per event however often delivered.

use chrono::Utc;
use kefu_events::catalogue::surveys::{ResponseData, Scores, SurveyResponseSubmitted};
use kefu_events::catalogue::tickets::{
    TicketClosed, TicketCreated, TicketData, TicketReplied, TicketReplyData, TicketSolved,
};
use kefu_testkit::eventually;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{create, embedded_bus, path, publish, spawn_app_with_bus, STAFF};

fn ticket(customer: Uuid, number: i64, kind: &str, status: &str) -> TicketData {
    TicketData {
        ticket_id: Uuid::now_v7(),
        number,
        subject: format!("Ticket {number}"),
        customer_id: Some(customer),
        requester_id: None,
        kind: kind.into(),
        priority: "normal".into(),
        channel: "email".into(),
        team_id: None,
        assignee_id: None,
        status: status.into(),
        tags: Vec::new(),
        reopen_count: 0,
        created_at: Utc::now(),
        first_response_at: None,
        solved_at: None,
    }
}

/// Interactions sort by when they happened, to the millisecond: events published in
/// the same millisecond may list either way round, so the test spaces them.
async fn tick() {
    tokio::time::sleep(std::time::Duration::from_millis(3)).await;
}

fn with_status(t: &TicketData, status: &str) -> TicketData {
    TicketData {
        status: status.into(),
        ..t.clone()
    }
}

#[tokio::test]
async fn a_ticket_s_life_shows_on_the_card_and_in_the_interactions() {
    let bus = embedded_bus().await;
    let app = spawn_app_with_bus(Some(bus.clone())).await;
    let (_, staff) = app.staff(STAFF).await;
    let acme = create(&staff, json!({"kind": "organisation", "name": "Acme"})).await;
    let id: Uuid = acme["id"].as_str().unwrap().parse().unwrap();
    let card_path = format!("{}/card", path(&acme));

    let incident = ticket(id, 1, "incident", "new");
    let complaint = ticket(id, 2, "complaint", "new");
    let created = publish(&bus, app.tenant, TicketCreated(incident.clone())).await;
    // The same event again: one interaction.
    kefu_events::direct::redeliver(&bus, &created, "kefu.tickets")
        .await
        .unwrap();
    tick().await;
    publish(&bus, app.tenant, TicketCreated(complaint.clone())).await;
    tick().await;
    let reply = TicketReplyData {
        ticket: with_status(&incident, "open"),
        comment_id: Uuid::now_v7(),
        public: true,
        author_kind: "staff".into(),
        author_id: Some(Uuid::now_v7()),
    };
    publish(&bus, app.tenant, TicketReplied(reply.clone())).await;
    let note = TicketReplyData {
        public: false,
        comment_id: Uuid::now_v7(),
        ..reply
    };
    publish(&bus, app.tenant, TicketReplied(note)).await;
    eventually("two open tickets on the card", async || {
        let card = staff.get(&card_path).await.expect(200);
        card["tickets"]["open"] == 2 && card["tickets"]["open_complaints"] == 1
    })
    .await;

    publish(
        &bus,
        app.tenant,
        TicketSolved(with_status(&incident, "solved")),
    )
    .await;
    tick().await;
    publish(
        &bus,
        app.tenant,
        TicketClosed(with_status(&incident, "closed")),
    )
    .await;
    let mut card = Value::Null;
    eventually("the incident leaving the card, closed", async || {
        card = staff.get(&card_path).await.expect(200);
        card["tickets"]["open"] == 1 && card["interactions"].as_array().unwrap().len() == 5
    })
    .await;

    assert_eq!(card["tickets"]["items"][0]["type"], "complaint");
    let listed = staff
        .get(&format!("{}/interactions", path(&acme)))
        .await
        .expect(200);
    let summaries: Vec<(&str, &str)> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["direction"].as_str().unwrap(),
                i["summary"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summaries,
        [
            ("outbound", "Ticket #1 closed: Ticket 1"),
            ("outbound", "Ticket #1 solved: Ticket 1"),
            ("outbound", "staff replied on ticket #1: Ticket 1"),
            ("inbound", "Ticket #2 opened: Ticket 2"),
            ("inbound", "Ticket #1 opened: Ticket 1"),
        ]
    );
    assert!(listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["source"] == "ticket" && i["channel"] == "email"));
    assert_eq!(card["interactions"].as_array().unwrap().len(), 5);
}

fn response(customer: Uuid, csat: f64, nps: f64) -> ResponseData {
    ResponseData {
        response_id: Uuid::now_v7(),
        template_id: Uuid::now_v7(),
        template_version: 1,
        campaign_id: None,
        customer_id: Some(customer),
        ticket_id: None,
        scores: Scores {
            csat: Some(csat),
            nps: Some(nps),
            ces: None,
            index: None,
        },
        dimension_scores: Default::default(),
    }
}

#[tokio::test]
async fn survey_scores_make_the_card_s_satisfaction_and_staff_write_interactions() {
    let bus = embedded_bus().await;
    let app = spawn_app_with_bus(Some(bus.clone())).await;
    let (me, staff) = app.staff(STAFF).await;
    let acme = create(&staff, json!({"kind": "organisation", "name": "Acme"})).await;
    let id: Uuid = acme["id"].as_str().unwrap().parse().unwrap();
    let card_path = format!("{}/card", path(&acme));

    publish(
        &bus,
        app.tenant,
        SurveyResponseSubmitted(response(id, 4.0, 9.0)),
    )
    .await;
    publish(
        &bus,
        app.tenant,
        SurveyResponseSubmitted(response(id, 2.0, 3.0)),
    )
    .await;
    let mut card = Value::Null;
    eventually("both responses on the card", async || {
        card = staff.get(&card_path).await.expect(200);
        card["satisfaction"]["responses"] == 2
    })
    .await;
    assert_eq!(card["satisfaction"]["average_csat"], 3.0);
    assert_eq!(card["satisfaction"]["average_nps"], 6.0);

    let written = staff
        .post(
            &format!("{}/interactions", path(&acme)),
            &json!({"channel": "visit", "direction": "outbound", "summary": "Quarterly visit", "outcome": "Happy"}),
        )
        .await
        .expect(201);
    staff
        .post(
            &format!("{}/interactions", path(&acme)),
            &json!({"channel": "visit", "direction": "sideways", "summary": "x"}),
        )
        .await
        .expect_problem(422, "validation_failed");
    staff
        .post(
            &format!("{}/interactions", path(&acme)),
            &json!({"channel": "visit", "direction": "inbound", "summary": "x", "at": "2999-01-01T00:00:00Z"}),
        )
        .await
        .expect_problem(422, "validation_failed");

    assert_eq!(written["user_id"], json!(me));
    assert_eq!(written["source"], "staff");
    let card = staff.get(&card_path).await.expect(200);
    assert_eq!(card["interactions"][0]["summary"], "Quarterly visit");
    assert_eq!(card["customer"]["name"], "Acme");
}
