//! The conversation of a ticket: replies and internal notes, with what a reply moves
//! (first response, a customer's reply reopening a pending ticket, the SLA clocks, the
//! trail, `ticket.replied` and the mail to the requester).

use chrono::{DateTime, Utc};
use kefu_events::catalogue::tickets::{TicketReplied, TicketReplyData};
use kefu_platform::validation::{Checks, Validate};
use kefu_platform::ApiError;
use sea_orm::DatabaseTransaction;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::access::Caller;
use super::announce::{emit, ticket_data};
use super::changes::{record_change, Announce, Cause, Change};
use super::tickets::visible_ticket;
use crate::domain::ids::TicketId;
use crate::domain::status::{self, Status};
use crate::error_codes;
use crate::store::comments::CommentStore;
use crate::store::entities::ticket_comment;

/// A reply to the requester or an internal note.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"body": "Could you send a photo of the printed page?", "public": true}))]
pub struct NewCommentBody {
    /// Text, 1–20 000 characters.
    #[schema(max_length = 20000)]
    pub body: String,
    /// Public reply (default) or internal note (`false`; staff only).
    #[serde(default = "kefu_platform::json::default_true")]
    pub public: bool,
}

impl Validate for NewCommentBody {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        checks.length("body", self.body.trim(), 1, 20_000);
        checks.finish()
    }
}

/// Queues the staff's public reply to the ticket's requester, if tickets knows their
/// address (a portal user or staff member from accounts' directory).
async fn mail_requester(
    txn: &DatabaseTransaction,
    ticket: &crate::store::entities::ticket::Model,
    comment: &ticket_comment::Model,
) -> Result<(), ApiError> {
    let Some(requester) = ticket
        .requester_id
        .filter(|r| Some(*r) != comment.author_id)
    else {
        return Ok(());
    };
    let Some(user) = crate::store::directory::user(txn, ticket.tenant_id, requester).await? else {
        return Ok(());
    };
    let email = kefu_platform::mail::Email {
        to: user.email,
        subject: format!("[#{}] {}", ticket.number, ticket.subject),
        text: format!(
            "{}\n\n--\nReply in the portal to continue the conversation about ticket #{}.\n",
            comment.body, ticket.number
        ),
    };
    kefu_platform::mail::queue(txn, email).await?;
    Ok(())
}

/// Adds a reply or note to ticket `id` in `txn`: first response, a customer's reply
/// reopening a pending ticket, the SLA clocks, the trail and `ticket.replied`.
pub async fn reply(
    txn: &DatabaseTransaction,
    ctx: &kefu_platform::auth::TenantContext,
    caller: Caller,
    id: TicketId,
    body: NewCommentBody,
    now: DateTime<Utc>,
) -> Result<ticket_comment::Model, ApiError> {
    if !body.public && !caller.sees_internal() {
        return Err(ApiError::field(
            "public",
            "portal users write public replies only",
        ));
    }
    let before = visible_ticket(txn, ctx, caller, id).await?;
    let current = Status::parse(&before.status).unwrap_or(Status::Open);
    if current.is_final() {
        return Err(ApiError::conflict(
            error_codes::TICKET_FINAL,
            format!("the ticket is {}; open a new one", current.as_str()),
        ));
    }
    let author_kind = if caller.sees_internal() {
        "staff"
    } else {
        "customer"
    };
    let comment = CommentStore::new(txn, ctx.tenant_id)
        .insert(ticket_comment::Model {
            id: Uuid::now_v7(),
            tenant_id: ctx.tenant_id.uuid(),
            ticket_id: before.id,
            author_id: Some(ctx.actor),
            author_kind: author_kind.into(),
            public: body.public,
            body: body.body,
            created_at: now,
        })
        .await?;
    let mut ticket = before.clone();
    if body.public && author_kind == "staff" && ticket.first_response_at.is_none() {
        ticket.first_response_at = Some(now);
    }
    if author_kind == "customer" {
        ticket.status = status::after_customer_reply(current).as_str().into();
    }
    let via = if author_kind == "staff" {
        "user"
    } else {
        "portal"
    };
    // A reply touches the ticket even when no field moves (automations count from it).
    ticket.updated_at = now;
    let change = Change {
        announce: Announce::ByCaller,
        ..Change::updated(&before, ticket, Cause::by(Some(ctx.actor), via))
    };
    let ticket = record_change(txn, ctx.tenant_id, change, now).await?;
    let staff = author_kind == "staff";
    crate::app::clocks::on_replied(txn, ctx.tenant_id, &ticket, staff, comment.public, now).await?;
    let reply = TicketReplyData {
        ticket: ticket_data(&ticket),
        comment_id: comment.id,
        public: comment.public,
        author_kind: comment.author_kind.clone(),
        author_id: comment.author_id,
    };
    emit(
        txn,
        ctx.tenant_id.uuid(),
        Some(ctx.actor),
        TicketReplied(reply),
    )
    .await?;
    if comment.public && author_kind == "staff" {
        mail_requester(txn, &ticket, &comment).await?;
    }
    Ok(comment)
}
