//! When a care plan's occurrences fall: an RFC 5545 recurrence rule (through the
//! `rrule` crate) from a local start in the plan's time zone, so "every quarter at
//! 09:00" stays 09:00 local across DST changes.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use rrule::{Frequency, RRule, Unvalidated};

/// Why a rule cannot be used.
pub type RuleError = String;

/// A parsed rule, checked to recur at most daily (a plan is about people, not machines).
pub fn parse_rule(rule: &str) -> Result<RRule<Unvalidated>, RuleError> {
    let text = rule.trim();
    if text.to_ascii_uppercase().contains("DTSTART") {
        return Err("give the start as `starts_at`, not DTSTART in the rule".into());
    }
    let parsed: RRule<Unvalidated> = text.parse().map_err(|e| format!("{e}"))?;
    if !matches!(
        parsed.get_freq(),
        Frequency::Daily | Frequency::Weekly | Frequency::Monthly | Frequency::Yearly
    ) {
        return Err("must recur daily, weekly, monthly or yearly".into());
    }
    // Several hours, minutes or seconds put several occurrences into one day, whatever
    // the frequency: `FREQ=DAILY;BYSECOND=0,1,…,59` would open a follow-up every second.
    let within_a_day = [
        parsed.get_by_hour().len(),
        parsed.get_by_minute().len(),
        parsed.get_by_second().len(),
    ];
    if within_a_day.iter().any(|&values| values > 1) {
        return Err(
            "must recur at most once a day: give at most one BYHOUR, BYMINUTE and BYSECOND".into(),
        );
    }
    Ok(parsed)
}

/// The occurrences of `rule` starting at local `start` in `zone` that fall after `from`
/// and no later than `until`, at most `limit` of them, in UTC.
pub fn occurrences(
    rule: &str,
    start: NaiveDateTime,
    zone: chrono_tz::Tz,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
    limit: u16,
) -> Result<Vec<DateTime<Utc>>, RuleError> {
    let tz = rrule::Tz::Tz(zone);
    let dt_start = tz
        .from_local_datetime(&start)
        .earliest()
        .ok_or_else(|| "the start does not exist in the time zone".to_string())?;
    let set = parse_rule(rule)?
        .build(dt_start)
        .map_err(|e| format!("{e}"))?
        .after(from.with_timezone(&tz))
        .before(until.with_timezone(&tz));
    Ok(set
        .all(limit)
        .dates
        .into_iter()
        .map(|d| d.with_timezone(&Utc))
        .filter(|d| *d > from && *d <= until)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn local(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").unwrap()
    }

    #[test]
    fn a_quarterly_plan_falls_on_the_same_local_day_and_hour() {
        let found = occurrences(
            "FREQ=MONTHLY;INTERVAL=3",
            local("2027-01-05T09:00"),
            chrono_tz::Asia::Shanghai,
            utc("2026-12-01T00:00:00Z"),
            utc("2027-12-31T00:00:00Z"),
            50,
        )
        .unwrap();
        assert_eq!(
            found,
            [
                utc("2027-01-05T01:00:00Z"),
                utc("2027-04-05T01:00:00Z"),
                utc("2027-07-05T01:00:00Z"),
                utc("2027-10-05T01:00:00Z"),
            ]
        );
    }

    #[test]
    fn local_time_holds_across_daylight_saving() {
        let found = occurrences(
            "FREQ=MONTHLY",
            local("2027-02-10T09:00"),
            chrono_tz::Europe::Berlin,
            utc("2027-01-01T00:00:00Z"),
            utc("2027-04-30T00:00:00Z"),
            10,
        )
        .unwrap();
        // 09:00 CET is 08:00 UTC; from the end of March, 09:00 CEST is 07:00 UTC.
        assert_eq!(
            found,
            [
                utc("2027-02-10T08:00:00Z"),
                utc("2027-03-10T08:00:00Z"),
                utc("2027-04-10T07:00:00Z"),
            ]
        );
    }

    #[test]
    fn only_occurrences_after_from_are_given() {
        let found = occurrences(
            "FREQ=WEEKLY;COUNT=3",
            local("2027-01-04T10:00"),
            chrono_tz::UTC,
            utc("2027-01-04T10:00:00Z"),
            utc("2028-01-01T00:00:00Z"),
            10,
        )
        .unwrap();
        assert_eq!(
            found,
            [utc("2027-01-11T10:00:00Z"), utc("2027-01-18T10:00:00Z")]
        );
    }

    #[test]
    fn nonsense_and_too_frequent_rules_are_refused() {
        assert!(parse_rule("FREQ=SOMETIMES").is_err());
        assert!(parse_rule("FREQ=HOURLY").is_err());
        assert!(parse_rule("DTSTART:20270101T000000Z\nRRULE:FREQ=DAILY").is_err());
        assert!(parse_rule("FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24").is_ok());
        assert!(parse_rule("FREQ=DAILY;BYHOUR=9;BYMINUTE=30").is_ok());
        assert!(parse_rule("FREQ=WEEKLY;BYDAY=MO,WE,FR").is_ok());
        assert!(parse_rule("FREQ=DAILY;BYSECOND=0,1,2").is_err());
        assert!(parse_rule("FREQ=WEEKLY;BYMINUTE=0,30").is_err());
        assert!(parse_rule("FREQ=MONTHLY;BYHOUR=9,17").is_err());
    }
}
