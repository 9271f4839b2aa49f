//! The merged OpenAPI document of every service, without starting anything.

/// The merged document, as the gateway serves it at `/openapi.json`.
pub fn merged(public_url: &str) -> serde_json::Value {
    let documents = crate::registry::SERVICES
        .iter()
        .map(|entry| serde_json::to_value((entry.openapi)()).unwrap_or_default())
        .collect();
    let mut merged = kefu_gateway::merge_documents(documents);
    merged["servers"] = serde_json::json!([{ "url": public_url }]);
    merged
}

/// The public URL of the committed `openapi.json` (the embedded default).
pub const COMMITTED_SERVER: &str = "http://localhost:8080";

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    /// Third parties generate clients from the committed `openapi.json`; it must be what
    /// `kefu openapi` prints. `KEFU_UPDATE_OPENAPI=1 cargo test -p kefu openapi` rewrites it.
    #[test]
    fn the_committed_openapi_json_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi.json");
        let current = serde_json::to_string_pretty(&super::merged(super::COMMITTED_SERVER))
            .expect("the document serialises")
            + "\n";
        if std::env::var_os("KEFU_UPDATE_OPENAPI").is_some() {
            std::fs::write(&path, &current).expect("writing openapi.json");
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == current,
            "openapi.json is stale: run `KEFU_UPDATE_OPENAPI=1 cargo test -p kefu openapi` \
             (or `kefu openapi > openapi.json`) and commit it"
        );
    }

    /// Two services naming different schemas alike would make the merged document keep
    /// one and describe the other service wrongly.
    #[test]
    fn no_two_services_define_one_schema_name_differently() {
        let documents: Vec<(&str, serde_json::Value)> = crate::registry::SERVICES
            .iter()
            .map(|entry| (entry.name, serde_json::to_value((entry.openapi)()).unwrap()))
            .collect();
        let mut seen: BTreeMap<String, (&str, serde_json::Value)> = BTreeMap::new();
        let mut clashes = Vec::new();
        for (service, doc) in &documents {
            for (name, schema) in doc["components"]["schemas"]
                .as_object()
                .into_iter()
                .flatten()
            {
                match seen.get(name) {
                    Some((first, earlier)) if earlier != schema => {
                        clashes.push(format!("{name}: {first} and {service}"));
                    }
                    Some(_) => {}
                    None => {
                        seen.insert(name.clone(), (service, schema.clone()));
                    }
                }
            }
        }
        assert!(
            clashes.is_empty(),
            "schema names defined differently: {clashes:?}"
        );
    }
}
