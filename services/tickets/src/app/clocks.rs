//! SLA clocks of tickets: started when a policy applies, paused and resumed with the
//! status, stopped by replies and solving, and checked by a scanner that emits
//! `ticket.sla_at_risk` and `ticket.sla_breached` exactly once per target.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use kefu_events::catalogue::tickets::{TicketSlaAtRisk, TicketSlaBreached, TicketSlaData};
use kefu_platform::ids::TenantId;
use kefu_platform::ApiError;
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbErr};
use uuid::Uuid;

use crate::app::announce::{emit, ticket_data};
use crate::domain::calendar::{Calendar, OpeningHours};
use crate::domain::ids::TicketId;
use crate::domain::policy::{first_match, Conditions, Targets, TicketFacts};
use crate::domain::sla::{self, Pause};
use crate::store::entities::{calendar, sla_policy, ticket, ticket_sla};
use crate::store::sla::SlaStore;
use crate::store::tickets::TicketStore;
use crate::store::{decode_list, encode_list};

/// A stored calendar as the SLA maths takes it.
pub fn calendar_of(row: &calendar::Model) -> Calendar {
    let time_zone: Tz = row.time_zone.parse().unwrap_or(Tz::UTC);
    let days: Vec<Vec<OpeningHours>> = decode_list(&row.weekly);
    let mut weekly: [Vec<OpeningHours>; 7] = Default::default();
    for (slot, day) in weekly.iter_mut().zip(days) {
        *slot = day;
    }
    let holidays: BTreeSet<NaiveDate> = decode_list(&row.holidays).into_iter().collect();
    Calendar {
        time_zone,
        weekly,
        holidays,
    }
}

/// The calendar a clock counts in: its calendar's business hours, or around the clock.
async fn clock_calendar<C: ConnectionTrait>(
    store: &SlaStore<'_, C>,
    clock: &ticket_sla::Model,
) -> Result<Calendar, DbErr> {
    let row = store.calendar(clock.calendar_id).await?;
    let calendar = row.as_ref().map(calendar_of);
    Ok(match (clock.business_hours, calendar) {
        (true, Some(calendar)) => calendar,
        (_, Some(calendar)) => Calendar::always(calendar.time_zone),
        (_, None) => Calendar::always(Tz::UTC),
    })
}

/// Recomputes a clock's due and at-risk times as of `now` (none while it is paused).
fn refresh(clock: &mut ticket_sla::Model, calendar: &Calendar, now: DateTime<Utc>) {
    let pauses: Vec<Pause> = decode_list(&clock.pauses);
    let target = Duration::minutes(clock.target_minutes);
    let ratio = clock.at_risk_percent as f64 / 100.0;
    if clock.stopped_at.is_some() {
        return;
    }
    clock.due_at = sla::due_at(calendar, clock.started_at, target, &pauses, now);
    clock.at_risk_at = sla::at_risk_at(calendar, clock.started_at, target, ratio, &pauses, now);
}

/// What a ticket is matched on, with its customer's tier and service level if known.
async fn facts<C: ConnectionTrait>(conn: &C, ticket: &ticket::Model) -> Result<TicketFacts, DbErr> {
    let customer = match ticket.customer_id {
        Some(id) => crate::store::directory::customer(conn, ticket.tenant_id, id).await?,
        None => None,
    };
    Ok(TicketFacts {
        priority: ticket.priority.clone(),
        kind: ticket.kind.clone(),
        tier: customer.as_ref().and_then(|c| c.tier.clone()),
        service_level: customer.and_then(|c| c.service_level),
    })
}

/// The policy that applies to `ticket` now, with its targets.
async fn matching_policy(
    store: &SlaStore<'_, DatabaseTransaction>,
    ticket: &ticket::Model,
) -> Result<Option<(sla_policy::Model, Targets)>, DbErr> {
    let txn = store.conn();
    let policies = store.policies().await?;
    let decoded: Vec<(sla_policy::Model, Conditions)> = policies
        .into_iter()
        .map(|p| {
            let conditions = serde_json::from_str(&p.conditions).unwrap_or_default();
            (p, conditions)
        })
        .collect();
    let facts = facts(txn, ticket).await?;
    Ok(first_match(&decoded, &facts, |p| &p.1).map(|(p, _)| {
        let targets = serde_json::from_str(&p.targets).unwrap_or_default();
        (p.clone(), targets)
    }))
}

