//! Scope marker types: a handler names the scope it needs in its signature.

/// A scope a handler requires, as a type.
pub trait RequiredScope {
    /// The scope string, e.g. `accounts:read`.
    const SCOPE: &'static str;
}

macro_rules! scopes {
    ($($name:ident => $scope:literal : $what:literal),* $(,)?) => {
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
        /// Every scope with what it allows, for the OpenAPI security scheme.
        pub const DESCRIBED: &[(&str, &str)] = &[$(($scope, $what)),*];
    };
}

scopes! {
    AccountsRead => "accounts:read" : "Read users, teams, roles and the tenant's settings",
    AccountsWrite => "accounts:write" : "Invite and change users, manage teams",
    AccountsAdmin => "accounts:admin" : "Roles, API clients, the tenant's settings and audit log",
    CustomersRead => "customers:read" : "Read customers, contacts, values, care plans and agreements",
    CustomersWrite => "customers:write" : "Create and change customers, contacts, interactions, care plans, agreements",
    CustomersAdmin => "customers:admin" : "Customer settings: tiers, ABC classes, value bands",
    TicketsRead => "tickets:read" : "Read tickets, their conversation, history and SLA clocks",
    TicketsWrite => "tickets:write" : "Create, reply to and work tickets",
    TicketsAssign => "tickets:assign" : "Assign tickets to agents and teams",
    TicketsAdmin => "tickets:admin" : "SLA policies, calendars, rules, macros, custom fields, dispatch",
    KbRead => "kb:read" : "Read knowledge-base articles",
    KbWrite => "kb:write" : "Write, publish and archive knowledge-base articles",
    SurveysRead => "surveys:read" : "Read surveys, responses and results",
    SurveysWrite => "surveys:write" : "Run surveys and follow-up visits",
    SurveysAdmin => "surveys:admin" : "Survey templates, research plans and survey settings",
    TrainingRead => "training:read" : "Read courses, sessions, enrolments and certifications",
    TrainingWrite => "training:write" : "Run courses, sessions, assessments and enrolments",
    TrainingAdmin => "training:admin" : "Training plans, question banks and certification rules",
    ReportsRead => "reports:read" : "Read reports and dashboards",
    ReportsExport => "reports:export" : "Export reports (CSV, XLSX, charts)",
    IntegrationsAdmin => "integrations:admin" : "Webhooks and the event feed",
    Portal => "portal" : "A portal customer's own tickets, surveys and enrolments",
    PlatformAdmin => "platform:admin" : "Platform operators only: tenants and plans",
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
