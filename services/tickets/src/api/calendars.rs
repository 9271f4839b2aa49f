//! `/api/v1/calendars`: business-hours calendars (weekly hours, holidays, time zone).

use actix_web::{delete, get, patch, post, web, HttpResponse};
use chrono::{NaiveDate, NaiveTime};
use kefu_platform::auth::scopes::{TicketsAdmin, TicketsRead};
use kefu_platform::concurrency::IfMatch;
use kefu_platform::error::ErrorCode;
use kefu_platform::http::{created, with_etag, ErrorResponses};
use kefu_platform::json::Json;
use kefu_platform::validation::{Checks, Validate};
use kefu_platform::{ApiError, Authz};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::app::clocks::calendar_of;
use crate::domain::calendar::OpeningHours;
use crate::error_codes;
use crate::state::AppState;
use crate::store::entities::calendar;
use crate::store::sla::SlaStore;
use crate::store::{decode_list, encode_list};

const DAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// One opening interval in local time, `HH:MM`; an `end` of `00:00` (or `24:00`) is midnight.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HoursBody {
    /// Opens at, e.g. `09:00`.
    #[schema(max_length = 5)]
    pub start: String,
    /// Closes at, e.g. `18:00`.
    #[schema(max_length = 5)]
    pub end: String,
}

/// Opening hours per weekday; a missing day is closed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WeeklyHours {
    /// Monday.
    #[serde(default)]
    pub monday: Vec<HoursBody>,
    /// Tuesday.
    #[serde(default)]
    pub tuesday: Vec<HoursBody>,
    /// Wednesday.
    #[serde(default)]
    pub wednesday: Vec<HoursBody>,
    /// Thursday.
    #[serde(default)]
    pub thursday: Vec<HoursBody>,
    /// Friday.
    #[serde(default)]
    pub friday: Vec<HoursBody>,
    /// Saturday.
    #[serde(default)]
    pub saturday: Vec<HoursBody>,
    /// Sunday.
    #[serde(default)]
    pub sunday: Vec<HoursBody>,
}

impl WeeklyHours {
    fn days(&self) -> [&Vec<HoursBody>; 7] {
        [
            &self.monday,
            &self.tuesday,
            &self.wednesday,
            &self.thursday,
            &self.friday,
            &self.saturday,
            &self.sunday,
        ]
    }

    /// Parsed hours, or the field paths that do not parse.
    fn parse(&self, checks: &mut Checks) -> Vec<Vec<OpeningHours>> {
        let time = |text: &str| {
            if text == "24:00" {
                return NaiveTime::from_hms_opt(0, 0, 0);
            }
            NaiveTime::parse_from_str(text, "%H:%M").ok()
        };
        let mut week = Vec::new();
        for (day, hours) in DAYS.iter().zip(self.days()) {
            let mut parsed = Vec::new();
            for (i, h) in hours.iter().enumerate() {
                match (time(&h.start), time(&h.end)) {
                    (Some(start), Some(end)) => parsed.push(OpeningHours { start, end }),
                    (None, _) => {
                        checks.fail(
                            &format!("weekly.{day}[{i}].start"),
                            "must be a time as HH:MM",
                        );
                    }
                    (_, None) => {
                        checks.fail(&format!("weekly.{day}[{i}].end"), "must be a time as HH:MM");
                    }
                }
            }
            week.push(parsed);
        }
        week
    }