/// Starts (or restarts) the clock of `metric` under `policy` at `now`.
async fn start_clock(
    store: &SlaStore<'_, DatabaseTransaction>,
    ticket: &ticket::Model,
    policy: &sla_policy::Model,
    targets: &Targets,
    metric: &str,
    existing: Option<ticket_sla::Model>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let Some(target) = targets.of(metric) else {
        return Ok(());
    };
    let mut clock = ticket_sla::Model {
        id: existing.as_ref().map(|c| c.id).unwrap_or_else(Uuid::now_v7),
        tenant_id: ticket.tenant_id,
        ticket_id: ticket.id,
        metric: metric.into(),
        policy_id: policy.id,
        policy_version: policy.version,
        calendar_id: policy.calendar_id,
        target_minutes: target.minutes,
        business_hours: target.business_hours,
        at_risk_percent: policy.at_risk_percent,
        started_at: now,
        pauses: "[]".into(),
        stopped_at: None,
        due_at: None,
        at_risk_at: None,
        at_risk_sent_at: None,
        breached_at: None,
    };
    let calendar = clock_calendar(store, &clock).await?;
    refresh(&mut clock, &calendar, now);
    let detail = format!(
        "policy {} v{}: {} {} minutes",
        policy.name,
        policy.version,
        target.minutes,
        if target.business_hours {
            "business"
        } else {
            "calendar"
        }
    );
    match existing {
        Some(_) => store.save_clock(clock).await?,
        None => store.insert_clock(clock).await?,
    }
    store.log(ticket.id, metric, "started", detail, now).await
}

/// Applies the first matching policy to a new ticket: first response and resolution start.
pub async fn on_created(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    ticket: &ticket::Model,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let store = SlaStore::new(txn, tenant);
    let Some((policy, targets)) = matching_policy(&store, ticket).await? else {
        return Ok(());
    };
    for metric in ["first_response", "resolution"] {
        start_clock(&store, ticket, &policy, &targets, metric, None, now).await?;
    }
    Ok(())
}

/// Follows a ticket change: pauses and resumes with the status, stops resolution when
/// solved (resumes it when reopened), stops everything when final, and re-matches the
/// policy when priority or type changed.
pub async fn on_changed(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    before: &ticket::Model,
    after: &ticket::Model,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let rematch = before.priority != after.priority
        || before.kind != after.kind
        || before.customer_id != after.customer_id;
    follow(&SlaStore::new(txn, tenant), before, after, now, rematch).await
}

/// Re-matches the policy of a ticket whose customer's tier or service level changed.
pub async fn rematch(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    ticket: &ticket::Model,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    follow(&SlaStore::new(txn, tenant), ticket, ticket, now, true).await
}

async fn follow(
    store: &SlaStore<'_, DatabaseTransaction>,
    before: &ticket::Model,
    after: &ticket::Model,
    now: DateTime<Utc>,
    rematch: bool,
) -> Result<(), DbErr> {
    let policy = if rematch {
        matching_policy(store, after).await?
    } else {
        None
    };
    for mut clock in store.clocks(after.id).await? {
        let calendar = clock_calendar(store, &clock).await?;
        let pause_statuses: Vec<String> = match store.policy(clock.policy_id).await? {
            Some(p) => decode_list(&p.pause_statuses),
            None => vec!["pending".into(), "on_hold".into()],
        };
        let was_paused = pause_statuses.contains(&before.status);
        let is_paused = pause_statuses.contains(&after.status);
        let mut pauses: Vec<Pause> = decode_list(&clock.pauses);
        let metric = clock.metric.clone();
        let running = clock.stopped_at.is_none();
        if !is_paused && pauses.iter().any(|p| p.until.is_none()) {
            for pause in pauses.iter_mut().filter(|p| p.until.is_none()) {
                pause.until = Some(now);
            }
            if running {
                store
                    .log(after.id, &metric, "resumed", after.status.clone(), now)
                    .await?;
            }
        }
        if running && is_paused && !was_paused {
            pauses.push(Pause {
                from: now,
                until: None,
            });
            store
                .log(after.id, &metric, "paused", after.status.clone(), now)
                .await?;
        }
        if metric == "resolution" && before.status == "solved" && after.status == "open" {
            // The time it spent solved does not count against the target.
            if let Some(solved_at) = clock.stopped_at.take() {
                pauses.push(Pause {
                    from: solved_at,
                    until: Some(now),
                });
                store
                    .log(after.id, &metric, "resumed", "reopened".into(), now)
                    .await?;
            }
        }
        clock.pauses = encode_list(&pauses);
        // Solving answers the customer: every running clock is met (a reopen resumes
        // only the resolution clock; the next customer reply starts a next response).
        let finished = matches!(after.status.as_str(), "solved" | "closed" | "cancelled");
        if finished && clock.stopped_at.is_none() {
            stop(store, &mut clock, &calendar, now).await?;
        }
        if let Some((policy, targets)) = &policy {
            if policy.id != clock.policy_id
                && clock.stopped_at.is_none()
                && clock.breached_at.is_none()
            {
                if let Some(target) = targets.of(&metric) {
                    clock.policy_id = policy.id;
                    clock.policy_version = policy.version;
                    clock.calendar_id = policy.calendar_id;
                    clock.target_minutes = target.minutes;
                    clock.business_hours = target.business_hours;
                    let detail = format!(
                        "policy {} v{}: {} minutes",
                        policy.name, policy.version, target.minutes
                    );
                    store
                        .log(after.id, &metric, "policy_changed", detail, now)
                        .await?;
                }
            }
        }
        let calendar = clock_calendar(store, &clock).await?;
        refresh(&mut clock, &calendar, now);
        store.save_clock(clock).await?;
    }
    Ok(())
}

