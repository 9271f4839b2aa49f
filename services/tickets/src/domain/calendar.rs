//! Business-hours calendars: weekly local opening hours plus holidays in one time zone,
//! and the arithmetic SLA clocks need (is it open, add open time, open time between).
//!
//! Opening hours are local wall-clock times, so each local day is turned into UTC spans
//! on its own: a local time inside a spring-forward gap maps to the first instant after
//! the gap, an ambiguous fall-back time maps to the earlier instant. Business time is the
//! real time elapsed inside those spans, so a 00:00–24:00 day can last 23 or 25 hours.

use std::collections::BTreeSet;
use std::fmt;

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc,
};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// Days scanned without any open time before deciding the calendar is never open.
const MAX_CLOSED_DAYS: u32 = 3 * 366;

/// Hard cap on days scanned by one search, so absurd amounts cannot run for ever.
const MAX_SCAN_DAYS: u32 = 100 * 366;

/// One local wall-clock opening interval `[start, end)`; an `end` of 00:00 means midnight
/// at the end of the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpeningHours {
    /// Local time the interval opens.
    pub start: NaiveTime,
    /// Local time the interval closes (exclusive); 00:00 means end of day.
    pub end: NaiveTime,
}

/// A business-hours calendar in one IANA time zone.
#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    /// Zone the opening hours and holidays are expressed in.
    pub time_zone: Tz,
    /// Opening hours per weekday, index 0 = Monday; sorted and non-overlapping.
    pub weekly: [Vec<OpeningHours>; 7],
    /// Local dates on which the calendar is closed all day.
    pub holidays: BTreeSet<NaiveDate>,
}

/// What is wrong with a calendar, with a field path such as `weekly[2][1]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CalendarError {
    /// The interval starts at or after its end.
    EmptyInterval {
        /// Field path of the interval.
        path: String,
    },
    /// The interval starts before the previous interval of the same day.
    Unsorted {
        /// Field path of the interval.
        path: String,
    },
    /// The interval starts before the previous interval of the same day ends.
    Overlapping {
        /// Field path of the interval.
        path: String,
    },
}

impl CalendarError {
    /// Field path of the offending interval, e.g. `weekly[2][1]`.
    pub fn path(&self) -> &str {
        match self {
            Self::EmptyInterval { path } | Self::Unsorted { path } | Self::Overlapping { path } => {
                path
            }
        }
    }

    /// Human-readable explanation, without the path.
    pub fn message(&self) -> &'static str {
        match self {
            Self::EmptyInterval { .. } => {
                "start must be before end (an end of 00:00 means end of day)"
            }
            Self::Unsorted { .. } => "intervals must be sorted by start time",
            Self::Overlapping { .. } => "interval overlaps the previous interval",
        }
    }
}

impl fmt::Display for CalendarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path(), self.message())
    }
}

impl std::error::Error for CalendarError {}

/// A UTC span `[start, end)` of open time.
type Span = (DateTime<Utc>, DateTime<Utc>);

impl OpeningHours {
    /// Start and end as offsets from local midnight, with a 00:00 end as 24 h.
    fn local_bounds(&self) -> (Duration, Duration) {
        let start = self.start - NaiveTime::MIN;
        let end = if self.end == NaiveTime::MIN {
            Duration::days(1)
        } else {
            self.end - NaiveTime::MIN
        };
        (start, end)
    }
}

impl Calendar {
    /// A calendar open 24/7, as used by "calendar hours" SLA targets.
    pub fn always(time_zone: Tz) -> Self {
        let all_day = vec![OpeningHours {
            start: NaiveTime::MIN,
            end: NaiveTime::MIN,
        }];
        Self {
            time_zone,
            weekly: std::array::from_fn(|_| all_day.clone()),
            holidays: BTreeSet::new(),
        }
    }