    fn from_stored(week: &[Vec<OpeningHours>]) -> Self {
        let day = |i: usize| {
            week.get(i)
                .map(|hours| {
                    hours
                        .iter()
                        .map(|h| HoursBody {
                            start: h.start.format("%H:%M").to_string(),
                            end: h.end.format("%H:%M").to_string(),
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        Self {
            monday: day(0),
            tuesday: day(1),
            wednesday: day(2),
            thursday: day(3),
            friday: day(4),
            saturday: day(5),
            sunday: day(6),
        }
    }
}

/// A new calendar.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Shanghai office", "time_zone": "Asia/Shanghai", "weekly": {"monday": [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "18:00"}], "friday": [{"start": "09:00", "end": "17:00"}]}, "holidays": ["2026-10-01"]}))]
pub struct NewCalendarBody {
    /// Name (1–100 characters), unique in the tenant.
    #[schema(max_length = 100)]
    pub name: String,
    /// IANA time zone.
    #[schema(max_length = 64)]
    pub time_zone: String,
    /// Opening hours.
    pub weekly: WeeklyHours,
    /// Local dates closed all day.
    #[serde(default)]
    pub holidays: Vec<NaiveDate>,
}

impl Validate for NewCalendarBody {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        checks.length("name", self.name.trim(), 1, 100);
        checks.ensure(
            self.time_zone.len() <= 64 && self.time_zone.parse::<chrono_tz::Tz>().is_ok(),
            "time_zone",
            "must be an IANA time zone such as Asia/Shanghai",
        );
        checks.ensure(
            self.holidays.len() <= 1000,
            "holidays",
            "must list at most 1000 dates",
        );
        checks.finish()
    }
}

/// Changes to a calendar; given fields replace the current ones.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"holidays": ["2026-10-01", "2026-10-02"]}))]
pub struct CalendarPatch {
    /// Name (1–100 characters).
    #[schema(max_length = 100)]
    pub name: Option<String>,
    /// IANA time zone.
    #[schema(max_length = 64)]
    pub time_zone: Option<String>,
    /// Opening hours.
    pub weekly: Option<WeeklyHours>,
    /// Holidays.
    pub holidays: Option<Vec<NaiveDate>>,
}

impl Validate for CalendarPatch {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        checks.length_opt("name", self.name.as_deref().map(str::trim), 1, 100);
        if let Some(zone) = &self.time_zone {
            checks.ensure(
                zone.len() <= 64 && zone.parse::<chrono_tz::Tz>().is_ok(),
                "time_zone",
                "must be an IANA time zone such as Asia/Shanghai",
            );
        }
        checks.finish()
    }
}

/// A calendar.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a0c4-f177-7f28-a85c-2cce39263059", "name": "Business hours", "time_zone": "Asia/Shanghai", "weekly": {"monday": [{"start": "09:00", "end": "18:00"}], "tuesday": [], "wednesday": [], "thursday": [], "friday": [], "saturday": [], "sunday": []}, "holidays": ["2026-10-01"], "is_default": true, "version": 1}))]
pub struct CalendarView {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// IANA time zone.
    pub time_zone: String,
    /// Opening hours.
    pub weekly: WeeklyHours,
    /// Holidays.
    pub holidays: Vec<NaiveDate>,
    /// The tenant's default calendar.
    pub is_default: bool,
    /// Version, for `If-Match`.
    pub version: i64,
}

impl From<calendar::Model> for CalendarView {
    fn from(c: calendar::Model) -> Self {
        let week: Vec<Vec<OpeningHours>> = decode_list(&c.weekly);
        Self {
            id: c.id,
            name: c.name,
            time_zone: c.time_zone,
            weekly: WeeklyHours::from_stored(&week),
            holidays: decode_list(&c.holidays),
            is_default: c.is_default,
            version: c.version,
        }
    }
}

/// The tenant's calendars.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": []}))]
pub struct CalendarList {
    /// Oldest first.
    pub items: Vec<CalendarView>,
}

/// Parses and checks hours and holidays into `row`; a 422 names the first bad field.
fn set_hours(
    row: &mut calendar::Model,
    weekly: Option<&WeeklyHours>,
    holidays: Option<&[NaiveDate]>,
) -> Result<(), ApiError> {
    let mut checks = Checks::new();
    if let Some(weekly) = weekly {
        let week = weekly.parse(&mut checks);
        checks.finish()?;
        row.weekly = encode_list(&week);
    }
    if let Some(holidays) = holidays {
        let mut dates = holidays.to_vec();
        dates.sort();
        dates.dedup();
        row.holidays = encode_list(&dates);
    }
    if let Err(problem) = calendar_of(row).validate() {
        // `weekly[2][1]` → `weekly.wednesday[1]`.
        let path = problem.path().to_string();
        let field = path
            .strip_prefix("weekly[")
            .and_then(|rest| rest.split_once(']'))
            .and_then(|(day, rest)| {
                day.parse::<usize>()
                    .ok()
                    .map(|d| format!("weekly.{}{rest}", DAYS[d.min(6)]))
            })
            .unwrap_or(path);
        return Err(ApiError::field(field, problem.message()));
    }
    Ok(())
}

/// Lists the tenant's calendars.
#[utoipa::path(tag = "sla", responses((status = 200, description = "Calendars", body = CalendarList), ErrorResponses), security(("bearer" = ["tickets:read"])))]
#[get("/api/v1/calendars")]
pub async fn list_calendars(
    state: web::Data<AppState>,
    auth: Authz<TicketsRead>,
) -> Result<HttpResponse, ApiError> {
    let items = SlaStore::new(&state.db, auth.tenant_id).calendars().await?;
    Ok(HttpResponse::Ok().json(CalendarList {
        items: items.into_iter().map(CalendarView::from).collect(),
    }))
}

/// Creates a calendar.
#[utoipa::path(tag = "sla", request_body = NewCalendarBody, responses((status = 201, description = "Calendar created", body = CalendarView), ErrorResponses), security(("bearer" = ["tickets:admin"])))]
#[post("/api/v1/calendars")]
pub async fn create_calendar(
    state: web::Data<AppState>,
    auth: Authz<TicketsAdmin>,
    body: Json<NewCalendarBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let now = state.clock.now();
    let mut row = calendar::Model {
        id: Uuid::now_v7(),
        tenant_id: auth.tenant_id.uuid(),
        name: body.name.trim().to_string(),
        time_zone: body.time_zone,
        weekly: "[]".into(),
        holidays: "[]".into(),
        is_default: false,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    set_hours(&mut row, Some(&body.weekly), Some(&body.holidays))?;
    let store = SlaStore::new(&state.db, auth.tenant_id);
    if store.calendars().await?.iter().any(|c| c.name == row.name) {
        return Err(ApiError::conflict(
            error_codes::CALENDAR_NAME_TAKEN,
            "a calendar with this name exists",
        ));
    }
    let saved = store
        .insert_calendar(row)
        .await
        .map_err(|e| ApiError::taken_or(e, NAME_TAKEN))?;
    Ok(created(
        format!("/api/v1/calendars/{}", saved.id),
        saved.version,
        &CalendarView::from(saved),
    ))
}

/// A 409 when a save collides with another's name (a rename included).
const NAME_TAKEN: (ErrorCode, &str) = (
    error_codes::CALENDAR_NAME_TAKEN,
    "a calendar with this name exists",
);

/// One calendar.
#[utoipa::path(tag = "sla", params(("id" = Uuid, Path, description = "Calendar id")), responses((status = 200, description = "The calendar", body = CalendarView), ErrorResponses), security(("bearer" = ["tickets:read"])))]
#[get("/api/v1/calendars/{id}")]
pub async fn get_calendar(
    state: web::Data<AppState>,
    auth: Authz<TicketsRead>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let found = SlaStore::new(&state.db, auth.tenant_id)
        .calendar(*id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(with_etag(found.version, &CalendarView::from(found)))
}

/// Changes a calendar; open SLA clocks count in the new hours from then on.
#[utoipa::path(tag = "sla", params(("id" = Uuid, Path, description = "Calendar id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")), request_body = CalendarPatch, responses((status = 200, description = "The calendar", body = CalendarView), ErrorResponses), security(("bearer" = ["tickets:admin"])))]
#[patch("/api/v1/calendars/{id}")]
pub async fn update_calendar(
    state: web::Data<AppState>,
    auth: Authz<TicketsAdmin>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: Json<CalendarPatch>,
) -> Result<HttpResponse, ApiError> {
    let patch = body.into_inner();
    let store = SlaStore::new(&state.db, auth.tenant_id);
    let mut row = store.calendar(*id).await?.ok_or(ApiError::NotFound)?;
    if let Some(name) = patch.name {
        row.name = name.trim().to_string();
    }
    if let Some(zone) = patch.time_zone {
        row.time_zone = zone;
    }
    set_hours(&mut row, patch.weekly.as_ref(), patch.holidays.as_deref())?;
    let saved = store
        .save_calendar(row, &if_match)
        .await
        .map_err(|e| ApiError::taken_or(e, NAME_TAKEN))?;
    Ok(with_etag(saved.version, &CalendarView::from(saved)))
}

/// Deletes a calendar no SLA policy uses.
#[utoipa::path(tag = "sla", params(("id" = Uuid, Path, description = "Calendar id")), responses((status = 204, description = "Deleted"), ErrorResponses), security(("bearer" = ["tickets:admin"])))]
#[delete("/api/v1/calendars/{id}")]
pub async fn delete_calendar(
    state: web::Data<AppState>,
    auth: Authz<TicketsAdmin>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let store = SlaStore::new(&state.db, auth.tenant_id);
    let found = store.calendar(*id).await?.ok_or(ApiError::NotFound)?;
    if store.calendar_in_use(found.id).await? {
        return Err(ApiError::conflict(
            error_codes::CALENDAR_IN_USE,
            "an SLA policy uses this calendar; point it elsewhere first",
        ));
    }
    store.delete_calendar(found.id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Registers the calendar routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_calendars)
        .service(create_calendar)
        .service(get_calendar)
        .service(update_calendar)
        .service(delete_calendar);
}
