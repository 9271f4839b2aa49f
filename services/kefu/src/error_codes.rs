//! The published table of every public error code, `docs/error-codes.md`, from the
//! platform's table, each registered service's and the gateway's.

use kefu_platform::error::{codes, ErrorCode};

use crate::registry;

/// Who answers with which codes: every service (the platform's), each service, the gateway.
pub fn tables() -> Vec<(&'static str, &'static [ErrorCode])> {
    let mut tables = vec![("every service", codes::ERROR_CODES)];
    tables.extend(
        registry::SERVICES
            .iter()
            .map(|entry| (entry.name, entry.error_codes)),
    );
    tables.push((registry::GATEWAY, kefu_gateway::error_codes::ERROR_CODES));
    tables
}

/// The page, in Markdown.
pub fn markdown() -> String {
    let mut page = String::from(
        "# Error codes\n\n\
         Every error is `application/problem+json` (RFC 9457) with a stable `code`; its \
         `type` is `https://kefu.dev/problems/<code>`. Match on `code`: `detail` is for \
         people and may change. `POST /oauth/token` answers RFC 6749 errors instead \
         (`invalid_grant`, `invalid_client`, …), as OAuth clients expect.\n\n\
         This page is generated from the code tables (`kefu_platform::error::codes` and \
         each service's `error_codes.rs`); a test fails when it is stale.\n",
    );
    for (owner, table) in tables() {
        page.push_str(&format!(
            "\n## {owner}\n\n| code | status | when |\n|---|---|---|\n"
        ));
        for code in table {
            page.push_str(&format!(
                "| `{}` | {} | {} |\n",
                code.code, code.status, code.meaning
            ));
        }
    }
    page
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    /// Third parties match on these codes; the page must say what the code answers.
    /// `KEFU_UPDATE_DOCS=1 cargo test -p kefu error_codes` rewrites it.
    #[test]
    fn the_committed_error_codes_page_is_current() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/error-codes.md");
        let current = super::markdown();
        if std::env::var_os("KEFU_UPDATE_DOCS").is_some() {
            std::fs::write(&path, &current).expect("writing docs/error-codes.md");
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == current,
            "docs/error-codes.md is stale: run `KEFU_UPDATE_DOCS=1 cargo test -p kefu \
             error_codes` and commit it"
        );
    }

    /// One code means one thing: a client cannot tell two owners' meanings apart.
    #[test]
    fn no_code_is_in_two_tables() {
        let mut owners: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (owner, table) in super::tables() {
            for code in table {
                owners.entry(code.code).or_default().push(owner);
            }
        }
        let twice: Vec<_> = owners.iter().filter(|(_, o)| o.len() > 1).collect();
        assert!(twice.is_empty(), "codes listed more than once: {twice:?}");
    }
}
