//! ABC classes by the Pareto rule: the few customers that bring most of the revenue are A.

use std::cmp::Reverse;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A customer's class by its share of the tenant's revenue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum AbcClass {
    /// Among the customers making up the top share of revenue.
    A,
    /// Among the customers making up the next share of revenue.
    B,
    /// Everyone else, including every customer without revenue.
    C,
}

impl AbcClass {
    /// Every class, best first.
    pub const ALL: [AbcClass; 3] = [AbcClass::A, AbcClass::B, AbcClass::C];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            AbcClass::A => "A",
            AbcClass::B => "B",
            AbcClass::C => "C",
        }
    }

    /// The class with this stored or wire name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|class| class.as_str() == s)
    }
}

/// Percentages of total revenue that bound classes A and B.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shares {
    /// Share of revenue made up by the A customers.
    pub a_percent: u8,
    /// Share of revenue made up by the B customers, on top of A's.
    pub b_percent: u8,
}

impl Default for Shares {
    fn default() -> Self {
        Shares {
            a_percent: 80,
            b_percent: 15,
        }
    }
}

/// Classes of customers given each one's revenue in minor units, in input order.
///
/// Walking customers from the highest revenue down, a customer is A while the revenue of
/// the customers before it is under `a_percent` % of the total, B while it is under
/// `a_percent + b_percent` %, and C after that. Negative revenue counts as 0, and a
/// customer without revenue is always C. Customers with equal revenue all get the best
/// class any of them reached, so which of them is walked first never matters; the class
/// therefore depends only on the revenues, never on ids or input order.
pub fn classify(revenues: &[(Uuid, i64)], shares: Shares) -> Vec<(Uuid, AbcClass)> {
    let amounts: Vec<i64> = revenues.iter().map(|&(_, r)| r.max(0)).collect();
    // i128 keeps sums of many i64 revenues, times a percentage, exact.
    let total: i128 = amounts.iter().copied().map(i128::from).sum();
    let a_bound = total * i128::from(shares.a_percent);
    let b_bound = total * (i128::from(shares.a_percent) + i128::from(shares.b_percent));

    let mut order: Vec<usize> = (0..revenues.len()).collect();
    // The id tie-break only makes the walk deterministic; the tie rule below keeps it
    // from deciding any class.
    order.sort_by_key(|&i| (Reverse(amounts[i]), revenues[i].0));

    let mut classes = vec![AbcClass::C; revenues.len()];
    let mut before: i128 = 0;
    let mut group: Option<(i64, AbcClass)> = None;
    for i in order {
        let amount = amounts[i];
        let class = match group {
            // Classes only worsen along the walk, so the first of an equal-revenue run
            // already holds the best class of the run.
            Some((run_amount, run_class)) if run_amount == amount => run_class,
            _ if amount == 0 => AbcClass::C,
            _ if before * 100 < a_bound => AbcClass::A,
            _ if before * 100 < b_bound => AbcClass::B,
            _ => AbcClass::C,
        };
        group = Some((amount, class));
        classes[i] = class;
        before += i128::from(amount);
    }

    revenues
        .iter()
        .zip(classes)
        .map(|(&(id, _), class)| (id, class))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn run(revenues: &[i64], shares: Shares) -> Vec<AbcClass> {
        let input: Vec<(Uuid, i64)> = revenues
            .iter()
            .enumerate()
            .map(|(i, &r)| (id(i as u128 + 1), r))
            .collect();
        classify(&input, shares)
            .into_iter()
            .map(|(_, class)| class)
            .collect()
    }

    fn shares(a_percent: u8, b_percent: u8) -> Shares {
        Shares {
            a_percent,
            b_percent,
        }
    }

    fn rank(class: AbcClass) -> u8 {
        match class {
            AbcClass::A => 0,
            AbcClass::B => 1,
            AbcClass::C => 2,
        }
    }

    fn clamp(revenue: i64) -> i128 {
        i128::from(revenue.max(0))
    }

    fn total(input: &[(Uuid, i64)]) -> i128 {
        input.iter().map(|&(_, r)| clamp(r)).sum()
    }

    /// Revenue held by the customers classified into one of `classes`.
    fn held(input: &[(Uuid, i64)], output: &[(Uuid, AbcClass)], classes: &[AbcClass]) -> Vec<i128> {
        input
            .iter()
            .zip(output)
            .filter(|(_, (_, class))| classes.contains(class))
            .map(|(&(_, r), _)| clamp(r))
            .collect()
    }

    /// Revenue held by `revenues` without the run of equal smallest revenues.
    fn without_smallest_run(revenues: &[i128]) -> i128 {
        match revenues.iter().min() {
            Some(&min) => revenues.iter().filter(|&&r| r != min).sum(),
            None => 0,
        }
    }

    #[test]
    fn defaults_are_80_15() {
        assert_eq!(Shares::default(), shares(80, 15));
    }

    #[test]
    fn names_round_trip() {
        for class in AbcClass::ALL {
            assert_eq!(AbcClass::parse(class.as_str()), Some(class));
            assert_eq!(
                serde_json::to_string(&class).unwrap(),
                format!("\"{}\"", class.as_str())
            );
            let back: AbcClass = serde_json::from_str(&format!("\"{}\"", class.as_str())).unwrap();
            assert_eq!(back, class);
        }
        assert_eq!(AbcClass::parse("a"), None);
        assert_eq!(AbcClass::parse("D"), None);
        assert_eq!(AbcClass::parse(""), None);
    }

    #[test]
    fn worked_example_with_tied_tail() {
        use AbcClass::*;
        // 10 starts at 80 (not under 80) so is B; the second 5 starts at 95 and would be
        // C, but shares the first 5's B.
        assert_eq!(run(&[50, 30, 10, 5, 5], Shares::default()), [A, A, B, B, B]);
        assert_eq!(run(&[5, 10, 5, 50, 30], Shares::default()), [B, B, B, A, A]);
    }

    #[test]
    fn output_keeps_input_order_and_ids() {
        let input = [(id(9), 1), (id(3), 100), (id(5), 0)];
        let output = classify(&input, Shares::default());
        let ids: Vec<Uuid> = output.iter().map(|&(id, _)| id).collect();
        assert_eq!(ids, [id(9), id(3), id(5)]);
        assert_eq!(output[1].1, AbcClass::A);
    }

    #[test]
    fn empty_input_gives_empty_output() {
        assert!(classify(&[], Shares::default()).is_empty());
    }

    #[test]
    fn no_revenue_at_all_makes_everyone_c() {
        use AbcClass::*;
        assert_eq!(run(&[0, 0, -5], Shares::default()), [C, C, C]);
    }

    #[test]
    fn customers_without_revenue_are_c_even_inside_the_a_share() {
        use AbcClass::*;
        // Under 100 % A, a zero-revenue customer still starts below the bound.
        assert_eq!(run(&[10, 0, -3], shares(100, 0)), [A, C, C]);
    }

    #[test]
    fn negative_revenue_counts_as_zero() {
        assert_eq!(
            run(&[60, 40, -1_000], Shares::default()),
            run(&[60, 40, 0], Shares::default())
        );
    }

    #[test]
    fn a_single_earning_customer_is_a() {
        assert_eq!(run(&[1], Shares::default()), [AbcClass::A]);
        assert_eq!(run(&[1, 0], Shares::default()), [AbcClass::A, AbcClass::C]);
    }

    #[test]
    fn zero_shares_make_everyone_c() {
        assert_eq!(run(&[5, 4, 3], shares(0, 0)), [AbcClass::C; 3]);
        assert_eq!(
            run(&[5, 4, 3], shares(0, 100)),
            [AbcClass::B; 3],
            "with no A share, B starts at the top"
        );
    }

    #[test]
    fn equal_revenues_share_the_best_class_regardless_of_ids() {
        // Each 30 alone: before 0 and 30 are under 50 (A), before 60 is not (B); the
        // run makes all three A, whichever id sorts first.
        for ids in [[1, 2, 3], [3, 2, 1], [2, 3, 1]] {
            let input = [
                (id(ids[0]), 30),
                (id(ids[1]), 30),
                (id(ids[2]), 30),
                (id(9), 10),
            ];
            let classes: Vec<AbcClass> = classify(&input, shares(50, 15))
                .into_iter()
                .map(|(_, c)| c)
                .collect();
            assert_eq!(
                classes,
                [AbcClass::A, AbcClass::A, AbcClass::A, AbcClass::C]
            );
        }
    }

    #[test]
    fn ties_break_single_customer_minimality_but_not_run_minimality() {
        // A = the three 30s, holding 90. Dropping just one 30 still holds 60 >= 50, so
        // "drop the smallest A customer and A falls below the share" is false under the
        // tie rule; dropping the whole run of 30s leaves 0 < 50.
        let input: Vec<(Uuid, i64)> = [30, 30, 30, 10]
            .iter()
            .enumerate()
            .map(|(i, &r)| (id(i as u128), r))
            .collect();
        let output = classify(&input, shares(50, 15));
        let a = held(&input, &output, &[AbcClass::A]);
        assert_eq!(a, [30, 30, 30]);
        let a_sum: i128 = a.iter().sum();
        assert!((a_sum - 30) * 100 >= total(&input) * 50);
        assert_eq!(without_smallest_run(&a), 0);
    }

    #[test]
    fn huge_revenues_do_not_overflow() {
        use AbcClass::*;
        assert_eq!(
            run(&[i64::MAX, i64::MAX, i64::MAX, 1], Shares::default()),
            [A, A, A, C]
        );
    }

    fn arb_id() -> impl Strategy<Value = Uuid> {
        any::<u128>().prop_map(Uuid::from_u128)
    }

    /// Revenues of one scale per input, so that ties and zeros are not swamped by huge
    /// figures and often fall on a class boundary.
    fn arb_input() -> impl Strategy<Value = Vec<(Uuid, i64)>> {
        let small = prop::collection::vec((arb_id(), -3i64..=12), 0..40);
        let few_values = prop::collection::vec(-1i64..=i64::MAX, 1..4).prop_flat_map(|values| {
            prop::collection::vec((arb_id(), prop::sample::select(values)), 0..40)
        });
        let wide = prop::collection::vec(
            (
                arb_id(),
                prop_oneof![-3i64..=12, 0i64..=1_000_000, any::<i64>()],
            ),
            0..40,
        );
        prop_oneof![3 => small, 2 => few_values, 1 => wide]
    }

    /// Shares within 100 %, as a tenant would configure them.
    fn arb_shares() -> impl Strategy<Value = Shares> {
        (0u8..=100)
            .prop_flat_map(|a| (Just(a), 0..=100 - a))
            .prop_map(|(a, b)| shares(a, b))
    }

    /// Mostly sensible shares, sometimes summing past 100 %.
    fn arb_any_shares() -> impl Strategy<Value = Shares> {
        prop_oneof![
            3 => arb_shares(),
            1 => (any::<u8>(), any::<u8>()).prop_map(|(a, b)| shares(a, b)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        /// The walk agrees with an order-free definition: a customer's class depends only
        /// on the revenue strictly above its own.
        #[test]
        fn matches_the_order_free_definition(input in arb_input(), shares in arb_any_shares()) {
            let output = classify(&input, shares);
            let total = total(&input);
            prop_assert_eq!(output.len(), input.len());
            for (&(id, revenue), &(out_id, class)) in input.iter().zip(&output) {
                prop_assert_eq!(id, out_id);
                let own = clamp(revenue);
                let above: i128 = input.iter().map(|&(_, r)| clamp(r)).filter(|&r| r > own).sum();
                let a = i128::from(shares.a_percent);
                let b = i128::from(shares.b_percent);
                let expected = if own == 0 {
                    AbcClass::C
                } else if above * 100 < total * a {
                    AbcClass::A
                } else if above * 100 < total * (a + b) {
                    AbcClass::B
                } else {
                    AbcClass::C
                };
                prop_assert_eq!(class, expected);
            }
        }

        #[test]
        fn a_holds_at_least_its_share(input in arb_input(), shares in arb_shares()) {
            let output = classify(&input, shares);
            let a: i128 = held(&input, &output, &[AbcClass::A]).iter().sum();
            prop_assert!(a * 100 >= total(&input) * i128::from(shares.a_percent));
        }

        #[test]
        fn a_and_b_hold_at_least_their_share(input in arb_input(), shares in arb_shares()) {
            let output = classify(&input, shares);
            let ab: i128 = held(&input, &output, &[AbcClass::A, AbcClass::B]).iter().sum();
            let share = i128::from(shares.a_percent) + i128::from(shares.b_percent);
            prop_assert!(ab * 100 >= total(&input) * share);
        }

        /// Without its run of equal smallest revenues, A falls short of its share: no
        /// smaller A would do. (Dropping a single customer of that run need not.)
        #[test]
        fn a_is_minimal_up_to_ties(input in arb_input(), shares in arb_any_shares()) {
            let output = classify(&input, shares);
            let a = held(&input, &output, &[AbcClass::A]);
            if !a.is_empty() {
                prop_assert!(
                    without_smallest_run(&a) * 100 < total(&input) * i128::from(shares.a_percent)
                );
            }
        }

        #[test]
        fn a_and_b_are_minimal_up_to_ties(input in arb_input(), shares in arb_any_shares()) {
            let output = classify(&input, shares);
            let ab = held(&input, &output, &[AbcClass::A, AbcClass::B]);
            let share = i128::from(shares.a_percent) + i128::from(shares.b_percent);
            if !ab.is_empty() {
                prop_assert!(without_smallest_run(&ab) * 100 < total(&input) * share);
            }
        }

        #[test]
        fn without_revenue_means_c(input in arb_input(), shares in arb_any_shares()) {
            for (&(_, revenue), &(_, class)) in input.iter().zip(&classify(&input, shares)) {
                if revenue <= 0 {
                    prop_assert_eq!(class, AbcClass::C);
                }
            }
        }

        #[test]
        fn equal_revenues_get_equal_classes(input in arb_input(), shares in arb_any_shares()) {
            let output = classify(&input, shares);
            for (i, &(_, ri)) in input.iter().enumerate() {
                for (j, &(_, rj)) in input.iter().enumerate() {
                    if ri.max(0) == rj.max(0) {
                        prop_assert_eq!(output[i].1, output[j].1);
                    }
                }
            }
        }

        #[test]
        fn more_revenue_never_means_a_worse_class(
            input in arb_input(),
            shares in arb_any_shares(),
        ) {
            let output = classify(&input, shares);
            for (i, &(_, ri)) in input.iter().enumerate() {
                for (j, &(_, rj)) in input.iter().enumerate() {
                    if ri > rj {
                        prop_assert!(rank(output[i].1) <= rank(output[j].1));
                    }
                }
            }
        }

        #[test]
        fn input_order_does_not_matter(
            (input, shuffled) in arb_input()
                .prop_flat_map(|v| (Just(v.clone()), Just(v).prop_shuffle())),
            shares in arb_any_shares(),
        ) {
            let mut expected = classify(&input, shares);
            let mut actual = classify(&shuffled, shares);
            expected.sort_by_key(|&(id, class)| (id, rank(class)));
            actual.sort_by_key(|&(id, class)| (id, rank(class)));
            prop_assert_eq!(actual, expected);
        }

        /// Lowering one customer's revenue, the others fixed, never improves its class
        /// (others may improve, as the total shrinks).
        #[test]
        fn less_revenue_never_improves_own_class(
            input in arb_input().prop_filter("needs a customer", |v| !v.is_empty()),
            pick in any::<prop::sample::Index>(),
            cut in prop_oneof![0i64..=5, any::<i64>()],
            shares in arb_any_shares(),
        ) {
            let i = pick.index(input.len());
            let before = classify(&input, shares)[i].1;
            let mut lowered = input.clone();
            lowered[i].1 = lowered[i].1.saturating_sub(cut.max(0));
            let after = classify(&lowered, shares)[i].1;
            prop_assert!(rank(after) >= rank(before), "{:?} became {:?}", before, after);
        }
    }
}
