//! The merged OpenAPI document of every service, without starting anything.

/// The merged document, as the gateway serves it at `/openapi.json`.
pub fn merged(public_url: &str) -> serde_json::Value {
    let documents = vec![
        serde_json::to_value(kefu_accounts::openapi()).unwrap_or_default(),
        serde_json::to_value(kefu_customers::openapi()).unwrap_or_default(),
        serde_json::to_value(kefu_tickets::openapi()).unwrap_or_default(),
    ];
    let mut merged = kefu_gateway::merge_documents(documents);
    merged["servers"] = serde_json::json!([{ "url": public_url }]);
    merged
}
