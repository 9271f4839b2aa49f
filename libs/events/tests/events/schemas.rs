//! The committed JSON Schemas under docs/events/ match the Rust types.

use std::path::PathBuf;

fn schema_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/events")
}

#[test]
fn committed_event_schemas_are_current() {
    let dir = schema_dir();
    let update = std::env::var("KEFU_UPDATE_SCHEMAS").is_ok_and(|v| v == "1");
    let mut stale = Vec::new();
    for entry in kefu_events::catalogue::all() {
        let path = dir.join(entry.file_name());
        let generated = format!(
            "{}\n",
            serde_json::to_string_pretty(&(entry.schema)()).unwrap()
        );
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &generated).unwrap();
            continue;
        }
        if std::fs::read_to_string(&path).ok().as_deref() != Some(generated.as_str()) {
            stale.push(entry.file_name());
        }
    }
    assert!(
        stale.is_empty(),
        "stale or missing event schemas {stale:?}: run `KEFU_UPDATE_SCHEMAS=1 cargo test -p kefu-events schemas` and commit docs/events/"
    );
}

#[test]
fn event_types_are_unique_and_named_by_their_producer() {
    let mut seen = std::collections::HashSet::new();
    for entry in kefu_events::catalogue::all() {
        assert!(
            seen.insert((entry.event_type, entry.version)),
            "{} twice",
            entry.event_type
        );
        assert!(entry.event_type.contains('.'), "{}", entry.event_type);
    }
}
