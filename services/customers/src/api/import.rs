//! `POST /api/v1/customers/import`: customers and their first contact from CSV, each row
//! checked on its own; accepted rows are created once (keyed by `external_id`), and
//! every rejected row comes back with its line and reason.

use actix_web::{post, web, HttpResponse};
use kefu_platform::auth::scopes::CustomersWrite;
use kefu_platform::http::ErrorResponses;
use kefu_platform::validation::Validate;
use kefu_platform::{ApiError, Authz};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::app::customers::{self, Background, Needs, NewCustomerBody};
use crate::domain::fields::{
    ContactChannel, Kind, Lifecycle, ManagementClass, MarketingType, Position, RelationshipLevel,
};
use crate::error_codes;
use crate::state::AppState;
use crate::store::contacts::ContactStore;
use crate::store::entities::contact;

/// Most rows one import takes.
const MAX_ROWS: usize = 5000;

/// A UTF-8 CSV file with a header row, sent as it is (`application/octet-stream`; a
/// `text/csv` body is read the same). `external_id`, `kind` and `name` are required; also
/// `industry`, `region`, `size`, `address`, `source_channel`, `tags` (separated by `;`),
/// `lifecycle`, `marketing_type`, `management_class`, `position`, `relationship_level`,
/// `customer_since`, and a first contact: `contact_name`, `contact_role`,
/// `contact_phone`, `contact_email`, `contact_preferred_channel`.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary, example = "external_id,kind,name,region,tags,contact_name,contact_email\nERP-1001,organisation,Acme Hospital,East,hospital;key,Chen Jie,chen@acme.example\n")]
pub struct CustomerCsv(pub String);

/// A row that was not imported.
#[derive(Debug, Serialize, ToSchema)]
pub struct RejectedRow {
    /// Its line in the file (the header is line 1).
    pub line: u64,
    /// Why, naming the column.
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"created": 2, "already_imported": 1, "rejected": [{"line": 4, "reason": "kind: must be organisation or individual"}]}))]
pub struct ImportReport {
    /// Customers created.
    pub created: usize,
    /// Rows whose `external_id` was imported before (left as they are).
    pub already_imported: usize,
    /// Rows refused, with their line and reason.
    pub rejected: Vec<RejectedRow>,
}

/// A customer and its optional first contact, as one row gives them.
struct Row {
    customer: NewCustomerBody,
    contact: Option<contact::Model>,
}

