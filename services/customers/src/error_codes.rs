//! Customers' public error codes, beside the platform's own (`kefu_platform::error::codes`).

kefu_platform::error_codes! {
    MALFORMED_CSV = 400 "malformed_csv", "an import's CSV cannot be read, or lacks a required column";
    EXTERNAL_ID_TAKEN = 409 "external_id_taken", "a customer with this external id exists in the tenant";
    VALUE_YEAR_TAKEN = 409 "value_year_taken", "the customer has a value record for this year; change that one";
    AGREEMENT_NOT_EDITABLE = 409 "agreement_not_editable", "only a draft or sent agreement's terms can change";
}
