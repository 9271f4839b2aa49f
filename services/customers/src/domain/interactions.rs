//! Which interaction a moment of a customer's ticket leaves on the customer's record.

use super::fields::{ContactChannel, Direction};

/// A moment in a ticket's life that customers hears of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketMoment {
    /// The ticket was opened.
    Created,
    /// Someone wrote on it.
    Replied {
        /// A public reply rather than an internal note.
        public: bool,
        /// Written by the customer rather than staff.
        by_customer: bool,
    },
    /// It was solved.
    Solved,
    /// It was closed.
    Closed,
}

/// The interaction channel of a ticket channel: web forms and API calls reach the
/// customer through the portal.
pub fn channel_of(ticket_channel: &str) -> ContactChannel {
    match ticket_channel {
        "phone" => ContactChannel::Phone,
        "email" => ContactChannel::Email,
        "chat" => ContactChannel::Chat,
        _ => ContactChannel::Portal,
    }
}

/// The channel, direction and summary of the interaction `moment` leaves, if any:
/// internal notes are between staff and leave none.
pub fn interaction_of(
    moment: TicketMoment,
    ticket_channel: &str,
    number: i64,
    subject: &str,
) -> Option<(ContactChannel, Direction, String)> {
    let channel = channel_of(ticket_channel);
    let (direction, what) = match moment {
        TicketMoment::Created => (Direction::Inbound, "opened"),
        TicketMoment::Replied { public: false, .. } => return None,
        TicketMoment::Replied {
            by_customer: true, ..
        } => (Direction::Inbound, "customer replied on"),
        TicketMoment::Replied { .. } => (Direction::Outbound, "staff replied on"),
        TicketMoment::Solved => (Direction::Outbound, "solved"),
        TicketMoment::Closed => (Direction::Outbound, "closed"),
    };
    let summary = match moment {
        TicketMoment::Replied { .. } => format!("{what} ticket #{number}: {subject}"),
        _ => format!("Ticket #{number} {what}: {subject}"),
    };
    Some((channel, direction, summary))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ticket_opens_inbound_and_closes_outbound() {
        let opened = interaction_of(TicketMoment::Created, "email", 12, "Noisy pump").unwrap();
        let closed = interaction_of(TicketMoment::Closed, "web", 12, "Noisy pump").unwrap();
        assert_eq!(
            opened,
            (
                ContactChannel::Email,
                Direction::Inbound,
                "Ticket #12 opened: Noisy pump".into()
            )
        );
        assert_eq!(closed.0, ContactChannel::Portal);
        assert_eq!(closed.1, Direction::Outbound);
    }

    #[test]
    fn replies_go_by_their_author_and_notes_leave_nothing() {
        let by_customer = TicketMoment::Replied {
            public: true,
            by_customer: true,
        };
        let by_staff = TicketMoment::Replied {
            public: true,
            by_customer: false,
        };
        let note = TicketMoment::Replied {
            public: false,
            by_customer: false,
        };
        assert_eq!(
            interaction_of(by_customer, "phone", 1, "S").unwrap().1,
            Direction::Inbound
        );
        assert_eq!(
            interaction_of(by_staff, "phone", 1, "S").unwrap().1,
            Direction::Outbound
        );
        assert_eq!(interaction_of(note, "phone", 1, "S"), None);
    }
}
