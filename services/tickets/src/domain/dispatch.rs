//! Who gets a team's next ticket: round-robin, least open tickets, or by skill.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// How a team's rule picks an assignee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// Each member in turn.
    RoundRobin,
    /// The member with the fewest unsolved tickets.
    LeastOpen,
    /// Among members holding the rule's skill, the one with the fewest unsolved tickets.
    SkillBased,
}

impl Strategy {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::RoundRobin => "round_robin",
            Strategy::LeastOpen => "least_open",
            Strategy::SkillBased => "skill_based",
        }
    }

    /// The strategy named `name`.
    pub fn parse(name: &str) -> Option<Self> {
        [
            Strategy::RoundRobin,
            Strategy::LeastOpen,
            Strategy::SkillBased,
        ]
        .into_iter()
        .find(|s| s.as_str() == name)
    }
}

/// An active staff member of the team, as dispatch sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// User id.
    pub id: Uuid,
    /// Unsolved tickets assigned to them.
    pub open_tickets: u64,
    /// Skills they hold now.
    pub skills: Vec<String>,
}

/// The member who gets the next ticket; `None` if nobody qualifies.
///
/// Ties go to the member after `last` in id order, so equal loads still rotate.
pub fn pick(
    strategy: Strategy,
    candidates: &[Candidate],
    last: Option<Uuid>,
    skill: Option<&str>,
) -> Option<Uuid> {
    let mut pool: Vec<&Candidate> = candidates
        .iter()
        .filter(|c| {
            strategy != Strategy::SkillBased
                || skill.is_some_and(|s| c.skills.iter().any(|k| k == s))
        })
        .collect();
    pool.sort_by_key(|c| c.id);
    // Rotation order: members after `last` first, then from the start.
    let split = last
        .map(|l| pool.partition_point(|c| c.id <= l))
        .unwrap_or(0);
    let len = pool.len();
    pool.rotate_left(split.min(len));
    match strategy {
        Strategy::RoundRobin => pool.first().map(|c| c.id),
        Strategy::LeastOpen | Strategy::SkillBased => {
            pool.iter().min_by_key(|c| c.open_tickets).map(|c| c.id)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(n: u128, open: u64, skills: &[&str]) -> Candidate {
        Candidate {
            id: Uuid::from_u128(n),
            open_tickets: open,
            skills: skills.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn round_robin_takes_turns_and_wraps() {
        let team = [member(1, 0, &[]), member(2, 9, &[]), member(3, 0, &[])];
        let mut last = None;
        let mut order = Vec::new();
        for _ in 0..4 {
            last = pick(Strategy::RoundRobin, &team, last, None);
            order.push(last.unwrap().as_u128());
        }
        assert_eq!(order, [1, 2, 3, 1]);
    }

    #[test]
    fn least_open_prefers_the_lightest_load_and_rotates_ties() {
        let team = [member(1, 3, &[]), member(2, 1, &[]), member(3, 1, &[])];
        assert_eq!(
            pick(Strategy::LeastOpen, &team, None, None),
            Some(Uuid::from_u128(2))
        );
        assert_eq!(
            pick(Strategy::LeastOpen, &team, Some(Uuid::from_u128(2)), None),
            Some(Uuid::from_u128(3))
        );
    }

    #[test]
    fn skill_based_only_picks_the_qualified() {
        let team = [
            member(1, 0, &["printers"]),
            member(2, 0, &[]),
            member(3, 5, &["printers", "network"]),
        ];
        assert_eq!(
            pick(Strategy::SkillBased, &team, None, Some("network")),
            Some(Uuid::from_u128(3))
        );
        assert_eq!(
            pick(Strategy::SkillBased, &team, None, Some("printers")),
            Some(Uuid::from_u128(1))
        );
        assert_eq!(
            pick(Strategy::SkillBased, &team, None, Some("plumbing")),
            None
        );
        assert_eq!(pick(Strategy::RoundRobin, &[], None, None), None);
    }
}
