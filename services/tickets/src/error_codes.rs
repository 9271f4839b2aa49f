//! Tickets' public error codes, beside the platform's own (`kefu_platform::error::codes`).

kefu_platform::error_codes! {
    EMPTY_FILE = 400 "empty_file", "an attachment upload had an empty body";
    TICKET_FINAL = 409 "ticket_final", "the ticket is closed (or merged) and takes no more changes of this kind";
    OPEN_CHILDREN = 409 "open_children", "a parent ticket cannot be solved while a child ticket is open";
    ALREADY_LINKED = 409 "already_linked", "the two tickets are linked already";
    HAS_PARENT = 409 "has_parent", "the child ticket has a parent already";
    LINK_CYCLE = 409 "link_cycle", "the link would make a ticket its own ancestor";
    CALENDAR_NAME_TAKEN = 409 "calendar_name_taken", "a business-hours calendar with this name exists";
    CALENDAR_IN_USE = 409 "calendar_in_use", "an SLA policy uses the calendar";
    FIELD_KEY_TAKEN = 409 "field_key_taken", "a custom field with this key exists";
    TEAM_HAS_RULE = 409 "team_has_rule", "the team has a dispatch rule; change that one";
    MACRO_NAME_TAKEN = 409 "macro_name_taken", "a macro with this name exists";
    CATEGORY_NAME_TAKEN = 409 "category_name_taken", "a knowledge-base category with this name exists";
}