    /// Checks every day's intervals are non-empty, sorted and non-overlapping.
    pub fn validate(&self) -> Result<(), CalendarError> {
        for (day, hours) in self.weekly.iter().enumerate() {
            let mut previous: Option<(Duration, Duration)> = None;
            for (index, interval) in hours.iter().enumerate() {
                let path = format!("weekly[{day}][{index}]");
                let (start, end) = interval.local_bounds();
                if start >= end {
                    return Err(CalendarError::EmptyInterval { path });
                }
                if let Some((previous_start, previous_end)) = previous {
                    if start < previous_start {
                        return Err(CalendarError::Unsorted { path });
                    }
                    if start < previous_end {
                        return Err(CalendarError::Overlapping { path });
                    }
                }
                previous = Some((start, end));
            }
        }
        Ok(())
    }

    /// Whether the calendar is open at `at`.
    pub fn is_open(&self, at: DateTime<Utc>) -> bool {
        let date = self.local_date(at);
        // A span belongs to the local day it starts on, which near DST changes at
        // midnight can be the day before `at`'s local date.
        [date.pred_opt(), Some(date)]
            .into_iter()
            .flatten()
            .flat_map(|day| self.spans_on(day))
            .any(|(start, end)| start <= at && at < end)
    }

    /// The earliest instant by which `amount` of open time has elapsed since `start`.
    ///
    /// Counting starts at the next opening when `start` is outside hours. A zero or
    /// negative `amount` returns `start` itself, even when closed, because no open time
    /// has to elapse. `None` when the calendar has no open time for years on end.
    pub fn add_business_time(
        &self,
        start: DateTime<Utc>,
        amount: Duration,
    ) -> Option<DateTime<Utc>> {
        if amount <= Duration::zero() {
            return Some(start);
        }
        let mut remaining = amount;
        let mut date = self.first_date(start);
        let mut closed_days = 0;
        for _ in 0..MAX_SCAN_DAYS {
            let spans = self.spans_on(date);
            closed_days = if spans.is_empty() { closed_days + 1 } else { 0 };
            if closed_days > MAX_CLOSED_DAYS {
                return None;
            }
            for (span_start, span_end) in spans {
                let from = span_start.max(start);
                if span_end <= from {
                    continue;
                }
                let open = span_end - from;
                if remaining <= open {
                    return from.checked_add_signed(remaining);
                }
                remaining -= open;
            }
            date = date.succ_opt()?;
        }
        None
    }

