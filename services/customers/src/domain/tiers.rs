//! Pyramid tiers: customers banded by a yearly figure against tenant-configured minimums.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A customer's place in the value pyramid, top first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// At or above `vip_min`.
    Vip,
    /// At or above `major_min`, below `vip_min`.
    Major,
    /// At or above `ordinary_min`, below `major_min`.
    Ordinary,
    /// Below `ordinary_min`.
    Small,
}

impl Tier {
    /// Every tier, top first.
    pub const ALL: [Tier; 4] = [Tier::Vip, Tier::Major, Tier::Ordinary, Tier::Small];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Vip => "vip",
            Tier::Major => "major",
            Tier::Ordinary => "ordinary",
            Tier::Small => "small",
        }
    }

    /// The tier with this stored or wire name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|tier| tier.as_str() == s)
    }
}

/// Which yearly figure the bands are compared against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TierBasis {
    /// The customer's revenue.
    Revenue,
    /// The customer's net profit: revenue less service and contact cost.
    Profit,
}

impl TierBasis {
    /// Every basis.
    pub const ALL: [TierBasis; 2] = [TierBasis::Revenue, TierBasis::Profit];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            TierBasis::Revenue => "revenue",
            TierBasis::Profit => "profit",
        }
    }

    /// The basis with this stored or wire name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|basis| basis.as_str() == s)
    }
}

/// A tenant's tier minimums, in minor currency units of the chosen basis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Bands {
    /// The figure the minimums apply to.
    pub basis: TierBasis,
    /// Lowest figure of a VIP customer, minor units.
    pub vip_min: i64,
    /// Lowest figure of a major customer, minor units.
    pub major_min: i64,
    /// Lowest figure of an ordinary customer, minor units; below it a customer is small.
    pub ordinary_min: i64,
}

impl Default for Bands {
    fn default() -> Self {
        Bands {
            basis: TierBasis::Revenue,
            vip_min: 100_000_000,
            major_min: 20_000_000,
            ordinary_min: 2_000_000,
        }
    }
}

impl Bands {
    /// Whether the minimums strictly rise from ordinary to VIP, starting at zero or more.
    pub fn check(&self) -> Result<(), &'static str> {
        if self.vip_min <= self.major_min {
            return Err("vip_min must be above major_min");
        }
        if self.major_min <= self.ordinary_min {
            return Err("major_min must be above ordinary_min");
        }
        if self.ordinary_min < 0 {
            return Err("ordinary_min must not be negative");
        }
        Ok(())
    }
}

