//! SLA clocks: the open time a ticket has spent on one metric (first response, next
//! response, resolution) over a business calendar, with pauses stopping the clock.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::calendar::Calendar;

/// A period during which the clock is stopped, e.g. while waiting on the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    /// When the pause began.
    pub from: DateTime<Utc>,
    /// When it ended; `None` while still paused.
    pub until: Option<DateTime<Utc>>,
}

impl Pause {
    /// Whether the pause is in force at `at`.
    pub fn is_open_at(&self, at: DateTime<Utc>) -> bool {
        self.from <= at && self.until.is_none_or(|until| until > at)
    }
}

/// Where a clock stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockState {
    /// Counting, target not yet exceeded.
    Running,
    /// Stopped by an open pause, target not yet exceeded.
    Paused,
    /// Fulfilled within the target.
    Met,
    /// The target was exceeded, whether or not the metric has since been fulfilled.
    Breached,
}

/// A clock evaluated at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockReport {
    /// Open, un-paused time counted so far.
    pub elapsed: Duration,
    /// Target minus elapsed; negative once breached.
    pub remaining: Duration,
    /// When the clock reaches (or reached) its target; `None` while paused short of it.
    pub due_at: Option<DateTime<Utc>>,
    /// The instant elapsed time reached the target, when it has since exceeded it.
    pub breached_at: Option<DateTime<Utc>>,
    /// Summary state.
    pub state: ClockState,
}

/// Open time between `started` and `now`, less the open time covered by `pauses`.
pub fn elapsed(
    calendar: &Calendar,
    started: DateTime<Utc>,
    now: DateTime<Utc>,
    pauses: &[Pause],
) -> Duration {
    let paused = merged_pauses(started, now, pauses)
        .into_iter()
        .fold(Duration::zero(), |total, (from, until)| {
            total + calendar.business_time_between(from, until)
        });
    calendar.business_time_between(started, now) - paused
}

/// When the clock reaches `target` given the pauses so far.
///
/// Already reached: the exact past instant. Otherwise `None` while a pause is open at
/// `now`, else `now` plus the remaining open time (pauses that start after `now` are
/// not foreseen).
pub fn due_at(
    calendar: &Calendar,
    started: DateTime<Utc>,
    target: Duration,
    pauses: &[Pause],
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let so_far = elapsed(calendar, started, now, pauses);
    if so_far >= target {
        return reached_at(calendar, started, target, pauses, now);
    }
    if pauses.iter().any(|pause| pause.is_open_at(now)) {
        return None;
    }
    calendar.add_business_time(now.max(started), target - so_far)
}

/// When the clock reaches `threshold` (e.g. 0.8) of `target`, as [`due_at`] does.
pub fn at_risk_at(
    calendar: &Calendar,
    started: DateTime<Utc>,
    target: Duration,
    threshold: f64,
    pauses: &[Pause],
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    due_at(calendar, started, scale(target, threshold), pauses, now)
}

/// The clock at `stopped_at` when the metric was fulfilled, else at `now`.
///
/// Reaching the target exactly is still within it; only exceeding it is a breach.
pub fn evaluate(
    calendar: &Calendar,
    started: DateTime<Utc>,
    target: Duration,
    pauses: &[Pause],
    stopped_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> ClockReport {
    let at = stopped_at.unwrap_or(now);
    let elapsed = elapsed(calendar, started, at, pauses);
    let breached_at = if elapsed > target {
        reached_at(calendar, started, target, pauses, at)
    } else {
        None
    };
    let state = if elapsed > target {
        ClockState::Breached
    } else if stopped_at.is_some() {
        ClockState::Met
    } else if pauses.iter().any(|pause| pause.is_open_at(at)) {
        ClockState::Paused
    } else {
        ClockState::Running
    };
    ClockReport {
        elapsed,
        remaining: target.checked_sub(&elapsed).unwrap_or(Duration::MIN),
        due_at: due_at(calendar, started, target, pauses, at),
        breached_at,
        state,
    }
}

/// The earliest instant in `[started, now]` at which elapsed time reached `target`.
fn reached_at(
    calendar: &Calendar,
    started: DateTime<Utc>,
    target: Duration,
    pauses: &[Pause],
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    if target <= Duration::zero() {
        return Some(started);
    }
    let mut so_far = Duration::zero();
    for (from, until) in running_periods(started, now, pauses) {
        let needed = target - so_far;
        let open = calendar.business_time_between(from, until);
        // Within an un-paused period elapsed time is plain business time, so the
        // calendar can find the exact instant.
        if open >= needed {
            return calendar.add_business_time(from, needed);
        }
        so_far += open;
    }
    None
}

/// The pauses clipped to `[started, now)`, sorted, with overlaps merged so each instant
/// is paused at most once.
fn merged_pauses(
    started: DateTime<Utc>,
    now: DateTime<Utc>,
    pauses: &[Pause],
) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let mut clipped: Vec<_> = pauses
        .iter()
        .filter_map(|pause| {
            let from = pause.from.max(started);
            let until = pause.until.map_or(now, |until| until.min(now));
            (from < until).then_some((from, until))
        })
        .collect();
    clipped.sort();
    let mut merged: Vec<(DateTime<Utc>, DateTime<Utc>)> = Vec::with_capacity(clipped.len());
    for (from, until) in clipped {
        match merged.last_mut() {
            Some(last) if from <= last.1 => last.1 = last.1.max(until),
            _ => merged.push((from, until)),
        }
    }
    merged
}

