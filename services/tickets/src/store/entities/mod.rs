//! sea-orm entities of the tickets database, one module per table, kept in files by
//! concern and re-exported here, so every table is `entities::<table>`.

mod dispatch;
mod kb;
mod rules;
mod sla;
mod tickets;

pub use dispatch::{agent_skill, dispatch_rule};
pub use kb::{kb_article, kb_article_revision, kb_category, kb_ticket_link};
pub use kefu_directory::entities::{directory_tenant, directory_user};
pub use rules::{automation_firing, business_rule, ticket_macro};
pub use sla::{calendar, escalation_rule, sla_policy, ticket_sla, ticket_sla_log};
pub use tickets::{
    attachment, custom_field, directory_customer, ticket, ticket_comment, ticket_counter,
    ticket_follower, ticket_history, ticket_link, ticket_step, ticket_tag, ticket_view,
};

// The tenant-scoped store's view of each tenant table (kefu_platform::store).
kefu_platform::tenant_table!(ticket_counter);
kefu_platform::tenant_table!(ticket, versioned);
kefu_platform::tenant_table!(ticket_tag);
kefu_platform::tenant_table!(ticket_comment, keyed);
kefu_platform::tenant_table!(ticket_history, keyed);
kefu_platform::tenant_table!(calendar, versioned);
kefu_platform::tenant_table!(sla_policy, versioned);
kefu_platform::tenant_table!(ticket_sla, keyed);
kefu_platform::tenant_table!(ticket_sla_log, keyed);
kefu_platform::tenant_table!(dispatch_rule, versioned);
kefu_platform::tenant_table!(agent_skill);
kefu_platform::tenant_table!(escalation_rule, versioned);
kefu_platform::tenant_table!(directory_customer, keyed);
kefu_platform::tenant_table!(ticket_step, versioned);
kefu_platform::tenant_table!(ticket_link, keyed);
kefu_platform::tenant_table!(ticket_follower);
kefu_platform::tenant_table!(custom_field, versioned);
kefu_platform::tenant_table!(ticket_macro, versioned);
kefu_platform::tenant_table!(business_rule, versioned);
kefu_platform::tenant_table!(automation_firing);
kefu_platform::tenant_table!(ticket_view, versioned);
kefu_platform::tenant_table!(kb_category, versioned);
kefu_platform::tenant_table!(kb_article, versioned);
kefu_platform::tenant_table!(kb_article_revision, keyed);
kefu_platform::tenant_table!(kb_ticket_link);
kefu_platform::tenant_table!(attachment, keyed);