fn parse_enum<T>(
    column: &str,
    value: Option<String>,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Option<T>, String> {
    match value {
        None => Ok(None),
        Some(text) => parse(&text)
            .map(Some)
            .ok_or_else(|| format!("{column}: `{text}` is not one of the allowed values")),
    }
}

fn row_of(headers: &csv::StringRecord, record: &csv::StringRecord) -> Result<Row, String> {
    // The JSON route refuses NUL before anything else (PostgreSQL cannot store it in text,
    // and a stored one would poison the events that carry the field).
    if let Some((column, _)) = headers
        .iter()
        .zip(record.iter())
        .find(|(_, value)| kefu_platform::validation::contains_nul(value))
    {
        return Err(format!(
            "{column}: {}",
            kefu_platform::validation::NUL_MESSAGE
        ));
    }
    let get = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .and_then(|i| record.get(i))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(String::from)
    };
    let external_id = get("external_id").ok_or("external_id: is required")?;
    let kind = parse_enum("kind", get("kind"), Kind::parse)?.ok_or("kind: is required")?;
    let customer = NewCustomerBody {
        kind,
        name: get("name").unwrap_or_default(),
        industry: get("industry"),
        region: get("region"),
        size: get("size"),
        address: get("address"),
        source_channel: get("source_channel"),
        owner_id: None,
        tags: get("tags")
            .map(|t| {
                t.split(';')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default(),
        notes: String::new(),
        background: Background::default(),
        needs: Needs::default(),
        lifecycle: parse_enum("lifecycle", get("lifecycle"), Lifecycle::parse)?,
        marketing_type: parse_enum(
            "marketing_type",
            get("marketing_type"),
            MarketingType::parse,
        )?,
        management_class: parse_enum(
            "management_class",
            get("management_class"),
            ManagementClass::parse,
        )?,
        position: parse_enum("position", get("position"), Position::parse)?,
        relationship_level: parse_enum(
            "relationship_level",
            get("relationship_level"),
            RelationshipLevel::parse,
        )?,
        customer_since: match get("customer_since") {
            Some(day) => Some(
                day.parse()
                    .map_err(|_| format!("customer_since: `{day}` is not a date YYYY-MM-DD"))?,
            ),
            None => None,
        },
        external_id: Some(external_id),
    };
    customer.validate().map_err(|e| match e {
        ApiError::Validation(errors) => errors
            .into_iter()
            .map(|fe| format!("{}: {}", fe.field, fe.message))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    })?;
    let contact = match get("contact_name") {
        None => None,
        Some(name) => {
            let email = get("contact_email");
            if email
                .as_deref()
                .is_some_and(|e| !kefu_platform::validation::is_email(e))
            {
                return Err("contact_email: is not a valid email address".into());
            }
            let channel = parse_enum(
                "contact_preferred_channel",
                get("contact_preferred_channel"),
                ContactChannel::parse,
            )?;
            Some(contact::Model {
                id: Uuid::nil(),
                tenant_id: Uuid::nil(),
                customer_id: Uuid::nil(),
                name,
                role: get("contact_role"),
                phone: get("contact_phone"),
                email,
                emergency: false,
                preferred_channel: channel.map(|c| c.as_str().into()),
                version: 1,
                created_at: chrono::DateTime::UNIX_EPOCH,
                updated_at: chrono::DateTime::UNIX_EPOCH,
            })
        }
    };
    Ok(Row { customer, contact })
}

/// Imports customers (and a first contact each) from CSV. A row whose `external_id`
/// was imported before is left alone, so a file can be sent again safely.
#[utoipa::path(
    tag = "customers",
    request_body(content = CustomerCsv, content_type = "application/octet-stream", description = "The customers, one per row"),
    responses((status = 200, description = "What was imported and what was refused", body = ImportReport), ErrorResponses),
    security(("bearer" = ["customers:write"]))
)]
#[post("/api/v1/customers/import")]
pub async fn import_customers(
    state: web::Data<AppState>,
    auth: Authz<CustomersWrite>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let text =
        std::str::from_utf8(&body).map_err(|_| ApiError::field("body", "must be UTF-8 text"))?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| {
            ApiError::bad_request(
                error_codes::MALFORMED_CSV,
                format!("unreadable header: {e}"),
            )
        })?
        .clone();
    for required in ["external_id", "kind", "name"] {
        if !headers.iter().any(|h| h == required) {
            return Err(ApiError::field(
                "header",
                format!("needs a `{required}` column"),
            ));
        }
    }
    let mut report = ImportReport {
        created: 0,
        already_imported: 0,
        rejected: Vec::new(),
    };
    for (index, record) in reader.records().enumerate() {
        if index >= MAX_ROWS {
            return Err(ApiError::field(
                "body",
                format!("must hold at most {MAX_ROWS} rows; split the file"),
            ));
        }
        let line = 2 + index as u64;
        let row = match record {
            Ok(record) => row_of(&headers, &record),
            Err(e) => Err(format!("unreadable row: {e}")),
        };
        let row = match row {
            Ok(row) => row,
            Err(reason) => {
                report.rejected.push(RejectedRow { line, reason });
                continue;
            }
        };
        let (scope, actor) = (auth.ctx.scope(), auth.actor);
        let now = state.clock.now();
        let imported = state
            .outbox
            .transaction::<_, (), ApiError>(&state.db, move |txn| {
                Box::pin(async move {
                    let saved = customers::create(txn, &scope, actor, row.customer, now).await?;
                    if let Some(mut first) = row.contact {
                        first.id = Uuid::now_v7();
                        first.tenant_id = saved.tenant_id;
                        first.customer_id = saved.id;
                        first.created_at = now;
                        first.updated_at = now;
                        ContactStore::new(txn, scope.tenant()).insert(first).await?;
                    }
                    Ok(())
                })
            })
            .await
            .map_err(ApiError::from);
        // Creating refuses an external id it has seen: that row was imported before.
        match imported {
            Ok(()) => report.created += 1,
            Err(ApiError::Conflict {
                code: error_codes::EXTERNAL_ID_TAKEN,
                ..
            }) => report.already_imported += 1,
            Err(other) => return Err(other),
        }
    }
    Ok(HttpResponse::Ok().json(report))
}

/// Registers the import route.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(import_customers);
}
