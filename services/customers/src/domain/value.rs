//! Customer value figures derived from yearly value records: profit, lifetime and outlook.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

/// How many of the latest record years the profit projection averages over.
const PROJECTION_BASE_YEARS: usize = 3;

/// One year of a customer's value figures, in minor currency units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValueRecord {
    /// Calendar year the figures cover.
    pub year: i32,
    /// The customer's own sales that year.
    pub annual_sales: i64,
    /// What the customer paid the tenant that year.
    pub revenue: i64,
    /// What serving and contacting the customer cost that year.
    pub cost: i64,
}

/// Revenue less cost of one record, saturating at the bounds of `i64`.
pub fn net_profit(r: &ValueRecord) -> i64 {
    r.revenue.saturating_sub(r.cost)
}

/// A customer's value at a glance, derived from all its value records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Analysis {
    /// Latest year with a value record; absent without records.
    pub latest_year: Option<i32>,
    /// Revenue of the latest year, minor units.
    pub revenue: i64,
    /// Net profit of the latest year, minor units.
    pub net_profit: i64,
    /// Net profit summed over every recorded year, minor units.
    pub lifetime_net_profit: i64,
    /// Days from becoming a customer until today; 0 if that date is still ahead.
    pub relationship_days: i64,
    /// Net profit projected from the average of the latest three record years, minor units.
    pub expected_future_profit: i64,
}

/// Derives a customer's [`Analysis`] from its value records, in any order.
///
/// Records sharing a year are summed, so each year counts once. The projection averages
/// the net profit of the (up to) three most recent years that have records, whether or
/// not those years are consecutive, and multiplies by `projection_years`; it multiplies
/// before dividing and the division truncates toward zero, so a loss-making average
/// projects a loss and e.g. 10 + 10 + 11 over 3 years for 1 year gives 10. Sums that
/// would leave `i64` saturate.
pub fn analyse(
    records: &[ValueRecord],
    customer_since: NaiveDate,
    today: NaiveDate,
    projection_years: u32,
) -> Analysis {
    // i128 sums cannot overflow for any realistic number of records; only the final
    // figures are clamped back to i64.
    let mut years: BTreeMap<i32, (i128, i128)> = BTreeMap::new();
    for record in records {
        let (revenue, profit) = years.entry(record.year).or_default();
        *revenue += i128::from(record.revenue);
        *profit += i128::from(net_profit(record));
    }

    let latest = years.iter().next_back();
    let lifetime: i128 = years.values().map(|&(_, profit)| profit).sum();

    let recent: Vec<i128> = years
        .values()
        .rev()
        .take(PROJECTION_BASE_YEARS)
        .map(|&(_, profit)| profit)
        .collect();
    let expected = match i128::try_from(recent.len()) {
        Ok(count) if count > 0 => {
            recent.iter().sum::<i128>() * i128::from(projection_years) / count
        }
        _ => 0,
    };

    Analysis {
        latest_year: latest.map(|(&year, _)| year),
        revenue: latest.map_or(0, |(_, &(revenue, _))| saturate(revenue)),
        net_profit: latest.map_or(0, |(_, &(_, profit))| saturate(profit)),
        lifetime_net_profit: saturate(lifetime),
        relationship_days: (today - customer_since).num_days().max(0),
        expected_future_profit: saturate(expected),
    }
}

