//! Which one event a ticket change is (PRODUCT.md §3.3: one event per change, the
//! specific one where it exists).

use kefu_events::catalogue::tickets::TicketData;

/// The event a change of a ticket emits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketChange {
    /// `ticket.updated`
    Updated,
    /// `ticket.assigned`
    Assigned,
    /// `ticket.status_changed`
    StatusChanged,
    /// `ticket.solved`
    Solved,
    /// `ticket.reopened`
    Reopened,
    /// `ticket.closed`
    Closed,
    /// `ticket.cancelled`
    Cancelled,
}

/// The event for a ticket going from `before` to `after`; none if nothing consumers see changed.
///
/// A status change wins over an assignment, which wins over any other change: the
/// event carries the whole ticket, so consumers of the winner see the rest too.
pub fn ticket_change(before: &TicketData, after: &TicketData) -> Option<TicketChange> {
    if before.status != after.status {
        return Some(match (before.status.as_str(), after.status.as_str()) {
            (_, "solved") => TicketChange::Solved,
            ("solved", "open") => TicketChange::Reopened,
            (_, "closed") => TicketChange::Closed,
            (_, "cancelled") => TicketChange::Cancelled,
            _ => TicketChange::StatusChanged,
        });
    }
    if before.assignee_id != after.assignee_id {
        return Some(TicketChange::Assigned);
    }
    (before != after).then_some(TicketChange::Updated)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use uuid::Uuid;

    fn ticket(status: &str) -> TicketData {
        TicketData {
            ticket_id: Uuid::nil(),
            number: 1,
            subject: "Printer on fire".into(),
            customer_id: None,
            requester_id: None,
            kind: "incident".into(),
            priority: "normal".into(),
            channel: "phone".into(),
            team_id: None,
            assignee_id: None,
            status: status.into(),
            tags: Vec::new(),
            reopen_count: 0,
            created_at: Utc::now(),
            first_response_at: None,
            solved_at: None,
        }
    }

    #[test]
    fn status_changes_have_specific_types() {
        let cases = [
            ("open", "solved", TicketChange::Solved),
            ("solved", "open", TicketChange::Reopened),
            ("solved", "closed", TicketChange::Closed),
            ("new", "cancelled", TicketChange::Cancelled),
            ("open", "pending", TicketChange::StatusChanged),
        ];
        for (from, to, change) in cases {
            assert_eq!(
                ticket_change(&ticket(from), &ticket(to)),
                Some(change),
                "{from} -> {to}"
            );
        }
    }

    #[test]
    fn a_status_change_wins_over_an_assignment_which_wins_over_an_update() {
        let before = ticket("new");
        let mut after = ticket("open");
        after.assignee_id = Some(Uuid::now_v7());
        after.priority = "high".into();
        assert_eq!(
            ticket_change(&before, &after),
            Some(TicketChange::StatusChanged)
        );
        after.status = "new".into();
        assert_eq!(ticket_change(&before, &after), Some(TicketChange::Assigned));
        after.assignee_id = None;
        assert_eq!(ticket_change(&before, &after), Some(TicketChange::Updated));
        assert_eq!(ticket_change(&before, &before.clone()), None);
    }
}
