//! sea-orm entities of the accounts database, one module per table.

/// A tenant (client company).
pub mod tenant {
    use sea_orm::entity::prelude::*;

    /// A row of `tenants`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "tenants")]
    pub struct Model {
        /// Column `id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Column `slug`.
        pub slug: String,
        /// Column `name`.
        pub name: String,
        /// Column `status`.
        pub status: String,
        /// Column `plan`.
        pub plan: String,
        /// Column `time_zone`.
        pub time_zone: String,
        /// Column `locale`.
        pub locale: String,
        /// Column `business_hours_calendar`.
        pub business_hours_calendar: Option<String>,
        /// Column `version`.
        pub version: i64,
        /// Column `created_at`.
        pub created_at: DateTimeUtc,
        /// Column `updated_at`.
        pub updated_at: DateTimeUtc,
        /// Column `deleted_at`.
        pub deleted_at: Option<DateTimeUtc>,
    }

    /// No declared relations; joins are explicit in queries.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A user of a tenant (staff or portal customer).
pub mod user {
    use sea_orm::entity::prelude::*;

    /// A row of `users`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "users")]
    pub struct Model {
        /// Column `id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Column `tenant_id`.
        pub tenant_id: Uuid,
        /// Column `email`.
        pub email: String,
        /// Column `email_normalized`.
        pub email_normalized: String,
        /// Column `name`.
        pub name: String,
        /// Column `phone`.
        pub phone: Option<String>,
        /// Column `password_hash`.
        pub password_hash: Option<String>,
        /// Column `status`.
        pub status: String,
        /// Column `roles`.
        pub roles: String,
        /// Column `customer_id`.
        pub customer_id: Option<Uuid>,
        /// Column `contact_id`.
        pub contact_id: Option<Uuid>,
        /// Column `failed_logins`.
        pub failed_logins: i64,
        /// Column `failed_window_start`.
        pub failed_window_start: Option<DateTimeUtc>,
        /// Column `locked_until`.
        pub locked_until: Option<DateTimeUtc>,
        /// Column `last_login_at`.
        pub last_login_at: Option<DateTimeUtc>,
        /// Column `version`.
        pub version: i64,
        /// Column `created_at`.
        pub created_at: DateTimeUtc,
        /// Column `updated_at`.
        pub updated_at: DateTimeUtc,
    }

    /// No declared relations; joins are explicit in queries.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A platform operator (no tenant).
pub mod operator {
    use sea_orm::entity::prelude::*;

    /// A row of `operators`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "operators")]
    pub struct Model {
        /// Column `id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Column `email`.
        pub email: String,
        /// Column `name`.
        pub name: String,
        /// Column `password_hash`.
        pub password_hash: String,
        /// Column `failed_logins`.
        pub failed_logins: i64,
        /// Column `failed_window_start`.
        pub failed_window_start: Option<DateTimeUtc>,
        /// Column `locked_until`.
        pub locked_until: Option<DateTimeUtc>,
        /// Column `last_login_at`.
        pub last_login_at: Option<DateTimeUtc>,
        /// Column `created_at`.
        pub created_at: DateTimeUtc,
    }

    /// No declared relations; joins are explicit in queries.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A role: a named set of scopes.
pub mod role {
    use sea_orm::entity::prelude::*;

    /// A row of `roles`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "roles")]
    pub struct Model {
        /// Column `id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Column `tenant_id`.
        pub tenant_id: Uuid,
        /// Column `key`.
        pub key: String,
        /// Column `name`.
        pub name: String,
        /// Column `description`.
        pub description: Option<String>,
        /// Column `scopes`.
        pub scopes: String,
        /// Column `builtin`.
        pub builtin: bool,
        /// Column `version`.
        pub version: i64,
        /// Column `created_at`.
        pub created_at: DateTimeUtc,
        /// Column `updated_at`.
        pub updated_at: DateTimeUtc,
    }

    /// No declared relations; joins are explicit in queries.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A team or department.
pub mod team {
    use sea_orm::entity::prelude::*;

    /// A row of `teams`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "teams")]
    pub struct Model {
        /// Column `id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Column `tenant_id`.
        pub tenant_id: Uuid,
        /// Column `name`.
        pub name: String,
        /// Column `description`.
        pub description: Option<String>,
        /// Column `version`.
        pub version: i64,
        /// Column `created_at`.
        pub created_at: DateTimeUtc,
        /// Column `updated_at`.
        pub updated_at: DateTimeUtc,
    }

    /// No declared relations; joins are explicit in queries.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Membership of a user in a team.
pub mod team_member {
    use sea_orm::entity::prelude::*;

    /// A row of `team_members`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "team_members")]
    pub struct Model {
        /// Column `team_id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub team_id: Uuid,
        /// Column `user_id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: Uuid,
        /// Column `tenant_id`.
        pub tenant_id: Uuid,
        /// Column `created_at`.
        pub created_at: DateTimeUtc,
    }

    /// No declared relations; joins are explicit in queries.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A single-use invitation to set a password.
pub mod invitation {
    use sea_orm::entity::prelude::*;

