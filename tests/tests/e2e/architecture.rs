//! QUALITY 12: the layer rules of ARCHITECTURE.md, read from the services' sources.
//!
//! Every rule fails on any file that breaks it; none keeps a list of exceptions.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root")
        .to_path_buf()
}

/// Every `.rs` file under `services/*/src`, as (path from the root, text).
fn sources() -> Vec<(String, String)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    for service in std::fs::read_dir(root().join("services")).unwrap() {
        let src = service.unwrap().path().join("src");
        if src.is_dir() {
            walk(&src, &mut files);
        }
    }
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let relative = path
                .strip_prefix(root())
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (relative, text)
        })
        .collect()
}

/// The layer a file is in: the folder right under `src/`, if any.
fn layer(path: &str) -> Option<&str> {
    let (_, inside) = path.split_once("/src/")?;
    let (folder, _) = inside.split_once('/')?;
    Some(folder)
}

/// The names among `words` that `text` uses as paths (`sea_orm::…`, `crate::api::…`).
fn uses<'a>(text: &str, words: &[&'a str]) -> Vec<&'a str> {
    words
        .iter()
        .copied()
        .filter(|word| {
            text.match_indices(word).any(|(at, _)| {
                let before = text[..at].chars().next_back();
                let after = text[at + word.len()..].chars().next();
                !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
                    && matches!(after, Some(':') | Some(';') | Some('{') | Some(' '))
            })
        })
        .collect()
}

fn queries_entities(text: &str) -> bool {
    [
        "Entity::find",
        "Entity::update",
        "Entity::delete",
        "Entity::insert",
        "TenantStore::<",
        "TenantStore::new",
    ]
    .iter()
    .any(|call| text.contains(call))
}

#[test]
fn domain_is_pure_and_nothing_inward_imports_an_outer_layer() {
    let mut broken = Vec::new();
    for (path, text) in sources() {
        let rules: &[(&str, &[&str])] = &[
            (
                "domain",
                &[
                    "sea_orm",
                    "actix_web",
                    "rdkafka",
                    "reqwest",
                    "crate::api",
                    "crate::store",
                    "crate::app",
                    "crate::events",
                    "crate::jobs",
                ],
            ),
            (
                "app",
                &["crate::api", "crate::events", "crate::jobs", "actix_web"],
            ),
            (
                "store",
                &[
                    "crate::api",
                    "crate::app",
                    "crate::events",
                    "crate::jobs",
                    "actix_web",
                ],
            ),
        ];
        for (folder, forbidden) in rules {
            if layer(&path) == Some(*folder) {
                for word in uses(&text, forbidden) {
                    broken.push(format!("{path} ({folder}/) uses {word}"));
                }
            }
        }
    }
    assert!(
        broken.is_empty(),
        "layer rules broken:\n{}",
        broken.join("\n")
    );
}

#[test]
fn api_files_leave_the_database_to_the_layers_below() {
    let offending: Vec<String> = sources()
        .into_iter()
        .filter(|(path, text)| layer(path) == Some("api") && !uses(text, &["sea_orm"]).is_empty())
        .map(|(path, _)| path)
        .collect();
    assert!(
        offending.is_empty(),
        "api/ files using sea-orm (call app/ or a store instead): {offending:?}"
    );
}

#[test]
fn entities_are_queried_only_in_store() {
    let offending: Vec<String> = sources()
        .into_iter()
        .filter(|(path, text)| {
            !matches!(layer(path), Some("store") | Some("migrations")) && queries_entities(text)
        })
        .map(|(path, _)| path)
        .collect();
    assert!(
        offending.is_empty(),
        "entity queries outside store/ (move them into a store): {offending:?}"
    );
}

#[test]
fn only_workers_name_a_tenant_from_a_bare_id() {
    // A handler's tenant comes from its token (`Authz`), a consumer's from the event's
    // envelope; the named constructors are for jobs that found the tenant in a
    // cross-tenant scan, and for accounts' credential flows (a password, a reset or
    // invitation token). Cross-tenant queries are for the jobs alone.
    let mut wrong = Vec::new();
    for (path, text) in sources() {
        let in_jobs = layer(&path) == Some("jobs");
        if !in_jobs && text.contains("TenantScope::for_worker(") {
            wrong.push(format!("{path}: for_worker outside jobs/"));
        }
        if !path.starts_with("services/accounts/") && text.contains("TenantScope::by_credential(") {
            wrong.push(format!("{path}: by_credential outside accounts"));
        }
        let is_the_module =
            path.ends_with("/store/all_tenants.rs") || path.ends_with("/store/mod.rs");
        if !in_jobs && !is_the_module && text.contains("all_tenants") {
            wrong.push(format!("{path}: a cross-tenant query outside jobs/"));
        }
    }
    assert!(
        wrong.is_empty(),
        "tenant scopes made from bare ids: {wrong:?}"
    );
}

#[test]
fn the_rule_readers_see_what_they_look_for() {
    assert_eq!(layer("services/tickets/src/domain/sla.rs"), Some("domain"));
    assert_eq!(layer("services/tickets/src/lib.rs"), None);
    assert_eq!(uses("use sea_orm::{A};", &["sea_orm"]), ["sea_orm"]);
    assert!(uses("kefu_sea_orm_like::x", &["sea_orm"]).is_empty());
    assert!(uses("use crate::apisomething;", &["crate::api"]).is_empty());
    assert!(queries_entities("ticket::Entity::find()"));
}

/// A service's `error_codes.rs` is its published table: every code in it is answered
/// somewhere, and (by the type of `ApiError`'s code) nothing answers a code outside one.
#[test]
fn every_listed_error_code_is_answered_by_its_service() {
    let files = sources();
    let mut unused = Vec::new();
    for (path, table) in files
        .iter()
        .filter(|(p, _)| p.ends_with("/src/error_codes.rs"))
    {
        let service = path.trim_end_matches("error_codes.rs");
        let names = table.lines().filter_map(|line| {
            let (name, rest) = line.trim().split_once(" = ")?;
            rest.chars().next()?.is_ascii_digit().then_some(name)
        });
        for name in names {
            let needle = format!("error_codes::{name}");
            let answered = files
                .iter()
                .any(|(p, text)| p.starts_with(service) && p != path && text.contains(&needle));
            if !answered {
                unused.push(format!("{path}: {name}"));
            }
        }
    }
    assert!(unused.is_empty(), "listed but never answered: {unused:?}");
}

/// The one versioned save compares versions; a use case in `app/` may refuse a stale
/// `If-Match` early, before it judges the state it read, but no handler compares one.
#[test]
fn no_handler_compares_versions_itself() {
    let offending: Vec<String> = sources()
        .into_iter()
        .filter(|(path, text)| layer(path) == Some("api") && text.contains("if_match.check("))
        .map(|(path, _)| path)
        .collect();
    assert!(
        offending.is_empty(),
        "handlers comparing If-Match themselves (pass it to the save, or to app/): {offending:?}"
    );
}
