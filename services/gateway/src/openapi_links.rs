//! OpenAPI links from each create operation to the operations on what it created.
//!
//! A client (or Schemathesis' stateful phase) learns from them that the `id` of a
//! `201` answer to `POST /things` fills `{id}` in `/things/{id}` and everything under
//! it. They are derived from the paths rather than written per route, so a new
//! resource is linked the day it lands.

use serde_json::{json, Map, Value};

const METHODS: [&str; 5] = ["get", "put", "post", "patch", "delete"];

/// Adds the links to `doc`, an OpenAPI document as JSON.
pub fn add_links(doc: &mut Value) {
    let Some(paths) = doc["paths"].as_object() else {
        return;
    };
    let mut additions: Vec<(String, Map<String, Value>)> = Vec::new();
    for (collection, item) in paths {
        let Some(create) = item.get("post") else {
            continue;
        };
        if !returns_id(doc, create) {
            continue;
        }
        let links = links_below(paths, collection);
        if !links.is_empty() {
            additions.push((collection.clone(), links));
        }
    }
    for (path, links) in additions {
        let created = &mut doc["paths"][&path]["post"]["responses"]["201"];
        let existing = created
            .as_object_mut()
            .map(|r| r.entry("links").or_insert_with(|| json!({})));
        if let Some(Value::Object(existing)) = existing {
            for (name, link) in links {
                existing.entry(name).or_insert(link);
            }
        }
    }
}

/// Whether the operation's `201` JSON body is an object with an `id` property.
fn returns_id(doc: &Value, operation: &Value) -> bool {
    let schema = &operation["responses"]["201"]["content"]["application/json"]["schema"];
    has_id(doc, schema)
}

/// Whether a schema, or a part of its `allOf`, has an `id` property.
fn has_id(doc: &Value, schema: &Value) -> bool {
    let schema = resolve(doc, schema);
    schema["properties"].get("id").is_some()
        || schema["allOf"]
            .as_array()
            .is_some_and(|parts| parts.iter().any(|part| has_id(doc, part)))
}

/// Follows a `#/components/schemas/…` reference.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(reference) => {
            let name = reference.rsplit('/').next().unwrap_or_default();
            &doc["components"]["schemas"][name]
        }
        None => schema,
    }
}

/// Links to every operation on `collection/{param}` and below, keyed by operation id.
fn links_below(paths: &Map<String, Value>, collection: &str) -> Map<String, Value> {
    let mut links = Map::new();
    let inherited = path_parameters(collection);
    for (path, item) in paths {
        let Some(param) = child_parameter(collection, path) else {
            continue;
        };
        for method in METHODS {
            let Some(operation_id) = item[method]["operationId"].as_str() else {
                continue;
            };
            let mut parameters = Map::new();
            // The collection's own path parameters are those the create was called with.
            for name in &inherited {
                parameters.insert(name.clone(), json!(format!("$request.path.{name}")));
            }
            parameters.insert(param.clone(), json!("$response.body#/id"));
            links.insert(
                operation_id.to_string(),
                json!({
                    "operationId": operation_id,
                    "parameters": parameters,
                    "description": format!("The `id` of the created resource as `{param}`."),
                }),
            );
        }
    }
    links
}

/// The parameter named by the segment right after `collection` in `path`, when `path`
/// is `collection/{param}` or below it.
fn child_parameter(collection: &str, path: &str) -> Option<String> {
    let rest = path.strip_prefix(collection)?.strip_prefix('/')?;
    let segment = rest.split('/').next()?;
    let name = segment.strip_prefix('{')?.strip_suffix('}')?;
    Some(name.to_string())
}

/// The `{names}` in a path template, in order.
fn path_parameters(path: &str) -> Vec<String> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Value {
        let ok = json!({"responses": {"200": {"description": "ok"}}});
        json!({
            "paths": {
                "/things": {"post": {"operationId": "create_thing", "responses": {"201": {
                    "description": "created",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}}}},
                "/things/{id}": {"get": {"operationId": "get_thing", "responses": {"200": {}}},
                                 "delete": {"operationId": "delete_thing", "responses": {"204": {}}}},
                "/things/{id}/parts": {"post": {"operationId": "add_part", "responses": {"201": {
                    "content": {"application/json": {"schema": {"type": "object", "properties": {"id": {}}}}}}}}},
                "/things/{id}/parts/{part_id}": {"get": {"operationId": "get_part", "responses": {"200": {}}}},
                "/things/export": {"get": ok},
                "/thingsmore/{id}": {"get": {"operationId": "other", "responses": {}}},
                "/settings": {"post": {"operationId": "set", "responses": {"201": {
                    "content": {"application/json": {"schema": {"type": "object"}}}}}}},
                "/settings/{key}": {"get": {"operationId": "get_setting", "responses": {}}},
                "/users": {"post": {"operationId": "create_user", "responses": {"201": {
                    "content": {"application/json": {"schema": {"allOf": [
                        {"$ref": "#/components/schemas/Thing"}, {"type": "object"}]}}}}}}},
                "/users/{id}": {"get": {"operationId": "get_user", "responses": {}}}
            },
            "components": {"schemas": {"Thing": {"type": "object", "properties": {"id": {"type": "string"}}}}}
        })
    }

    #[test]
    fn a_create_links_to_every_operation_on_and_below_what_it_created() {
        let mut doc = doc();
        add_links(&mut doc);
        let links = doc["paths"]["/things"]["post"]["responses"]["201"]["links"]
            .as_object()
            .unwrap();
        let mut names: Vec<&str> = links.keys().map(String::as_str).collect();
        names.sort();
        assert_eq!(names, ["add_part", "delete_thing", "get_part", "get_thing"]);
        assert_eq!(
            links["get_thing"]["parameters"],
            json!({"id": "$response.body#/id"})
        );
    }

    #[test]
    fn a_nested_create_passes_on_the_path_it_was_called_with() {
        let mut doc = doc();
        add_links(&mut doc);
        let link =
            &doc["paths"]["/things/{id}/parts"]["post"]["responses"]["201"]["links"]["get_part"];
        assert_eq!(
            link["parameters"],
            json!({"id": "$request.path.id", "part_id": "$response.body#/id"})
        );
    }

    #[test]
    fn no_link_without_an_id_or_across_a_mere_prefix() {
        let mut doc = doc();
        add_links(&mut doc);
        assert!(doc["paths"]["/settings"]["post"]["responses"]["201"]
            .get("links")
            .is_none());
        let links = &doc["paths"]["/things"]["post"]["responses"]["201"]["links"];
        assert!(links.get("other").is_none());
    }

    #[test]
    fn an_id_inside_all_of_counts() {
        let mut doc = doc();
        add_links(&mut doc);
        let links = &doc["paths"]["/users"]["post"]["responses"]["201"]["links"];
        assert!(links.get("get_user").is_some());
    }
}
