//! Who may see and change which tickets: staff by scope, portal users their own only.

use kefu_platform::auth::TenantContext;
use kefu_platform::ApiError;
use uuid::Uuid;

use crate::store::entities::ticket;

/// How the caller reaches tickets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    /// Staff or an API client with the named scope: every ticket of the tenant.
    Staff {
        /// Holds `tickets:assign`.
        can_assign: bool,
    },
    /// A portal user: only tickets they asked, never internal notes.
    Portal {
        /// The portal user.
        user: Uuid,
        /// Their customer.
        customer: Option<Uuid>,
    },
}

impl Caller {
    /// The caller as a reader (`tickets:read`, or `portal`).
    pub fn reader(ctx: &TenantContext) -> Result<Caller, ApiError> {
        Self::with_staff_scope(ctx, "tickets:read")
    }

    /// The caller as a writer (`tickets:write`, or `portal`).
    pub fn writer(ctx: &TenantContext) -> Result<Caller, ApiError> {
        Self::with_staff_scope(ctx, "tickets:write")
    }

    fn with_staff_scope(ctx: &TenantContext, scope: &str) -> Result<Caller, ApiError> {
        if ctx.has_scope(scope) {
            Ok(Caller::Staff {
                can_assign: ctx.has_scope("tickets:assign"),
            })
        } else if ctx.has_scope("portal") && ctx.is_user {
            Ok(Caller::Portal {
                user: ctx.actor,
                customer: ctx.customer_id,
            })
        } else {
            Err(ApiError::Forbidden(scope.into()))
        }
    }

    /// Whether the caller may see `ticket` (a portal user's others are a 404, not a 403).
    pub fn sees(&self, ticket: &ticket::Model) -> bool {
        match self {
            Caller::Staff { .. } => true,
            Caller::Portal { user, .. } => ticket.requester_id == Some(*user),
        }
    }

    /// Whether the caller sees internal notes.
    pub fn sees_internal(&self) -> bool {
        matches!(self, Caller::Staff { .. })
    }
}