/// The tier of a customer whose figure on the bands' basis is `figure`; minimums are inclusive.
pub fn tier_of(figure: i64, bands: &Bands) -> Tier {
    if figure >= bands.vip_min {
        Tier::Vip
    } else if figure >= bands.major_min {
        Tier::Major
    } else if figure >= bands.ordinary_min {
        Tier::Ordinary
    } else {
        Tier::Small
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rank(tier: Tier) -> u8 {
        match tier {
            Tier::Vip => 0,
            Tier::Major => 1,
            Tier::Ordinary => 2,
            Tier::Small => 3,
        }
    }

    fn bands(vip_min: i64, major_min: i64, ordinary_min: i64) -> Bands {
        Bands {
            basis: TierBasis::Revenue,
            vip_min,
            major_min,
            ordinary_min,
        }
    }

    #[test]
    fn names_round_trip() {
        for tier in Tier::ALL {
            assert_eq!(Tier::parse(tier.as_str()), Some(tier));
            assert_eq!(
                serde_json::to_string(&tier).unwrap(),
                format!("\"{}\"", tier.as_str())
            );
        }
        for basis in TierBasis::ALL {
            assert_eq!(TierBasis::parse(basis.as_str()), Some(basis));
            assert_eq!(
                serde_json::to_string(&basis).unwrap(),
                format!("\"{}\"", basis.as_str())
            );
        }
        assert_eq!(Tier::parse("VIP"), None);
        assert_eq!(TierBasis::parse("net_profit"), None);
    }

    #[test]
    fn defaults_are_valid() {
        let bands = Bands::default();
        assert_eq!(bands.basis, TierBasis::Revenue);
        assert_eq!(
            (bands.vip_min, bands.major_min, bands.ordinary_min),
            (100_000_000, 20_000_000, 2_000_000)
        );
        assert_eq!(bands.check(), Ok(()));
    }

    #[test]
    fn bands_serialize_as_plain_fields() {
        let json = serde_json::to_value(Bands::default()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "basis": "revenue",
                "vip_min": 100_000_000,
                "major_min": 20_000_000,
                "ordinary_min": 2_000_000,
            })
        );
    }

    #[test]
    fn check_names_the_broken_rule() {
        assert_eq!(
            bands(10, 10, 0).check(),
            Err("vip_min must be above major_min")
        );
        assert_eq!(
            bands(5, 10, 0).check(),
            Err("vip_min must be above major_min")
        );
        assert_eq!(
            bands(10, 5, 5).check(),
            Err("major_min must be above ordinary_min")
        );
        assert_eq!(
            bands(10, 5, 7).check(),
            Err("major_min must be above ordinary_min")
        );
        assert_eq!(
            bands(10, 5, -1).check(),
            Err("ordinary_min must not be negative")
        );
        assert_eq!(bands(2, 1, 0).check(), Ok(()));
    }

    #[test]
    fn default_boundaries_are_inclusive() {
        let b = Bands::default();
        assert_eq!(tier_of(100_000_000, &b), Tier::Vip);
        assert_eq!(tier_of(99_999_999, &b), Tier::Major);
        assert_eq!(tier_of(20_000_000, &b), Tier::Major);
        assert_eq!(tier_of(19_999_999, &b), Tier::Ordinary);
        assert_eq!(tier_of(2_000_000, &b), Tier::Ordinary);
        assert_eq!(tier_of(1_999_999, &b), Tier::Small);
        assert_eq!(tier_of(0, &b), Tier::Small);
        assert_eq!(tier_of(-5, &b), Tier::Small);
        assert_eq!(tier_of(i64::MAX, &b), Tier::Vip);
        assert_eq!(tier_of(i64::MIN, &b), Tier::Small);
    }

    #[test]
    fn zero_ordinary_minimum_makes_loss_makers_small() {
        let b = bands(100, 10, 0);
        assert_eq!(tier_of(0, &b), Tier::Ordinary);
        assert_eq!(tier_of(-1, &b), Tier::Small);
    }

    fn arb_bands() -> impl Strategy<Value = Bands> {
        (
            0i64..=i64::MAX / 2,
            1i64..=i64::MAX / 4,
            1i64..=i64::MAX / 4,
            prop_oneof![Just(TierBasis::Revenue), Just(TierBasis::Profit)],
        )
            .prop_map(|(ordinary_min, to_major, to_vip, basis)| Bands {
                basis,
                vip_min: ordinary_min + to_major + to_vip,
                major_min: ordinary_min + to_major,
                ordinary_min,
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn generated_bands_are_valid(bands in arb_bands()) {
            prop_assert_eq!(bands.check(), Ok(()));
        }

        #[test]
        fn a_larger_figure_never_gets_a_lower_tier(
            bands in arb_bands(),
            x in any::<i64>(),
            y in any::<i64>(),
        ) {
            let (low, high) = if x <= y { (x, y) } else { (y, x) };
            prop_assert!(rank(tier_of(high, &bands)) <= rank(tier_of(low, &bands)));
        }

        #[test]
        fn minimums_are_inclusive(bands in arb_bands()) {
            prop_assert_eq!(tier_of(bands.vip_min, &bands), Tier::Vip);
            prop_assert_eq!(tier_of(bands.vip_min - 1, &bands), Tier::Major);
            prop_assert_eq!(tier_of(bands.major_min, &bands), Tier::Major);
            prop_assert_eq!(tier_of(bands.major_min - 1, &bands), Tier::Ordinary);
            prop_assert_eq!(tier_of(bands.ordinary_min, &bands), Tier::Ordinary);
            prop_assert_eq!(tier_of(bands.ordinary_min - 1, &bands), Tier::Small);
        }

        #[test]
        fn tier_matches_the_band_the_figure_falls_in(bands in arb_bands(), figure in any::<i64>()) {
            let expected = if figure >= bands.vip_min {
                Tier::Vip
            } else if (bands.major_min..bands.vip_min).contains(&figure) {
                Tier::Major
            } else if (bands.ordinary_min..bands.major_min).contains(&figure) {
                Tier::Ordinary
            } else {
                Tier::Small
            };
            prop_assert_eq!(tier_of(figure, &bands), expected);
        }
    }
}