/// `value` clamped into `i64`.
fn saturate(value: i128) -> i64 {
    i64::try_from(value).unwrap_or(if value < 0 { i64::MIN } else { i64::MAX })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(year: i32, revenue: i64, cost: i64) -> ValueRecord {
        ValueRecord {
            year,
            annual_sales: 0,
            revenue,
            cost,
        }
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn since() -> NaiveDate {
        date(2020, 1, 1)
    }

    fn today() -> NaiveDate {
        date(2025, 6, 30)
    }

    #[test]
    fn net_profit_is_revenue_less_cost() {
        assert_eq!(net_profit(&record(2024, 1_000, 300)), 700);
        assert_eq!(net_profit(&record(2024, 300, 1_000)), -700);
        assert_eq!(net_profit(&record(2024, 0, 0)), 0);
    }

    #[test]
    fn net_profit_saturates() {
        assert_eq!(net_profit(&record(2024, i64::MAX, -1)), i64::MAX);
        assert_eq!(net_profit(&record(2024, i64::MIN, 1)), i64::MIN);
    }

    #[test]
    fn annual_sales_do_not_enter_profit() {
        let mut r = record(2024, 1_000, 300);
        r.annual_sales = 9_999_999;
        assert_eq!(net_profit(&r), 700);
    }

    #[test]
    fn no_records_give_zeros() {
        let analysis = analyse(&[], since(), today(), 5);
        assert_eq!(
            analysis,
            Analysis {
                latest_year: None,
                revenue: 0,
                net_profit: 0,
                lifetime_net_profit: 0,
                relationship_days: 2007,
                expected_future_profit: 0,
            }
        );
    }

    #[test]
    fn latest_year_figures_come_from_the_latest_record_in_any_order() {
        let records = [
            record(2023, 500, 100),
            record(2024, 800, 300),
            record(2022, 900, 0),
        ];
        let analysis = analyse(&records, since(), today(), 1);
        assert_eq!(analysis.latest_year, Some(2024));
        assert_eq!(analysis.revenue, 800);
        assert_eq!(analysis.net_profit, 500);
    }

    #[test]
    fn lifetime_profit_sums_every_year_including_losses() {
        let records = [
            record(2019, 100, 50),
            record(2020, 100, 300),
            record(2021, 1_000, 100),
            record(2022, 10, 0),
            record(2023, 0, 5),
        ];
        let analysis = analyse(&records, since(), today(), 1);
        assert_eq!(analysis.lifetime_net_profit, 50 - 200 + 900 + 10 - 5);
    }

    #[test]
    fn relationship_days_count_from_customer_since() {
        assert_eq!(analyse(&[], today(), today(), 1).relationship_days, 0);
        assert_eq!(
            analyse(&[], date(2024, 2, 28), date(2024, 3, 1), 1).relationship_days,
            2,
            "leap day counts"
        );
        assert_eq!(
            analyse(&[], date(2026, 1, 1), today(), 1).relationship_days,
            0,
            "a future start date is not negative"
        );
    }

    #[test]
    fn projection_averages_the_latest_three_record_years() {
        let records = [
            record(2020, 1_000_000, 0),
            record(2021, 100, 0),
            record(2022, 200, 0),
            record(2023, 300, 0),
        ];
        // 2020 is outside the three latest years and does not pull the average up.
        assert_eq!(
            analyse(&records, since(), today(), 5).expected_future_profit,
            200 * 5
        );
    }

    #[test]
    fn projection_uses_fewer_years_when_fewer_are_recorded() {
        assert_eq!(
            analyse(&[record(2024, 400, 100)], since(), today(), 3).expected_future_profit,
            900
        );
        let two = [record(2023, 100, 0), record(2024, 300, 0)];
        assert_eq!(
            analyse(&two, since(), today(), 2).expected_future_profit,
            400
        );
    }

    #[test]
    fn projection_takes_record_years_across_gaps() {
        let records = [
            record(2015, 600, 0),
            record(2020, 300, 0),
            record(2024, 0, 0),
        ];
        assert_eq!(
            analyse(&records, since(), today(), 1).expected_future_profit,
            300
        );
    }

    #[test]
    fn projection_truncates_toward_zero_after_multiplying() {
        let records = [
            record(2022, 10, 0),
            record(2023, 10, 0),
            record(2024, 11, 0),
        ];
        assert_eq!(
            analyse(&records, since(), today(), 1).expected_future_profit,
            10
        );
        // 31 * 3 / 3 = 31, where dividing first would give 10 * 3 = 30.
        assert_eq!(
            analyse(&records, since(), today(), 3).expected_future_profit,
            31
        );
        let losses = [
            record(2022, 0, 10),
            record(2023, 0, 10),
            record(2024, 0, 11),
        ];
        assert_eq!(
            analyse(&losses, since(), today(), 1).expected_future_profit,
            -10
        );
    }

    #[test]
    fn projection_over_zero_years_is_zero() {
        let records = [record(2024, 1_000, 0)];
        assert_eq!(
            analyse(&records, since(), today(), 0).expected_future_profit,
            0
        );
    }

    #[test]
    fn records_of_the_same_year_are_summed() {
        let records = [
            record(2024, 100, 10),
            record(2024, 50, 20),
            record(2023, 1_000, 0),
        ];
        let analysis = analyse(&records, since(), today(), 2);
        assert_eq!(analysis.latest_year, Some(2024));
        assert_eq!(analysis.revenue, 150);
        assert_eq!(analysis.net_profit, 120);
        assert_eq!(analysis.lifetime_net_profit, 1_120);
        // Two record years, not three records: (120 + 1000) * 2 / 2.
        assert_eq!(analysis.expected_future_profit, 1_120);
    }

    #[test]
    fn huge_figures_saturate_instead_of_overflowing() {
        let records = [
            record(2022, i64::MAX, 0),
            record(2023, i64::MAX, 0),
            record(2024, i64::MAX, 0),
        ];
        let analysis = analyse(&records, since(), today(), u32::MAX);
        assert_eq!(analysis.lifetime_net_profit, i64::MAX);
        assert_eq!(analysis.expected_future_profit, i64::MAX);
        let losses = [record(2023, i64::MIN, 0), record(2024, i64::MIN, 0)];
        let analysis = analyse(&losses, since(), today(), 1);
        assert_eq!(analysis.lifetime_net_profit, i64::MIN);
        assert_eq!(analysis.expected_future_profit, i64::MIN);
    }
}
