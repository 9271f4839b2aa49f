//! CSV import: each row on its own, rejected rows reported by line and reason, accepted
//! rows created once however often the file is sent.

use crate::helpers::{spawn_app, STAFF};

const FILE: &str = "external_id,kind,name,region,tags,lifecycle,contact_name,contact_email
ERP-1,organisation,Acme Hospital,East,hospital;key,active,Chen Jie,chen@acme.example
ERP-2,individual,Li Wei,,,,,
ERP-3,robot,Marvin,,,,,
,organisation,No Id,,,,,
ERP-5,organisation,Bad Contact,,,,Ann,not-an-email
ERP-6,organisation,,,,,,
";

async fn import(client: &kefu_testkit::TestClient, csv: &str) -> kefu_testkit::TestResponse {
    client
        .send(
            client
                .request(reqwest::Method::POST, "/api/v1/customers/import")
                .header("content-type", "text/csv")
                .body(csv.to_string()),
        )
        .await
}

#[tokio::test]
async fn good_rows_are_created_once_and_bad_ones_reported_by_line() {
    let app = spawn_app().await;
    let (_, staff) = app.staff(STAFF).await;

    let first = import(&staff, FILE).await.expect(200);
    let again = import(&staff, FILE).await.expect(200);

    assert_eq!(first["created"], 2);
    let reasons: Vec<(u64, String)> = first["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap(),
                r["reason"]
                    .as_str()
                    .unwrap()
                    .split(':')
                    .next()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect();
    assert_eq!(
        reasons,
        [
            (4, "kind".to_string()),
            (5, "external_id".to_string()),
            (6, "contact_email".to_string()),
            (7, "name".to_string())
        ]
    );
    assert_eq!(again["created"], 0);
    assert_eq!(again["already_imported"], 2);
    let listed = staff
        .get("/api/v1/customers?tag=hospital")
        .await
        .expect(200);
    let acme = &listed["items"][0];
    assert_eq!(acme["name"], "Acme Hospital");
    assert_eq!(acme["lifecycle"], "active");
    assert_eq!(acme["external_id"], "ERP-1");
    let contacts = staff
        .get(&format!(
            "/api/v1/customers/{}/contacts",
            acme["id"].as_str().unwrap()
        ))
        .await
        .expect(200);
    assert_eq!(contacts["items"][0]["email"], "chen@acme.example");
    let all = staff.get("/api/v1/customers").await.expect(200);
    assert_eq!(all["items"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_file_without_the_required_columns_or_text_is_refused() {
    let app = spawn_app().await;
    let (_, staff) = app.staff(STAFF).await;
    let no_id = import(&staff, "kind,name\norganisation,Acme\n")
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(no_id["errors"][0]["field"], "header");
    // Any bytes match the documented `application/octet-stream` body, so bytes that are
    // not text are a validation failure naming the body, not a malformed request.
    let binary = staff
        .send(
            staff
                .request(reqwest::Method::POST, "/api/v1/customers/import")
                .header("content-type", "application/octet-stream")
                .body(vec![0xff, 0xfe, 0x00, 0x41]),
        )
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(binary["errors"][0]["field"], "body");
    let empty = import(&staff, "").await;
    assert!(empty.status.is_client_error(), "{}", empty.text);
}

/// Issue 16, finding 13: the import stored NUL bytes that the JSON route refuses (on
/// PostgreSQL an error, or an event no consumer can read).
#[tokio::test]
async fn a_row_with_a_nul_byte_is_rejected_with_its_line_like_the_json_route() {
    let app = spawn_app().await;
    let (_, staff) = app.staff(STAFF).await;
    let file = "external_id,kind,name,region\nERP-1,organisation,Acme\0 Hospital,East\nERP-2,individual,Li Wei,\n";

    let report = import(&staff, file).await.expect(200);

    assert_eq!(report["created"], 1);
    assert_eq!(report["rejected"][0]["line"], 2);
    assert_eq!(
        report["rejected"][0]["reason"],
        "name: must not contain NUL characters"
    );
}
