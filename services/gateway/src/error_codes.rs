//! The gateway's public error codes, beside the platform's own (`kefu_platform::error::codes`).

kefu_platform::error_codes! {
    CORS_REJECTED = 400 "cors_rejected", "a preflight's origin, method or headers are not allowed by the CORS policy";
    UNREADABLE_BODY = 400 "unreadable_body", "the request body could not be read to forward it";
}
