//! Dispatch rules, the team members they choose from, their loads and skills.

use chrono::{DateTime, Utc};
use kefu_platform::concurrency::IfMatch;
use kefu_platform::ids::TenantId;
use kefu_platform::store::TenantStore;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use super::decode_list;
use super::entities::{agent_skill, directory_user, dispatch_rule, ticket};
use crate::domain::dispatch::Candidate;

/// The unsolved statuses: tickets that still count toward an agent's load.
pub const UNSOLVED: [&str; 4] = ["new", "open", "pending", "on_hold"];

/// Dispatch data of one tenant.
pub struct DispatchStore<'a, C> {
    conn: &'a C,
    tenant: TenantId,
}

impl<'a, C: ConnectionTrait> DispatchStore<'a, C> {
    /// A store scoped to `tenant`.
    pub fn new(conn: &'a C, tenant: TenantId) -> Self {
        Self { conn, tenant }
    }

    /// Every rule, oldest first.
    pub async fn rules(&self) -> Result<Vec<dispatch_rule::Model>, DbErr> {
        TenantStore::<_, dispatch_rule::Entity>::new(self.conn, self.tenant)
            .find()
            .order_by_asc(dispatch_rule::Column::Id)
            .all(self.conn)
            .await
    }

    /// One rule.
    pub async fn rule(&self, id: Uuid) -> Result<Option<dispatch_rule::Model>, DbErr> {
        TenantStore::<_, dispatch_rule::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(dispatch_rule::Column::Id.eq(id))
            .one(self.conn)
            .await
    }

    /// The rule of a team, if it has one.
    pub async fn rule_of_team(&self, team: Uuid) -> Result<Option<dispatch_rule::Model>, DbErr> {
        TenantStore::<_, dispatch_rule::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(dispatch_rule::Column::TeamId.eq(team))
            .one(self.conn)
            .await
    }

    /// Adds a rule.
    pub async fn insert_rule(
        &self,
        mut model: dispatch_rule::Model,
    ) -> Result<dispatch_rule::Model, DbErr> {
        model.tenant_id = self.tenant.uuid();
        dispatch_rule::Entity::insert(dispatch_rule::ActiveModel::from(model.clone()))
            .exec_without_returning(self.conn)
            .await?;
        Ok(model)
    }

    /// Writes a rule (its rotation pointer or settings); `version` bumps on settings changes.
    pub async fn save_rule(
        &self,
        model: dispatch_rule::Model,
        if_match: &IfMatch,
    ) -> Result<dispatch_rule::Model, DbErr> {
        TenantStore::<_, dispatch_rule::Entity>::new(self.conn, self.tenant)
            .save(model, if_match)
            .await
    }

    /// Records who a rule assigned last: the round-robin cursor is the rule's running
    /// state, not its configuration, so it moves without a version (a dispatch must not
    /// refuse a ticket because another dispatch moved the cursor, nor make an admin's
    /// edit of the rule a 412).
    pub async fn move_cursor(&self, rule: Uuid, assignee: Uuid) -> Result<(), DbErr> {
        TenantStore::<_, dispatch_rule::Entity>::new(self.conn, self.tenant)
            .update_many()
            .col_expr(
                dispatch_rule::Column::LastAssigneeId,
                sea_orm::sea_query::Expr::value(assignee),
            )
            .filter(dispatch_rule::Column::Id.eq(rule))
            .exec(self.conn)
            .await?;
        Ok(())
    }

    /// Deletes a rule.
    pub async fn delete_rule(&self, id: Uuid) -> Result<(), DbErr> {
        TenantStore::<_, dispatch_rule::Entity>::new(self.conn, self.tenant)
            .delete_many()
            .filter(dispatch_rule::Column::Id.eq(id))
            .exec(self.conn)
            .await?;
        Ok(())
    }

    /// Active staff members of `team`, with their loads and current skills.
    pub async fn candidates(
        &self,
        team: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Vec<Candidate>, DbErr> {
        // Team ids are stored as a JSON array of UUIDs; the quoted id matches exactly.
        let members = directory_user::Entity::find()
            .filter(directory_user::Column::TenantId.eq(self.tenant))
            .filter(directory_user::Column::Status.eq("active"))
            .filter(directory_user::Column::CustomerId.is_null())
            .filter(directory_user::Column::TeamIds.contains(format!("\"{team}\"")))
            .all(self.conn)
            .await?;
        let mut out = Vec::with_capacity(members.len());
        for member in members {
            let team_ids: Vec<Uuid> = decode_list(&member.team_ids);
            if !team_ids.contains(&team) {
                continue;
            }
            let open_tickets = TenantStore::<_, ticket::Entity>::new(self.conn, self.tenant)
                .find()
                .filter(ticket::Column::AssigneeId.eq(member.id))
                .filter(ticket::Column::Status.is_in(UNSOLVED))
                .count(self.conn)
                .await?;
            let skills = TenantStore::<_, agent_skill::Entity>::new(self.conn, self.tenant)
                .find()
                .filter(agent_skill::Column::UserId.eq(member.id))
                .all(self.conn)
                .await?
                .into_iter()
                .filter(|s| s.expires_at.is_none_or(|at| at > now))
                .map(|s| s.skill)
                .collect();
            out.push(Candidate {
                id: member.id,
                open_tickets,
                skills,
            });
        }
        Ok(out)
    }

    /// Records that `user` holds `skill` (until `expires_at`).
    pub async fn grant_skill(
        &self,
        user: Uuid,
        skill: &str,
        expires_at: Option<DateTime<Utc>>,
    ) -> Result<(), DbErr> {
        agent_skill::Entity::insert(agent_skill::ActiveModel::from(agent_skill::Model {
            tenant_id: self.tenant.uuid(),
            user_id: user,
            skill: skill.into(),
            expires_at,
        }))
        .on_conflict(
            OnConflict::columns([
                agent_skill::Column::TenantId,
                agent_skill::Column::UserId,
                agent_skill::Column::Skill,
            ])
            .update_column(agent_skill::Column::ExpiresAt)
            .to_owned(),
        )
        .exec_without_returning(self.conn)
        .await?;
        Ok(())
    }

    /// Removes a skill of `user`.
    pub async fn withdraw_skill(&self, user: Uuid, skill: &str) -> Result<(), DbErr> {
        TenantStore::<_, agent_skill::Entity>::new(self.conn, self.tenant)
            .delete_many()
            .filter(agent_skill::Column::UserId.eq(user))
            .filter(agent_skill::Column::Skill.eq(skill))
            .exec(self.conn)
            .await?;
        Ok(())
    }

    /// Unsolved tickets assigned to `user`.
    pub async fn unsolved_of(&self, user: Uuid) -> Result<Vec<ticket::Model>, DbErr> {
        TenantStore::<_, ticket::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(ticket::Column::AssigneeId.eq(user))
            .filter(ticket::Column::Status.is_in(UNSOLVED))
            .all(self.conn)
            .await
    }
}
