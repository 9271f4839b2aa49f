//! Accounts' public error codes, beside the platform's own (`kefu_platform::error::codes`).

kefu_platform::error_codes! {
    EMAIL_TAKEN = 409 "email_taken", "a user with this email exists in the tenant";
    SLUG_TAKEN = 409 "slug_taken", "a tenant with this slug exists";
    TENANT_DELETED = 409 "tenant_deleted", "the tenant is deleted, so its plan cannot change";
    CANNOT_DISABLE_SELF = 409 "cannot_disable_self", "a user tried to disable their own account";
    LAST_OWNER = 409 "last_owner", "the change would leave the tenant without an active owner";
    ROLE_KEY_TAKEN = 409 "role_key_taken", "a role with this key exists in the tenant";
    OWNER_ROLE_FIXED = 409 "owner_role_fixed", "the scopes of the owner role cannot change";
    CUSTOMER_ROLE_FIXED = 409 "customer_role_fixed", "the customer (portal) role grants exactly `portal`";
    BUILTIN_ROLE = 409 "builtin_role", "a seeded role cannot be deleted";
    ROLE_IN_USE = 409 "role_in_use", "users or invitations still hold the role";
    TEAM_NAME_TAKEN = 409 "team_name_taken", "a team with this name exists in the tenant";
    CLIENT_REVOKED = 409 "client_revoked", "a revoked API client cannot get a new secret";
}
