//! The closed vocabularies of a customer (PRODUCT.md §3.2): each an enum in the API,
//! stored as its snake_case name.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Declares a string enum with `as_str` and `parse` over its snake_case names.
macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $(
                #[doc = $text]
                $variant,
            )+
        }

        impl $name {
            /// The stored name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)+
                }
            }

            /// The value of a stored name.
            pub fn parse(text: &str) -> Option<Self> {
                match text {
                    $($text => Some(Self::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

vocabulary!(
    /// An organisation or a person.
    Kind { Organisation = "organisation", Individual = "individual" }
);
vocabulary!(
    /// Where a customer stands with the tenant: potential, current or past.
    Lifecycle { Prospect = "prospect", Active = "active", Former = "former" }
);
vocabulary!(
    /// Marketing type: what the customer values in the relationship.
    MarketingType {
        Economic = "economic",
        Ethical = "ethical",
        Personalised = "personalised",
        Convenience = "convenience",
    }
);
vocabulary!(
    /// Management class: how much attention the customer gets.
    ManagementClass { Key = "key", Regular = "regular", Temporary = "temporary" }
);
vocabulary!(
    /// Position in the channel.
    Position { Intermediary = "intermediary", EndCustomer = "end_customer" }
);
vocabulary!(
    /// Kotler's relationship levels.
    RelationshipLevel {
        Basic = "basic",
        Reactive = "reactive",
        Accountable = "accountable",
        Proactive = "proactive",
        Partnership = "partnership",
    }
);
vocabulary!(
    /// A channel to reach a customer by.
    ContactChannel {
        Phone = "phone",
        Email = "email",
        Sms = "sms",
        Chat = "chat",
        Visit = "visit",
        Portal = "portal",
    }
);

vocabulary!(
    /// Who reached out: the customer (`inbound`) or the tenant (`outbound`).
    Direction { Inbound = "inbound", Outbound = "outbound" }
);

/// A tag as stored: trimmed, lower case, 1–50 characters without commas.
pub fn normalize_tag(tag: &str) -> Option<String> {
    let tag = tag.trim().to_lowercase();
    let ok = (1..=50).contains(&tag.chars().count()) && !tag.contains(',');
    ok.then_some(tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_do_not_parse() {
        for level in [
            RelationshipLevel::Basic,
            RelationshipLevel::Reactive,
            RelationshipLevel::Accountable,
            RelationshipLevel::Proactive,
            RelationshipLevel::Partnership,
        ] {
            assert_eq!(RelationshipLevel::parse(level.as_str()), Some(level));
        }
        assert_eq!(Position::parse("end_customer"), Some(Position::EndCustomer));
        assert_eq!(Lifecycle::parse("Active"), None);
    }

    #[test]
    fn tags_are_trimmed_lower_case_and_bounded() {
        assert_eq!(normalize_tag("  VIP "), Some("vip".into()));
        assert_eq!(normalize_tag(""), None);
        assert_eq!(normalize_tag("a,b"), None);
        assert_eq!(normalize_tag(&"x".repeat(51)), None);
    }
}
