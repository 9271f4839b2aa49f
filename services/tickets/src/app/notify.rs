//! E-mail to the staff holding a role (trigger, automation and escalation notifications).

use kefu_platform::mail::{queue, Email};
use sea_orm::{DatabaseTransaction, DbErr};

use crate::store::decode_list;
use crate::store::entities::ticket;

/// Queues, in `txn`, a message about `ticket` to every active staff user of its tenant
/// holding `role`; returns how many were queued.
pub async fn role(
    txn: &DatabaseTransaction,
    ticket: &ticket::Model,
    role: &str,
    why: &str,
) -> Result<usize, DbErr> {
    let staff = crate::store::directory::active_staff(txn, ticket.tenant_id).await?;
    let mut queued = 0;
    for user in staff
        .into_iter()
        .filter(|u| decode_list::<String>(&u.roles).iter().any(|r| r == role))
    {
        let email = Email {
            to: user.email,
            subject: format!("[#{}] {} — {why}", ticket.number, ticket.subject),
            text: format!(
                "{why}\n\nTicket #{}: {}\nStatus: {}, priority: {}\nid: {}\n",
                ticket.number, ticket.subject, ticket.status, ticket.priority, ticket.id
            ),
        };
        queue(txn, email).await?;
        queued += 1;
    }
    Ok(queued)
}
