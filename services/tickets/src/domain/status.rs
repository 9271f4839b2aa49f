//! The ticket status machine (PRODUCT.md §3.3).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where a ticket is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Not yet looked at.
    New,
    /// Being worked on.
    Open,
    /// Waiting on the customer.
    Pending,
    /// Waiting on a third party.
    OnHold,
    /// Solved; may be reopened until closed.
    Solved,
    /// Final.
    Closed,
    /// Final: withdrawn or a mistake.
    Cancelled,
}

impl Status {
    /// Every status.
    pub const ALL: [Status; 7] = [
        Status::New,
        Status::Open,
        Status::Pending,
        Status::OnHold,
        Status::Solved,
        Status::Closed,
        Status::Cancelled,
    ];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Open => "open",
            Status::Pending => "pending",
            Status::OnHold => "on_hold",
            Status::Solved => "solved",
            Status::Closed => "closed",
            Status::Cancelled => "cancelled",
        }
    }

    /// The status named `name`.
    pub fn parse(name: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// The statuses a ticket may move to from this one.
    pub fn allowed_next(self) -> &'static [Status] {
        use Status::*;
        match self {
            New => &[Open, Pending, OnHold, Solved, Cancelled],
            Open => &[Pending, OnHold, Solved, Cancelled],
            Pending => &[Open, OnHold, Solved, Cancelled],
            OnHold => &[Open, Pending, Solved, Cancelled],
            Solved => &[Open, Closed],
            Closed | Cancelled => &[],
        }
    }

    /// Whether nothing can follow.
    pub fn is_final(self) -> bool {
        self.allowed_next().is_empty()
    }

    /// Whether the ticket still needs work (counts as open for customers and dispatch).
    pub fn is_unsolved(self) -> bool {
        matches!(
            self,
            Status::New | Status::Open | Status::Pending | Status::OnHold
        )
    }
}

/// A refused transition, with what would have been allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IllegalTransition {
    /// Current status.
    pub from: Status,
    /// Requested status.
    pub to: Status,
    /// What `from` allows.
    pub allowed: &'static [Status],
}

/// Checks a move; moving to the same status is no move and always allowed.
pub fn transition(from: Status, to: Status) -> Result<(), IllegalTransition> {
    if from == to || from.allowed_next().contains(&to) {
        Ok(())
    } else {
        Err(IllegalTransition {
            from,
            to,
            allowed: from.allowed_next(),
        })
    }
}

/// Whether a move is a reopen (counted on the ticket).
pub fn is_reopen(from: Status, to: Status) -> bool {
    from == Status::Solved && to == Status::Open
}

/// The status a customer's public reply leaves the ticket in.
pub fn after_customer_reply(current: Status) -> Status {
    match current {
        Status::Pending => Status::Open,
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_of_the_spec() {
        use Status::*;
        assert!(transition(New, Solved).is_ok());
        assert!(transition(Pending, Open).is_ok());
        assert!(transition(Solved, Open).is_ok());
        assert!(transition(Solved, Closed).is_ok());
        let refused = transition(Open, New).unwrap_err();
        assert_eq!(refused.allowed, &[Pending, OnHold, Solved, Cancelled]);
        assert!(transition(Solved, Pending).is_err());
        assert!(
            transition(New, Closed).is_err(),
            "only solved tickets close"
        );
        for to in Status::ALL {
            if to != Closed {
                assert!(transition(Closed, to).is_err());
            }
            if to != Cancelled {
                assert!(transition(Cancelled, to).is_err());
            }
        }
    }

    #[test]
    fn names_round_trip() {
        for status in Status::ALL {
            assert_eq!(Status::parse(status.as_str()), Some(status));
        }
        assert_eq!(Status::parse("deleted"), None);
    }

    #[test]
    fn only_solved_to_open_is_a_reopen_and_customers_reopen_pending() {
        assert!(is_reopen(Status::Solved, Status::Open));
        assert!(!is_reopen(Status::Pending, Status::Open));
        assert_eq!(after_customer_reply(Status::Pending), Status::Open);
        assert_eq!(after_customer_reply(Status::OnHold), Status::OnHold);
    }
}
