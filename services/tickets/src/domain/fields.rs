//! The closed vocabularies of a ticket (priority, type, channel) and tag rules.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A string enum with its stored name, parse and the list of names.
macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl $name {
            /// Every value's name.
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            /// The stored and wire name.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// The value named `name`.
            pub fn parse(name: &str) -> Option<Self> {
                match name { $($text => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

vocabulary!(
    /// How urgent a ticket is.
    Priority {
        /// Low.
        Low => "low",
        /// Normal (the default).
        Normal => "normal",
        /// High.
        High => "high",
        /// Urgent.
        Urgent => "urgent",
    }
);

vocabulary!(
    /// What kind of request a ticket is.
    TicketType {
        /// A question (the default).
        Question => "question",
        /// Something is broken.
        Incident => "incident",
        /// A request for a service.
        Request => "request",
        /// A complaint: needs a root cause and a remedy before it is solved.
        Complaint => "complaint",
        /// A follow-up with a customer.
        FollowUp => "follow_up",
        /// A product defect.
        Defect => "defect",
    }
);

vocabulary!(
    /// Where a ticket came in.
    Channel {
        /// Phone call.
        Phone => "phone",
        /// Email.
        Email => "email",
        /// Web form.
        Web => "web",
        /// Chat.
        Chat => "chat",
        /// The customer portal.
        Portal => "portal",
        /// An API client.
        Api => "api",
    }
);

/// Most tags one ticket carries.
pub const MAX_TAGS: usize = 20;

/// A tag as stored: trimmed and lower-case; `None` if it is not a valid tag.
pub fn normalize_tag(tag: &str) -> Option<String> {
    let tag = tag.trim().to_lowercase();
    let valid = (1..=50).contains(&tag.chars().count())
        && tag
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | ':' | '.'));
    valid.then_some(tag)
}

/// Normalised, sorted, without repeats; the index of the first invalid tag on error.
pub fn normalize_tags(tags: &[String]) -> Result<Vec<String>, usize> {
    let mut out = Vec::with_capacity(tags.len());
    for (i, tag) in tags.iter().enumerate() {
        out.push(normalize_tag(tag).ok_or(i)?);
    }
    out.sort();
    out.dedup();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabularies_round_trip() {
        for name in TicketType::NAMES {
            assert_eq!(TicketType::parse(name).map(TicketType::as_str), Some(*name));
        }
        assert_eq!(Priority::parse("URGENT"), None);
        assert_eq!(Channel::parse("api"), Some(Channel::Api));
    }

    #[test]
    fn tags_are_trimmed_lowered_sorted_and_unique() {
        let tags = vec![" VIP ".to_string(), "billing".into(), "vip".into()];
        assert_eq!(
            normalize_tags(&tags),
            Ok(vec!["billing".into(), "vip".into()])
        );
        assert_eq!(normalize_tags(&["ok".into(), "not ok".into()]), Err(1));
        assert_eq!(normalize_tag(""), None);
        assert_eq!(normalize_tag("售后"), Some("售后".into()));
    }
}
