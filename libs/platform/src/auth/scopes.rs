//! Scope marker types: a handler names the scope it needs in its signature.

/// A scope a handler requires, as a type.
pub trait RequiredScope {
    /// The scope string, e.g. `accounts:read`.
    const SCOPE: &'static str;
}

macro_rules! scopes {
    ($($name:ident => $scope:literal),* $(,)?) => {
        $(
            #[doc = concat!("The `", $scope, "` scope.")]
            #[derive(Debug, Clone, Copy)]
            pub struct $name;
            impl RequiredScope for $name {
                const SCOPE: &'static str = $scope;
            }
        )*
        /// Every scope of the catalogue (PRODUCT.md §2).
        pub const ALL: &[&str] = &[$($scope),*];
    };
}

scopes! {
    AccountsRead => "accounts:read",
    AccountsWrite => "accounts:write",
    AccountsAdmin => "accounts:admin",
    CustomersRead => "customers:read",
    CustomersWrite => "customers:write",
    CustomersAdmin => "customers:admin",
    TicketsRead => "tickets:read",
    TicketsWrite => "tickets:write",
    TicketsAssign => "tickets:assign",
    TicketsAdmin => "tickets:admin",
    KbRead => "kb:read",
    KbWrite => "kb:write",
    SurveysRead => "surveys:read",
    SurveysWrite => "surveys:write",
    SurveysAdmin => "surveys:admin",
    TrainingRead => "training:read",
    TrainingWrite => "training:write",
    TrainingAdmin => "training:admin",
    ReportsRead => "reports:read",
    ReportsExport => "reports:export",
    IntegrationsAdmin => "integrations:admin",
    Portal => "portal",
    PlatformAdmin => "platform:admin",
}

/// No scope: any valid token of a tenant (e.g. `GET /users/me`).
#[derive(Debug, Clone, Copy)]
pub struct AnyScope;
impl RequiredScope for AnyScope {
    const SCOPE: &'static str = "";
}

/// Whether `scope` is in the catalogue.
pub fn is_known(scope: &str) -> bool {
    ALL.contains(&scope)
}