    /// A row of `invitations`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "invitations")]
    pub struct Model {
        /// Column `id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Column `tenant_id`.
        pub tenant_id: Uuid,
        /// Column `user_id`.
        pub user_id: Uuid,
        /// Column `token_hash`.
        pub token_hash: String,
        /// Column `expires_at`.
        pub expires_at: DateTimeUtc,
        /// Column `accepted_at`.
        pub accepted_at: Option<DateTimeUtc>,
        /// Column `created_at`.
        pub created_at: DateTimeUtc,
    }

    /// No declared relations; joins are explicit in queries.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A login session: one refresh-token family.
pub mod session {
    use sea_orm::entity::prelude::*;

    /// A row of `sessions`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sessions")]
    pub struct Model {
        /// Column `id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Column `tenant_id`.
        pub tenant_id: Option<Uuid>,
        /// Column `subject_id`.
        pub subject_id: Uuid,
        /// Column `user_agent`.
        pub user_agent: Option<String>,
        /// Column `created_at`.
        pub created_at: DateTimeUtc,
        /// Column `last_used_at`.
        pub last_used_at: DateTimeUtc,
        /// Column `expires_at`.
        pub expires_at: DateTimeUtc,
        /// Column `revoked_at`.
        pub revoked_at: Option<DateTimeUtc>,
        /// Column `revoked_reason`.
        pub revoked_reason: Option<String>,
    }

    /// No declared relations; joins are explicit in queries.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// One refresh token of a session; single use.
pub mod refresh_token {
    use sea_orm::entity::prelude::*;

    /// A row of `refresh_tokens`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "refresh_tokens")]
    pub struct Model {
        /// Column `id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Column `session_id`.
        pub session_id: Uuid,
        /// Column `token_hash`.
        pub token_hash: String,
        /// Column `expires_at`.
        pub expires_at: DateTimeUtc,
        /// Column `used_at`.
        pub used_at: Option<DateTimeUtc>,
        /// Column `created_at`.
        pub created_at: DateTimeUtc,
    }

    /// No declared relations; joins are explicit in queries.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// An API client of a third party.
pub mod api_client {
    use sea_orm::entity::prelude::*;

    /// A row of `api_clients`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "api_clients")]
    pub struct Model {
        /// Column `id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Column `tenant_id`.
        pub tenant_id: Uuid,
        /// Column `name`.
        pub name: String,
        /// Column `client_id`.
        pub client_id: String,
        /// Column `secret_hash`.
        pub secret_hash: String,
        /// Column `scopes`.
        pub scopes: String,
        /// Column `status`.
        pub status: String,
        /// Column `last_used_at`.
        pub last_used_at: Option<DateTimeUtc>,
        /// Column `version`.
        pub version: i64,
        /// Column `created_at`.
        pub created_at: DateTimeUtc,
        /// Column `updated_at`.
        pub updated_at: DateTimeUtc,
    }

    /// No declared relations; joins are explicit in queries.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A token signing key, private half sealed with the master key.
pub mod signing_key {
    use sea_orm::entity::prelude::*;

    /// A row of `signing_keys`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "signing_keys")]
    pub struct Model {
        /// Column `kid`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub kid: String,
        /// Column `private_key_sealed`.
        pub private_key_sealed: Vec<u8>,
        /// Column `public_x`.
        pub public_x: String,
        /// Column `status`.
        pub status: String,
        /// Column `created_at`.
        pub created_at: DateTimeUtc,
        /// Column `retired_at`.
        pub retired_at: Option<DateTimeUtc>,
    }

    /// No declared relations; joins are explicit in queries.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// One security-relevant action.
pub mod audit_entry {
    use sea_orm::entity::prelude::*;

    /// A row of `audit_log`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_log")]
    pub struct Model {
        /// Column `id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Column `tenant_id`.
        pub tenant_id: Option<Uuid>,
        /// Column `actor_id`.
        pub actor_id: Option<Uuid>,
        /// Column `action`.
        pub action: String,
        /// Column `target_type`.
        pub target_type: Option<String>,
        /// Column `target_id`.
        pub target_id: Option<Uuid>,
        /// Column `ip`.
        pub ip: Option<String>,
        /// Column `details`.
        pub details: String,
        /// Column `created_at`.
        pub created_at: DateTimeUtc,
    }

    /// No declared relations; joins are explicit in queries.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A single-use password-reset token.
pub mod password_reset {
    use sea_orm::entity::prelude::*;

    /// A row of `password_resets`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "password_resets")]
    pub struct Model {
        /// Column `id`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Column `tenant_id`.
        pub tenant_id: Uuid,
        /// Column `user_id`.
        pub user_id: Uuid,
        /// Column `token_hash`.
        pub token_hash: String,
        /// Column `expires_at`.
        pub expires_at: DateTimeUtc,
        /// Column `used_at`.
        pub used_at: Option<DateTimeUtc>,
        /// Column `created_at`.
        pub created_at: DateTimeUtc,
    }

    /// No declared relations; joins are explicit in queries.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

// The tenant-scoped store's view of each tenant table (kefu_platform::store).
kefu_platform::tenant_table!(user, versioned);
kefu_platform::tenant_table!(role, versioned);
kefu_platform::tenant_table!(team, versioned);
kefu_platform::tenant_table!(team_member);
kefu_platform::tenant_table!(invitation, keyed);
kefu_platform::tenant_table!(api_client, versioned);
kefu_platform::tenant_table!(password_reset, keyed);
