//! What the gateway adds to every operation of the merged document, because the gateway
//! is what does it (PRODUCT.md §5 "rate limits are part of the contract"): the 429 of
//! its rate limits, the `RateLimit-*` headers on every answer, `Retry-After` on 429 and
//! 503, and the OAuth2 security scheme that lists every scope.

use serde_json::{json, Map, Value};

/// The headers the gateway's rate limits put on answers.
const RATE_LIMIT_HEADERS: [(&str, &str); 3] = [
    (
        "RateLimit-Limit",
        "Requests the tightest of the caller's buckets (tenant, credential or client IP) holds when full",
    ),
    ("RateLimit-Remaining", "Requests left in that bucket now"),
    ("RateLimit-Reset", "Seconds until that bucket is full again"),
];

/// Adds the rate-limit contract and the OAuth2 scheme to a merged document.
pub fn add_gateway_contract(document: &mut Value) {
    let components = &mut document["components"];
    for (name, description) in RATE_LIMIT_HEADERS {
        components["headers"][name] = json!({
            "description": description,
            "schema": {"type": "integer", "minimum": 0},
        });
    }
    components["headers"]["Retry-After"] = json!({
        "description": "Seconds to wait before trying again",
        "schema": {"type": "integer", "minimum": 0},
    });
    components["securitySchemes"]["bearer"] = oauth2_scheme();
    let Some(paths) = document["paths"].as_object_mut() else {
        return;
    };
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, operation) in item.iter_mut() {
            if is_method(method) {
                add_to_operation(operation);
            }
        }
    }
}

fn is_method(key: &str) -> bool {
    matches!(
        key,
        "get" | "put" | "post" | "delete" | "patch" | "head" | "options" | "trace"
    )
}

fn add_to_operation(operation: &mut Value) {
    let Some(responses) = operation["responses"].as_object_mut() else {
        return;
    };
    responses.entry("429").or_insert_with(|| {
        json!({
            "description": "Rate limited; see Retry-After",
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
        })
    });
    for (status, response) in responses.iter_mut() {
        let Some(response) = response.as_object_mut() else {
            continue;
        };
        if response.contains_key("$ref") {
            continue;
        }
        let headers = response
            .entry("headers")
            .or_insert_with(|| Value::Object(Map::new()));
        let Some(headers) = headers.as_object_mut() else {
            continue;
        };
        for (name, _) in RATE_LIMIT_HEADERS {
            headers
                .entry(name)
                .or_insert_with(|| json!({"$ref": format!("#/components/headers/{name}")}));
        }
        if status == "429" || status == "503" {
            headers
                .entry("Retry-After")
                .or_insert_with(|| json!({"$ref": "#/components/headers/Retry-After"}));
        }
    }
}

/// Tokens come from `POST /oauth/token` by the password grant (users) or client
/// credentials (API clients); the scheme lists every scope so that a client can see
/// what exists, and each operation's requirement names the one it needs.
fn oauth2_scheme() -> Value {
    let scopes: Map<String, Value> = kefu_platform::auth::scopes::DESCRIBED
        .iter()
        .map(|(scope, what)| ((*scope).to_string(), Value::String((*what).to_string())))
        .collect();
    json!({
        "type": "oauth2",
        "description": "A JWT access token from `POST /oauth/token`, sent as `Authorization: Bearer …`.",
        "flows": {
            "password": {"tokenUrl": "/oauth/token", "refreshUrl": "/oauth/token", "scopes": scopes},
            "clientCredentials": {"tokenUrl": "/oauth/token", "scopes": scopes},
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_answer_documents_the_limits_and_every_operation_its_429() {
        let mut document = json!({
            "paths": {"/oauth/token": {"post": {"responses": {
                "200": {"description": "Tokens"},
                "400": {"description": "Bad form"},
            }}}},
            "components": {"schemas": {}},
        });
        add_gateway_contract(&mut document);
        let responses = &document["paths"]["/oauth/token"]["post"]["responses"];
        assert!(responses["429"].is_object());
        for status in ["200", "400", "429"] {
            assert_eq!(
                responses[status]["headers"]["RateLimit-Remaining"]["$ref"],
                "#/components/headers/RateLimit-Remaining"
            );
        }
        assert!(responses["429"]["headers"]["Retry-After"].is_object());
        assert!(responses["200"]["headers"]["Retry-After"].is_null());
        let scheme = &document["components"]["securitySchemes"]["bearer"];
        assert_eq!(scheme["type"], "oauth2");
        assert!(scheme["flows"]["clientCredentials"]["scopes"]["tickets:read"].is_string());
    }
}