    /// Open time within `[from, to)`; zero when `to <= from`.
    pub fn business_time_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        let mut total = Duration::zero();
        if to <= from {
            return total;
        }
        let last = self.local_date(to);
        let mut date = self.first_date(from);
        while date <= last {
            for (span_start, span_end) in self.spans_on(date) {
                let overlap = span_end.min(to) - span_start.max(from);
                if overlap > Duration::zero() {
                    total += overlap;
                }
            }
            match date.succ_opt() {
                Some(next) => date = next,
                None => break,
            }
        }
        total
    }

    /// The local date of `at` in the calendar's zone.
    fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.time_zone).date_naive()
    }

    /// The first local day whose spans can reach `at` (see `is_open`).
    fn first_date(&self, at: DateTime<Utc>) -> NaiveDate {
        let date = self.local_date(at);
        date.pred_opt().unwrap_or(date)
    }

    /// The open UTC spans of one local day, sorted and merged.
    fn spans_on(&self, date: NaiveDate) -> Vec<Span> {
        if self.holidays.contains(&date) {
            return Vec::new();
        }
        let weekday = date.weekday().num_days_from_monday() as usize;
        let Some(hours) = self.weekly.get(weekday) else {
            return Vec::new();
        };
        let mut spans: Vec<Span> = hours
            .iter()
            .filter_map(|interval| {
                let start = self.to_utc(date.and_time(interval.start))?;
                let end_date = if interval.end == NaiveTime::MIN {
                    date.succ_opt()?
                } else {
                    date
                };
                let end = self.to_utc(end_date.and_time(interval.end))?;
                (start < end).then_some((start, end))
            })
            .collect();
        // Sorting and merging keeps an unvalidated calendar from counting time twice.
        spans.sort();
        let mut merged: Vec<Span> = Vec::with_capacity(spans.len());
        for (start, end) in spans {
            match merged.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => merged.push((start, end)),
            }
        }
        merged
    }

    /// The UTC instant of a local wall-clock time, resolving DST gaps and overlaps.
    fn to_utc(&self, local: NaiveDateTime) -> Option<DateTime<Utc>> {
        match self.time_zone.from_local_datetime(&local) {
            LocalResult::Single(at) => Some(at.with_timezone(&Utc)),
            LocalResult::Ambiguous(earlier, later) => Some(earlier.min(later).with_timezone(&Utc)),
            LocalResult::None => self.end_of_gap(local),
        }
    }

    /// The first instant whose local time is past `local`, a time skipped by a DST gap.
    fn end_of_gap(&self, local: NaiveDateTime) -> Option<DateTime<Utc>> {
        // UTC offsets stay within ±14 h, so the transition lies within a day of `local`
        // read as UTC; tz data changes offsets on whole seconds, so bisect seconds.
        let around = local.and_utc().timestamp();
        let past = |second: i64| {
            DateTime::from_timestamp(second, 0)
                .map(|at| at.with_timezone(&self.time_zone).naive_local() > local)
        };
        let (mut before, mut after) = (around - 86_400, around + 86_400);
        if past(before)? || !past(after)? {
            return None;
        }
        while after - before > 1 {
            let middle = before + (after - before) / 2;
            if past(middle)? {
                after = middle;
            } else {
                before = middle;
            }
        }
        DateTime::from_timestamp(after, 0)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use chrono::Weekday;
    use chrono_tz::Tz;
    use proptest::prelude::*;

    fn time(text: &str) -> NaiveTime {
        NaiveTime::parse_from_str(text, "%H:%M").unwrap()
    }

    fn hours(start: &str, end: &str) -> OpeningHours {
        OpeningHours {
            start: time(start),
            end: time(end),
        }
    }

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    /// Mon–Fri 09:00–18:00 in `time_zone`, no holidays.
    fn office(time_zone: Tz) -> Calendar {
        let day = vec![hours("09:00", "18:00")];
        Calendar {
            time_zone,
            weekly: [
                day.clone(),
                day.clone(),
                day.clone(),
                day.clone(),
                day,
                Vec::new(),
                Vec::new(),
            ],
            holidays: BTreeSet::new(),
        }
    }

    fn with_holidays(mut calendar: Calendar, days: &[&str]) -> Calendar {
        calendar.holidays.extend(days.iter().map(|day| date(day)));
        calendar
    }

    /// The UTC instant of a local "YYYY-MM-DD HH:MM" that exists exactly once.
    fn at(time_zone: Tz, text: &str) -> DateTime<Utc> {
        let local = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap();
        time_zone
            .from_local_datetime(&local)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    fn local(time_zone: Tz, instant: DateTime<Utc>) -> String {
        instant
            .with_timezone(&time_zone)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    }

    fn add(calendar: &Calendar, start: &str, amount: Duration) -> String {
        let tz = calendar.time_zone;
        local(
            tz,
            calendar.add_business_time(at(tz, start), amount).unwrap(),
        )
    }

    #[test]
    fn friday_evening_ticket_with_monday_holiday_is_due_tuesday_afternoon() {
        for tz in [chrono_tz::Europe::Paris, chrono_tz::Asia::Shanghai] {
            let calendar = with_holidays(office(tz), &["2026-01-12"]);
            assert_eq!(date("2026-01-09").weekday(), Weekday::Fri);
            assert_eq!(
                add(&calendar, "2026-01-09 17:30", Duration::hours(8)),
                "2026-01-13 16:30",
                "{tz}"
            );
        }
    }

    #[test]
    fn start_before_opening_counts_from_opening() {
        let calendar = office(chrono_tz::Europe::Paris);
        assert_eq!(
            add(&calendar, "2026-01-12 07:00", Duration::hours(1)),
            "2026-01-12 10:00"
        );
    }

    #[test]
    fn start_on_saturday_counts_from_monday() {
        let calendar = office(chrono_tz::Europe::Paris);
        assert_eq!(
            add(&calendar, "2026-01-10 10:00", Duration::hours(2)),
            "2026-01-12 11:00"
        );
    }

    #[test]
    fn start_exactly_at_closing_counts_from_next_morning() {
        let tz = chrono_tz::Europe::Paris;
        let calendar = office(tz);
        assert!(!calendar.is_open(at(tz, "2026-01-12 18:00")));
        assert!(calendar.is_open(at(tz, "2026-01-12 09:00")));
        assert!(calendar.is_open(at(tz, "2026-01-12 17:59")));
        assert_eq!(
            add(&calendar, "2026-01-12 18:00", Duration::hours(1)),
            "2026-01-13 10:00"
        );
    }

    #[test]
    fn amount_landing_on_closing_time_returns_closing_time() {
        let calendar = office(chrono_tz::Europe::Paris);
        assert_eq!(
            add(&calendar, "2026-01-12 09:00", Duration::hours(9)),
            "2026-01-12 18:00"
        );
    }

    #[test]
    fn target_spanning_a_week_and_a_weekend() {
        let tz = chrono_tz::Europe::Paris;
        let calendar = office(tz);
        assert_eq!(
            add(&calendar, "2026-01-12 09:00", Duration::hours(50)),
            "2026-01-19 14:00"
        );
        let week =
            calendar.business_time_between(at(tz, "2026-01-12 00:00"), at(tz, "2026-01-19 00:00"));
        assert_eq!(week, Duration::hours(45));
    }

    #[test]
    fn two_consecutive_holidays_are_skipped() {
        let calendar = with_holidays(
            office(chrono_tz::Europe::Paris),
            &["2026-12-24", "2026-12-25"],
        );
        assert_eq!(
            add(&calendar, "2026-12-23 17:00", Duration::hours(2)),
            "2026-12-28 10:00"
        );
    }

    #[test]
    fn holiday_on_a_friday_is_skipped() {
        let calendar = with_holidays(office(chrono_tz::America::New_York), &["2026-07-03"]);
        assert_eq!(
            add(&calendar, "2026-07-02 17:00", Duration::hours(2)),
            "2026-07-06 10:00"
        );
    }

    #[test]
    fn split_day_skips_the_lunch_break() {
        let mut calendar = office(chrono_tz::Europe::Paris);
        calendar.weekly[0] = vec![hours("09:00", "12:00"), hours("13:00", "18:00")];
        assert_eq!(
            add(&calendar, "2026-01-12 11:00", Duration::hours(2)),
            "2026-01-12 14:00"
        );
        let tz = calendar.time_zone;
        assert!(!calendar.is_open(at(tz, "2026-01-12 12:30")));
    }

    #[test]
    fn sunday_shift_is_counted() {
        let mut calendar = office(chrono_tz::Europe::Paris);
        calendar.weekly[6] = vec![hours("10:00", "14:00")];
        assert_eq!(
            add(&calendar, "2026-01-10 12:00", Duration::hours(5)),
            "2026-01-12 10:00"
        );
    }

    #[test]
    fn calendar_hours_are_plain_addition() {
        let calendar = Calendar::always(chrono_tz::Europe::Paris);
        let start = at(chrono_tz::Europe::Paris, "2026-01-09 17:30");
        for amount in [
            Duration::minutes(1),
            Duration::hours(8),
            Duration::hours(300),
        ] {
            assert_eq!(
                calendar.add_business_time(start, amount),
                Some(start + amount)
            );
        }
    }

    #[test]
    fn dst_changes_do_not_move_office_hours() {
        // Friday 10:00 + 24 business hours is Tuesday 16:00, with or without a DST
        // change on the Sunday in between.
        let cases = [
            (chrono_tz::Europe::Paris, "2026-03-27", "2026-03-31"),
            (chrono_tz::Europe::Paris, "2026-10-23", "2026-10-27"),
            (chrono_tz::Europe::Paris, "2026-03-20", "2026-03-24"),
            (chrono_tz::America::New_York, "2026-03-06", "2026-03-10"),
            (chrono_tz::America::New_York, "2026-10-30", "2026-11-03"),
            (chrono_tz::America::New_York, "2026-02-27", "2026-03-03"),
        ];
        for (tz, friday, tuesday) in cases {
            let calendar = office(tz);
            assert_eq!(
                add(&calendar, &format!("{friday} 10:00"), Duration::hours(24)),
                format!("{tuesday} 16:00"),
                "{tz} {friday}"
            );
        }
    }

    #[test]
    fn dst_changes_count_real_time_on_a_24_7_calendar() {
        let cases = [
            (chrono_tz::Europe::Paris, "2026-03-28", "2026-03-29 13:00"),
            (chrono_tz::Europe::Paris, "2026-10-24", "2026-10-25 11:00"),
            (
                chrono_tz::America::New_York,
                "2026-03-07",
                "2026-03-08 13:00",
            ),
            (
                chrono_tz::America::New_York,
                "2026-10-31",
                "2026-11-01 11:00",
            ),
            (
                chrono_tz::Australia::Lord_Howe,
                "2026-10-03",
                "2026-10-04 12:30",
            ),
            (
                chrono_tz::Australia::Lord_Howe,
                "2026-04-04",
                "2026-04-05 11:30",
            ),
        ];
        for (tz, saturday, expected) in cases {
            let calendar = Calendar::always(tz);
            assert_eq!(
                add(&calendar, &format!("{saturday} 12:00"), Duration::hours(24)),
                expected,
                "{tz}"
            );
        }
    }

    #[test]
    fn a_full_day_lasts_23_or_25_hours_across_dst() {
        let tz = chrono_tz::Europe::Paris;
        let calendar = Calendar::always(tz);
        let day = |from: &str, to: &str| {
            calendar.business_time_between(
                at(tz, &format!("{from} 00:00")),
                at(tz, &format!("{to} 00:00")),
            )
        };
        assert_eq!(day("2026-03-29", "2026-03-30"), Duration::hours(23));
        assert_eq!(day("2026-10-25", "2026-10-26"), Duration::hours(25));
        assert_eq!(day("2026-06-14", "2026-06-15"), Duration::hours(24));
    }

    #[test]
    fn gap_times_map_after_the_gap_and_ambiguous_times_to_the_earlier_instant() {
        let tz = chrono_tz::Europe::Paris;
        let mut calendar = office(tz);
        calendar.weekly = Default::default();
        calendar.weekly[6] = vec![hours("02:30", "04:00")];
        let whole = |day: &str| {
            let start = at(tz, &format!("{day} 00:00"));
            calendar.business_time_between(start, start + Duration::days(2))
        };
        // 02:30 does not exist: the span opens at 03:00 CEST.
        assert_eq!(whole("2026-03-29"), Duration::hours(1));
        // 02:30 happens twice: the span opens at the first one, 02:30 CEST.
        assert_eq!(whole("2026-10-25"), Duration::minutes(150));
        assert_eq!(whole("2026-06-14"), Duration::minutes(90));
    }

    #[test]
    fn no_open_hours_gives_none() {
        let tz = chrono_tz::Europe::Paris;
        let mut calendar = office(tz);
        calendar.weekly = Default::default();
        let start = at(tz, "2026-01-12 09:00");
        assert_eq!(calendar.add_business_time(start, Duration::hours(1)), None);
        assert_eq!(
            calendar.add_business_time(start, Duration::zero()),
            Some(start)
        );
        assert!(!calendar.is_open(start));
    }

    #[test]
    fn zero_amount_returns_the_start_even_when_closed() {
        let tz = chrono_tz::Europe::Paris;
        let calendar = office(tz);
        let saturday = at(tz, "2026-01-10 10:00");
        assert_eq!(
            calendar.add_business_time(saturday, Duration::zero()),
            Some(saturday)
        );
    }

    #[test]
    fn midnight_end_means_end_of_day() {
        let tz = chrono_tz::Asia::Shanghai;
        let mut calendar = office(tz);
        calendar.weekly = Default::default();
        calendar.weekly[0] = vec![hours("20:00", "00:00")];
        calendar.validate().unwrap();
        assert_eq!(
            add(&calendar, "2026-01-12 23:00", Duration::hours(2)),
            "2026-01-19 21:00"
        );
        assert!(calendar.is_open(at(tz, "2026-01-12 23:59")));
        assert!(!calendar.is_open(at(tz, "2026-01-13 00:00")));
        let monday =
            calendar.business_time_between(at(tz, "2026-01-12 00:00"), at(tz, "2026-01-13 00:00"));
        assert_eq!(monday, Duration::hours(4));
    }

    #[test]
    fn business_time_between_spans_a_weekend() {
        let tz = chrono_tz::Europe::Paris;
        let calendar = office(tz);
        let between =
            calendar.business_time_between(at(tz, "2026-01-09 12:00"), at(tz, "2026-01-12 12:00"));
        assert_eq!(between, Duration::hours(9));
        let backwards =
            calendar.business_time_between(at(tz, "2026-01-12 12:00"), at(tz, "2026-01-09 12:00"));
        assert_eq!(backwards, Duration::zero());
    }

    #[test]
    fn validate_names_the_bad_interval() {
        let mut calendar = office(chrono_tz::Europe::Paris);
        assert_eq!(calendar.validate(), Ok(()));
        assert_eq!(Calendar::always(chrono_tz::UTC).validate(), Ok(()));

        calendar.weekly[2] = vec![hours("09:00", "12:00"), hours("14:00", "13:00")];
        let error = calendar.validate().unwrap_err();
        assert!(matches!(error, CalendarError::EmptyInterval { .. }));
        assert_eq!(error.path(), "weekly[2][1]");
        assert!(error.to_string().starts_with("weekly[2][1]: "));

        calendar.weekly[2] = vec![hours("09:00", "12:00"), hours("11:00", "13:00")];
        let error = calendar.validate().unwrap_err();
        assert_eq!(
            error,
            CalendarError::Overlapping {
                path: "weekly[2][1]".into()
            }
        );

        calendar.weekly[2] = vec![hours("13:00", "18:00"), hours("09:00", "12:00")];
        let error = calendar.validate().unwrap_err();
        assert_eq!(
            error,
            CalendarError::Unsorted {
                path: "weekly[2][1]".into()
            }
        );

        calendar.weekly[2] = vec![hours("20:00", "00:00"), hours("21:00", "22:00")];
        let error = calendar.validate().unwrap_err();
        assert_eq!(error.path(), "weekly[2][1]");
    }

    // ---- property tests ----

    const ZONES: [Tz; 4] = [
        chrono_tz::Europe::Paris,
        chrono_tz::America::New_York,
        chrono_tz::Asia::Shanghai,
        chrono_tz::Australia::Lord_Howe,
    ];

    /// Plausible days, including spans that straddle DST gaps and overlaps.
    fn day_templates() -> Vec<Vec<OpeningHours>> {
        vec![
            vec![],
            vec![hours("09:00", "18:00")],
            vec![hours("09:00", "12:00"), hours("13:00", "18:00")],
            vec![hours("00:00", "00:00")],
            vec![hours("08:00", "20:00")],
            vec![hours("22:00", "00:00")],
            vec![hours("00:00", "06:00"), hours("18:00", "00:00")],
            vec![hours("01:30", "02:30"), hours("02:45", "05:00")],
        ]
    }

    fn arb_zone() -> impl Strategy<Value = Tz> {
        prop::sample::select(ZONES.to_vec())
    }

    /// Instants within 2026, to the second.
    fn arb_instant() -> impl Strategy<Value = DateTime<Utc>> {
        (0i64..365 * 86_400)
            .prop_map(|offset| DateTime::from_timestamp(1_767_225_600 + offset, 0).unwrap())
    }

    /// Durations from one second to 200 hours.
    fn arb_amount() -> impl Strategy<Value = Duration> {
        (1i64..=200 * 3_600).prop_map(Duration::seconds)
    }

    /// A business calendar with at least one open weekday and up to 30 holidays in 2026.
    fn arb_calendar() -> impl Strategy<Value = Calendar> {
        let templates = day_templates();
        let count = templates.len();
        (
            arb_zone(),
            prop::array::uniform7(0..count),
            1..count,
            0usize..7,
            prop::collection::btree_set(0u32..365, 0..30),
        )
            .prop_map(move |(time_zone, picks, open_pick, open_day, holidays)| {
                let mut weekly: [Vec<OpeningHours>; 7] =
                    std::array::from_fn(|day| templates[picks[day]].clone());
                weekly[open_day] = templates[open_pick].clone();
                let holidays = holidays
                    .into_iter()
                    .map(|ordinal| NaiveDate::from_yo_opt(2026, ordinal + 1).unwrap())
                    .collect();
                Calendar {
                    time_zone,
                    weekly,
                    holidays,
                }
            })
    }

    fn arb_any_calendar() -> impl Strategy<Value = Calendar> {
        prop_oneof![arb_zone().prop_map(Calendar::always), arb_calendar()]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn generated_calendars_are_valid(calendar in arb_calendar()) {
            prop_assert_eq!(calendar.validate(), Ok(()));
        }

        #[test]
        fn adding_then_measuring_gives_the_amount_back(
            calendar in arb_any_calendar(),
            start in arb_instant(),
            amount in arb_amount(),
        ) {
            let end = calendar.add_business_time(start, amount).unwrap();
            prop_assert_eq!(calendar.business_time_between(start, end), amount);
        }

        #[test]
        fn always_open_is_plain_addition(
            zone in arb_zone(),
            start in arb_instant(),
            amount in arb_amount(),
        ) {
            let calendar = Calendar::always(zone);
            prop_assert_eq!(calendar.add_business_time(start, amount), Some(start + amount));
            prop_assert_eq!(calendar.business_time_between(start, start + amount), amount);
        }

        #[test]
        fn adding_is_monotonic_and_lands_in_open_time(
            calendar in arb_calendar(),
            start in arb_instant(),
            first in arb_amount(),
            second in arb_amount(),
        ) {
            let (small, large) = (first.min(second), first.max(second));
            let small_end = calendar.add_business_time(start, small).unwrap();
            let large_end = calendar.add_business_time(start, large).unwrap();
            prop_assert!(small_end <= large_end);
            prop_assert!(start < small_end);
            for end in [small_end, large_end] {
                let open_or_closing = calendar.is_open(end)
                    || calendar.is_open(end - Duration::milliseconds(1));
                prop_assert!(open_or_closing, "{} is neither open nor a closing time", end);
            }
        }

        #[test]
        fn business_time_is_additive(
            calendar in arb_any_calendar(),
            instants in prop::array::uniform3(arb_instant()),
        ) {
            let mut instants = instants;
            instants.sort();
            let [a, b, c] = instants;
            prop_assert_eq!(
                calendar.business_time_between(a, c),
                calendar.business_time_between(a, b) + calendar.business_time_between(b, c)
            );
        }
    }
}
