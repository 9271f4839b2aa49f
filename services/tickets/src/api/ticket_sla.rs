//! `GET /api/v1/tickets/{id}/sla`: a ticket's SLA clocks and the timeline explaining them.

use actix_web::{get, web, HttpResponse};
use chrono::{DateTime, Duration, Utc};
use kefu_platform::auth::scopes::TicketsRead;
use kefu_platform::http::ErrorResponses;
use kefu_platform::{ApiError, Authz};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::app::access::Caller;
use crate::app::clocks::calendar_of;
use crate::app::tickets::visible_ticket;
use crate::domain::calendar::Calendar;
use crate::domain::ids::TicketId;
use crate::domain::sla::{self, ClockState, Pause};
use crate::state::AppState;
use crate::store::decode_list;
use crate::store::sla::SlaStore;

/// One SLA clock of a ticket.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClockView {
    /// `first_response`, `next_response` or `resolution`.
    pub metric: String,
    /// The policy that set the target.
    pub policy_id: Uuid,
    /// Its version when applied.
    pub policy_version: i64,
    /// Target in minutes.
    pub target_minutes: i64,
    /// Counted in business hours (else around the clock).
    pub business_hours: bool,
    /// `running`, `paused`, `met` or `breached`.
    #[schema(value_type = String)]
    pub state: ClockState,
    /// Counted minutes so far (or when it stopped).
    pub elapsed_minutes: i64,
    /// Started.
    pub started_at: DateTime<Utc>,
    /// Met (or stopped) at.
    pub stopped_at: Option<DateTime<Utc>>,
    /// Due (none while paused).
    pub due_at: Option<DateTime<Utc>>,
    /// When the target was breached.
    pub breached_at: Option<DateTime<Utc>>,
    /// Pauses.
    #[schema(value_type = Vec<Object>)]
    pub pauses: Vec<Pause>,
}

/// One event of the SLA timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineEntry {
    /// Metric.
    pub metric: String,
    /// `started`, `paused`, `resumed`, `policy_changed`, `at_risk`, `breached`, `met`, `met_late`.
    pub kind: String,
    /// Explanation (policy and version, status, due time).
    pub detail: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// A ticket's SLA.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"clocks": [{"metric": "resolution", "policy_id": "0193a0c4-f177-7f28-a85c-2cce39263059", "policy_version": 1, "target_minutes": 480, "business_hours": true, "state": "running", "elapsed_minutes": 30, "started_at": "2026-11-06T09:30:00Z", "stopped_at": null, "due_at": "2026-11-10T08:30:00Z", "breached_at": null, "pauses": []}], "timeline": [{"metric": "resolution", "kind": "started", "detail": "policy Standard v1: 480 business minutes", "at": "2026-11-06T09:30:00Z"}]}))]
pub struct TicketSla {
    /// The clocks.
    pub clocks: Vec<ClockView>,
    /// Oldest first.
    pub timeline: Vec<TimelineEntry>,
}

/// The SLA clocks of a ticket and every start, pause, resume, breach and fulfilment.
#[utoipa::path(tag = "tickets", params(("id" = Uuid, Path, description = "Ticket id")), responses((status = 200, description = "The SLA", body = TicketSla), ErrorResponses), security(("bearer" = ["tickets:read"])))]
#[get("/api/v1/tickets/{id}/sla")]
pub async fn ticket_sla(
    state: web::Data<AppState>,
    auth: Authz<TicketsRead>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let caller = Caller::reader(&auth)?;
    let ticket = visible_ticket(&state.db, &auth, caller, TicketId::from(*id)).await?;
    let store = SlaStore::new(&state.db, auth.tenant_id);
    let now = state.clock.now();
    let mut clocks = Vec::new();
    for clock in store.clocks(ticket.id).await? {
        let calendar = match store.calendar(clock.calendar_id).await? {
            Some(row) if clock.business_hours => calendar_of(&row),
            Some(row) => Calendar::always(calendar_of(&row).time_zone),
            None => Calendar::always(chrono_tz::Tz::UTC),
        };
        let pauses: Vec<Pause> = decode_list(&clock.pauses);
        let report = sla::evaluate(
            &calendar,
            clock.started_at,
            Duration::minutes(clock.target_minutes),
            &pauses,
            clock.stopped_at,
            now,
        );
        clocks.push(ClockView {
            metric: clock.metric,
            policy_id: clock.policy_id,
            policy_version: clock.policy_version,
            target_minutes: clock.target_minutes,
            business_hours: clock.business_hours,
            // A breach the scanner recorded stands, whatever the clock says now.
            state: if clock.breached_at.is_some() {
                ClockState::Breached
            } else {
                report.state
            },
            elapsed_minutes: report.elapsed.num_minutes(),
            started_at: clock.started_at,
            stopped_at: clock.stopped_at,
            due_at: report.due_at,
            breached_at: clock.breached_at.or(report.breached_at),
            pauses,
        });
    }
    let timeline = store
        .timeline(ticket.id)
        .await?
        .into_iter()
        .map(|e| TimelineEntry {
            metric: e.metric,
            kind: e.kind,
            detail: e.detail,
            at: e.at,
        })
        .collect();
    Ok(HttpResponse::Ok().json(TicketSla { clocks, timeline }))
}

/// Registers the SLA route of tickets.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(ticket_sla);
}