/// Stops a clock: met, or breached if it ran over.
async fn stop<C: ConnectionTrait>(
    store: &SlaStore<'_, C>,
    clock: &mut ticket_sla::Model,
    calendar: &Calendar,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let pauses: Vec<Pause> = decode_list(&clock.pauses);
    let report = sla::evaluate(
        calendar,
        clock.started_at,
        Duration::minutes(clock.target_minutes),
        &pauses,
        Some(now),
        now,
    );
    clock.stopped_at = Some(now);
    let late = report.breached_at.is_some() || clock.breached_at.is_some();
    let kind = if late { "met_late" } else { "met" };
    let minutes = report.elapsed.num_minutes();
    store
        .log(
            clock.ticket_id,
            &clock.metric,
            kind,
            format!("after {minutes} minutes"),
            now,
        )
        .await
}

/// Follows a reply: a public staff reply meets first and next response; a customer's
/// public reply starts the next-response clock.
pub async fn on_replied(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    ticket: &ticket::Model,
    staff: bool,
    public: bool,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if !public {
        return Ok(());
    }
    let store = SlaStore::new(txn, tenant);
    let clocks = store.clocks(ticket.id).await?;
    if staff {
        for mut clock in clocks {
            let responds = clock.metric == "first_response" || clock.metric == "next_response";
            if responds && clock.stopped_at.is_none() {
                let calendar = clock_calendar(&store, &clock).await?;
                stop(&store, &mut clock, &calendar, now).await?;
                store.save_clock(clock).await?;
            }
        }
        return Ok(());
    }
    let existing = clocks.into_iter().find(|c| c.metric == "next_response");
    if existing.as_ref().is_some_and(|c| c.stopped_at.is_none()) {
        return Ok(());
    }
    if let Some((policy, targets)) = matching_policy(&store, ticket).await? {
        start_clock(
            &store,
            ticket,
            &policy,
            &targets,
            "next_response",
            existing,
            now,
        )
        .await?;
    }
    Ok(())
}

/// Checks one open clock against `now`: emits at-risk and breach once each, and
/// escalates on a breach; returns how many events it emitted.
pub async fn check_clock(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<usize, ApiError> {
    let store = SlaStore::new(txn, tenant);
    let Some(mut clock) = store.clock(id).await? else {
        return Ok(0);
    };
    if clock.stopped_at.is_some() || clock.breached_at.is_some() {
        return Ok(0);
    }
    let Some(ticket) = TicketStore::new(txn, tenant)
        .get(TicketId::from(clock.ticket_id))
        .await?
    else {
        return Ok(0);
    };
    let calendar = clock_calendar(&store, &clock).await?;
    let pauses: Vec<Pause> = decode_list(&clock.pauses);
    let target = Duration::minutes(clock.target_minutes);
    let report = sla::evaluate(&calendar, clock.started_at, target, &pauses, None, now);
    let mut fired = 0;
    let mut escalation = None;
    let data = |due_at: DateTime<Utc>, clock: &ticket_sla::Model| TicketSlaData {
        ticket: ticket_data(&ticket),
        metric: clock.metric.clone(),
        target_minutes: clock.target_minutes,
        business_hours: clock.business_hours,
        policy_id: clock.policy_id,
        policy_version: clock.policy_version,
        due_at,
    };
    if let Some(breached_at) = report.breached_at {
        clock.breached_at = Some(breached_at);
        store
            .log(
                ticket.id,
                &clock.metric,
                "breached",
                format!("due {}", breached_at.to_rfc3339()),
                now,
            )
            .await?;
        emit(
            txn,
            tenant.uuid(),
            None,
            TicketSlaBreached(data(breached_at, &clock)),
        )
        .await?;
        fired += 1;
        escalation = Some("breached");
    } else if clock.at_risk_sent_at.is_none() && clock.at_risk_at.is_some_and(|at| at <= now) {
        clock.at_risk_sent_at = Some(now);
        let due = report.due_at.unwrap_or(now);
        store
            .log(
                ticket.id,
                &clock.metric,
                "at_risk",
                format!("due {}", due.to_rfc3339()),
                now,
            )
            .await?;
        emit(txn, tenant.uuid(), None, TicketSlaAtRisk(data(due, &clock))).await?;
        fired += 1;
        escalation = Some("at_risk");
    } else {
        refresh(&mut clock, &calendar, now);
    }
    let metric = clock.metric.clone();
    store.save_clock(clock).await?;
    if let Some(trigger) = escalation {
        crate::app::escalation::escalate(txn, tenant, ticket, trigger, &metric, now).await?;
    }
    Ok(fired)
}