/// The parts of `[started, now)` not covered by any pause, in order.
fn running_periods(
    started: DateTime<Utc>,
    now: DateTime<Utc>,
    pauses: &[Pause],
) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let mut periods = Vec::new();
    let mut from = started;
    for (pause_from, pause_until) in merged_pauses(started, now, pauses) {
        if from < pause_from {
            periods.push((from, pause_from));
        }
        from = pause_until;
    }
    if from < now {
        periods.push((from, now));
    }
    periods
}

/// `target * factor`, to the millisecond.
fn scale(target: Duration, factor: f64) -> Duration {
    // The float-to-int cast saturates (NaN becomes 0); -i64::MAX is chrono's lower bound.
    let millis = (target.num_milliseconds() as f64 * factor).round() as i64;
    Duration::try_milliseconds(millis.max(-i64::MAX)).unwrap_or(Duration::zero())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::super::calendar::OpeningHours;
    use super::*;
    use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
    use chrono_tz::Tz;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    const PARIS: Tz = chrono_tz::Europe::Paris;

    fn hours(start: &str, end: &str) -> OpeningHours {
        OpeningHours {
            start: NaiveTime::parse_from_str(start, "%H:%M").unwrap(),
            end: NaiveTime::parse_from_str(end, "%H:%M").unwrap(),
        }
    }

    /// Mon–Fri 09:00–18:00 in `time_zone`, no holidays.
    fn office(time_zone: Tz) -> Calendar {
        let day = vec![hours("09:00", "18:00")];
        let mut weekly: [Vec<OpeningHours>; 7] = Default::default();
        for weekday in weekly.iter_mut().take(5) {
            *weekday = day.clone();
        }
        Calendar {
            time_zone,
            weekly,
            holidays: BTreeSet::new(),
        }
    }

    /// Paris local "YYYY-MM-DD HH:MM" as UTC; 2026-01-12 is a Monday.
    fn at(text: &str) -> DateTime<Utc> {
        let local = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap();
        PARIS
            .from_local_datetime(&local)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    fn pause(from: &str, until: Option<&str>) -> Pause {
        Pause {
            from: at(from),
            until: until.map(at),
        }
    }

    #[test]
    fn pause_in_business_hours_is_not_counted() {
        let pauses = [pause("2026-01-12 11:00", Some("2026-01-12 12:00"))];
        let counted = elapsed(
            &office(PARIS),
            at("2026-01-12 09:00"),
            at("2026-01-12 15:00"),
            &pauses,
        );
        assert_eq!(counted, Duration::hours(5));
    }

    #[test]
    fn pause_over_a_weekend_removes_only_open_time() {
        let pauses = [pause("2026-01-09 16:00", Some("2026-01-12 10:00"))];
        let counted = elapsed(
            &office(PARIS),
            at("2026-01-09 09:00"),
            at("2026-01-12 12:00"),
            &pauses,
        );
        // 12 open hours, of which 2 on Friday and 1 on Monday were paused.
        assert_eq!(counted, Duration::hours(9));
    }

    #[test]
    fn overlapping_pauses_count_once() {
        let pauses = [
            pause("2026-01-12 11:00", Some("2026-01-12 13:00")),
            pause("2026-01-12 10:00", Some("2026-01-12 12:00")),
            pause("2026-01-12 10:30", Some("2026-01-12 11:30")),
        ];
        let counted = elapsed(
            &office(PARIS),
            at("2026-01-12 09:00"),
            at("2026-01-12 15:00"),
            &pauses,
        );
        assert_eq!(counted, Duration::hours(3));
    }

    #[test]
    fn pauses_are_clipped_to_the_clock() {
        let pauses = [
            pause("2026-01-09 09:00", Some("2026-01-12 10:00")),
            pause("2026-01-12 14:00", None),
        ];
        let counted = elapsed(
            &office(PARIS),
            at("2026-01-12 09:00"),
            at("2026-01-12 15:00"),
            &pauses,
        );
        assert_eq!(counted, Duration::hours(4));
    }

    #[test]
    fn open_pause_stops_the_clock() {
        let calendar = office(PARIS);
        let started = at("2026-01-12 09:00");
        let now = at("2026-01-12 12:00");
        let pauses = [pause("2026-01-12 11:00", None)];
        assert_eq!(
            due_at(&calendar, started, Duration::hours(4), &pauses, now),
            None
        );
        let report = evaluate(&calendar, started, Duration::hours(4), &pauses, None, now);
        assert_eq!(report.state, ClockState::Paused);
        assert_eq!(report.elapsed, Duration::hours(2));
        assert_eq!(report.remaining, Duration::hours(2));
        assert_eq!(report.due_at, None);
        assert_eq!(report.breached_at, None);
    }

    #[test]
    fn due_time_resumes_after_a_closed_pause() {
        let pauses = [pause("2026-01-12 10:00", Some("2026-01-12 12:00"))];
        let due = due_at(
            &office(PARIS),
            at("2026-01-12 09:00"),
            Duration::hours(4),
            &pauses,
            at("2026-01-12 12:00"),
        );
        assert_eq!(due, Some(at("2026-01-12 15:00")));
    }

    #[test]
    fn breach_is_reported_at_the_exact_instant() {
        let calendar = office(PARIS);
        let started = at("2026-01-12 09:00");
        let now = at("2026-01-13 12:00");
        let pauses = [pause("2026-01-12 10:00", Some("2026-01-12 11:00"))];
        let report = evaluate(&calendar, started, Duration::hours(4), &pauses, None, now);
        assert_eq!(report.state, ClockState::Breached);
        assert_eq!(report.breached_at, Some(at("2026-01-12 14:00")));
        assert_eq!(report.due_at, Some(at("2026-01-12 14:00")));
        assert_eq!(report.elapsed, Duration::hours(11));
        assert_eq!(report.remaining, Duration::hours(-7));
    }

    #[test]
    fn breach_before_the_reply_stays_a_breach() {
        let report = evaluate(
            &office(PARIS),
            at("2026-01-09 17:00"),
            Duration::hours(2),
            &[],
            Some(at("2026-01-12 10:30")),
            at("2026-01-14 10:00"),
        );
        assert_eq!(report.state, ClockState::Breached);
        assert_eq!(report.breached_at, Some(at("2026-01-12 10:00")));
        assert_eq!(report.elapsed, Duration::minutes(150));
    }

    #[test]
    fn reply_before_target_is_met() {
        let calendar = office(PARIS);
        let started = at("2026-01-12 09:00");
        let report = evaluate(
            &calendar,
            started,
            Duration::hours(4),
            &[],
            Some(at("2026-01-12 12:00")),
            at("2026-01-13 12:00"),
        );
        assert_eq!(report.state, ClockState::Met);
        assert_eq!(report.elapsed, Duration::hours(3));
        assert_eq!(report.remaining, Duration::hours(1));
        assert_eq!(report.breached_at, None);
        assert_eq!(report.due_at, Some(at("2026-01-12 13:00")));

        let exactly = evaluate(
            &calendar,
            started,
            Duration::hours(4),
            &[],
            Some(at("2026-01-12 13:00")),
            at("2026-01-13 12:00"),
        );
        assert_eq!(exactly.state, ClockState::Met);
    }

    #[test]
    fn running_clock_reports_its_due_time() {
        let report = evaluate(
            &office(PARIS),
            at("2026-01-09 17:30"),
            Duration::hours(8),
            &[],
            None,
            at("2026-01-10 12:00"),
        );
        assert_eq!(report.state, ClockState::Running);
        assert_eq!(report.due_at, Some(at("2026-01-12 16:30")));
        assert_eq!(report.remaining, Duration::minutes(450));
    }

    #[test]
    fn at_risk_at_eighty_percent() {
        let calendar = office(PARIS);
        let started = at("2026-01-12 09:00");
        let target = Duration::hours(10);
        assert_eq!(
            at_risk_at(&calendar, started, target, 0.8, &[], started),
            Some(at("2026-01-12 17:00"))
        );
        assert_eq!(
            due_at(&calendar, started, target, &[], started),
            Some(at("2026-01-13 10:00"))
        );
        // Past the threshold already: the instant it was crossed.
        assert_eq!(
            at_risk_at(&calendar, started, target, 0.8, &[], at("2026-01-13 09:30")),
            Some(at("2026-01-12 17:00"))
        );
    }

    // ---- property tests ----

    const ZONES: [Tz; 4] = [
        chrono_tz::Europe::Paris,
        chrono_tz::America::New_York,
        chrono_tz::Asia::Shanghai,
        chrono_tz::Australia::Lord_Howe,
    ];

    fn arb_calendar() -> impl Strategy<Value = Calendar> {
        (
            prop::sample::select(ZONES.to_vec()),
            0..3,
            prop::collection::btree_set(0u32..365, 0..20),
        )
            .prop_map(|(time_zone, kind, holidays)| {
                let mut calendar = match kind {
                    0 => Calendar::always(time_zone),
                    1 => office(time_zone),
                    _ => {
                        let mut split = office(time_zone);
                        split.weekly[0] = vec![hours("09:00", "12:00"), hours("13:00", "18:00")];
                        split.weekly[6] = vec![hours("22:00", "00:00")];
                        split
                    }
                };
                calendar.holidays = holidays
                    .into_iter()
                    .map(|ordinal| NaiveDate::from_yo_opt(2026, ordinal + 1).unwrap())
                    .collect();
                calendar
            })
    }

    /// Instants within 2026, to the second.
    fn arb_instant() -> impl Strategy<Value = DateTime<Utc>> {
        (0i64..365 * 86_400)
            .prop_map(|offset| DateTime::from_timestamp(1_767_225_600 + offset, 0).unwrap())
    }

    fn arb_pause() -> impl Strategy<Value = Pause> {
        (arb_instant(), 1i64..72 * 3_600, any::<bool>()).prop_map(|(from, seconds, open)| Pause {
            from,
            until: (!open).then(|| from + Duration::seconds(seconds)),
        })
    }

    /// Closed pauses, which a projected due time can rely on.
    fn arb_closed_pauses() -> impl Strategy<Value = Vec<Pause>> {
        prop::collection::vec(arb_pause(), 0..5).prop_map(|pauses| {
            pauses
                .into_iter()
                .map(|pause| Pause {
                    until: pause.until.or(Some(pause.from + Duration::hours(1))),
                    ..pause
                })
                .collect()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn elapsed_without_pauses_is_business_time(
            calendar in arb_calendar(),
            started in arb_instant(),
            now in arb_instant(),
        ) {
            prop_assert_eq!(
                elapsed(&calendar, started, now, &[]),
                calendar.business_time_between(started, now)
            );
        }

        #[test]
        fn a_pause_never_adds_time(
            calendar in arb_calendar(),
            started in arb_instant(),
            now in arb_instant(),
            pauses in prop::collection::vec(arb_pause(), 0..5),
            extra in arb_pause(),
        ) {
            let before = elapsed(&calendar, started, now, &pauses);
            let mut more = pauses.clone();
            more.push(extra);
            prop_assert!(elapsed(&calendar, started, now, &more) <= before);
            prop_assert!(before >= Duration::zero());
        }

        #[test]
        fn due_time_is_when_elapsed_reaches_the_target(
            calendar in arb_calendar(),
            started in arb_instant(),
            now in arb_instant(),
            target in (1i64..=200 * 3_600).prop_map(Duration::seconds),
            pauses in arb_closed_pauses(),
        ) {
            let last_pause = pauses.iter().filter_map(|pause| pause.until).max();
            prop_assume!(last_pause.is_none_or(|until| until <= now));
            let due = due_at(&calendar, started, target, &pauses, now).unwrap();
            prop_assert_eq!(elapsed(&calendar, started, due, &pauses), target);
            // Nothing earlier reaches it: one second before, the clock is short.
            let earlier = due - Duration::seconds(1);
            prop_assert!(elapsed(&calendar, started, earlier, &pauses) < target);
        }

        #[test]
        fn report_is_consistent(
            calendar in arb_calendar(),
            started in arb_instant(),
            now in arb_instant(),
            target in (1i64..=200 * 3_600).prop_map(Duration::seconds),
            pauses in prop::collection::vec(arb_pause(), 0..5),
        ) {
            let report = evaluate(&calendar, started, target, &pauses, None, now);
            prop_assert_eq!(report.elapsed + report.remaining, target);
            prop_assert_eq!(report.breached_at.is_some(), report.state == ClockState::Breached);
            if let Some(breached_at) = report.breached_at {
                prop_assert!(started <= breached_at && breached_at <= now);
                prop_assert_eq!(elapsed(&calendar, started, breached_at, &pauses), target);
            }
        }
    }
}
