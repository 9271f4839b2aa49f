//! The deployment files agree with the workspace and the README: every service is in
//! docker-compose.yml, the Helm chart and the database set-up, and every environment
//! variable they set is one the README's configuration table documents.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root")
        .to_path_buf()
}

fn read(relative: &str) -> String {
    std::fs::read_to_string(root().join(relative))
        .unwrap_or_else(|e| panic!("reading {relative}: {e}"))
}

/// The crates under `services/` but the `kefu` binary itself.
fn service_crates() -> BTreeSet<String> {
    std::fs::read_dir(root().join("services"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.join("Cargo.toml").exists())
        .map(|path| path.file_name().unwrap().to_string_lossy().into_owned())
        .filter(|name| name != "kefu")
        .collect()
}

/// Every service of the registry, and the gateway.
fn workspace_services() -> BTreeSet<String> {
    kefu::registry::names()
        .into_iter()
        .map(String::from)
        .collect()
}

/// Every service's port by name, the gateway's too.
fn ports() -> Vec<(&'static str, u16)> {
    kefu::registry::SERVICES
        .iter()
        .map(|entry| (entry.name, entry.port))
        .chain([(kefu::registry::GATEWAY, kefu::registry::GATEWAY_PORT)])
        .collect()
}

#[test]
fn the_registry_names_every_service_crate_and_the_files_follow_it() {
    assert_eq!(
        service_crates(),
        workspace_services(),
        "every crate under services/ is in kefu's service registry (services/kefu/src/registry.rs), and only those"
    );
    let values = read("helm/kefu/values.yaml");
    let compose = read("docker-compose.yml");
    let dockerfile = read("Dockerfile");
    let exposed: BTreeSet<u16> = dockerfile
        .lines()
        .filter_map(|line| line.strip_prefix("EXPOSE "))
        .flat_map(|ports| ports.split_whitespace().map(|p| p.parse::<u16>().unwrap()))
        .collect();
    for (name, port) in ports() {
        assert!(
            exposed.contains(&port),
            "the Dockerfile does not EXPOSE {port} ({name})"
        );
        let addr = format!("KEFU_{}_ADDR: 0.0.0.0:{port}", name.to_uppercase());
        assert!(compose.contains(&addr), "docker-compose.yml lacks `{addr}`");
        let in_chart = values
            .lines()
            .skip_while(|line| line.trim_end() != format!("  {name}:"))
            .skip(1)
            .take_while(|line| line.starts_with("    "))
            .any(|line| line.trim() == format!("port: {port}"));
        assert!(in_chart, "helm values: services.{name}.port is not {port}");
    }
    // The suite script takes its list from `kefu services`, not from a copy.
    let serve = read(".ci/serve_suite.sh");
    assert!(serve.contains("\"$KEFU\" services"));
    for entry in kefu::registry::SERVICES {
        assert!(
            !serve.contains(&entry.addr_var()),
            ".ci/serve_suite.sh names {} by hand",
            entry.addr_var()
        );
    }
}

/// The keys directly under a top-level YAML mapping `block:` (two-space indentation).
fn children_of(yaml: &str, block: &str) -> BTreeSet<String> {
    yaml.lines()
        .skip_while(|line| line.trim_end() != format!("{block}:"))
        .skip(1)
        .take_while(|line| line.is_empty() || line.starts_with(' ') || line.starts_with('#'))
        .filter_map(|line| {
            let key = line.strip_prefix("  ")?;
            let name = key.strip_suffix(':')?;
            (!name.starts_with([' ', '#'])).then(|| name.to_string())
        })
        .collect()
}

/// Every `KEFU_…` / `OTEL_…` name in `text`; `KEFU_{{ upper $service }}_X` stands for
/// each of `services`.
fn variable_names(text: &str, services: &BTreeSet<String>) -> BTreeSet<String> {
    let templated = "KEFU_{{ upper $service }}_";
    let mut expanded = String::new();
    for (i, part) in text.split(templated).enumerate() {
        if i == 0 {
            expanded.push_str(part);
            continue;
        }
        let suffix: String = part
            .chars()
            .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_')
            .collect();
        for service in services {
            expanded.push_str(&format!(" KEFU_{}_{suffix} ", service.to_uppercase()));
        }
        expanded.push_str(&part[suffix.len()..]);
    }
    let mut names = BTreeSet::new();
    for prefix in ["KEFU_", "OTEL_"] {
        for (at, _) in expanded.match_indices(prefix) {
            let before = expanded[..at].chars().next_back();
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                continue;
            }
            let name: String = expanded[at..]
                .chars()
                .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_')
                .collect();
            if !name.ends_with('_') {
                names.insert(name);
            }
        }
    }
    names
}

/// The variables of the README's configuration table (its rows start with a name).
fn readme_variables() -> BTreeSet<String> {
    read("README.md")
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|rest| rest.split('`').next())
        .filter(|name| name.starts_with("KEFU_") || name.starts_with("OTEL_"))
        .map(str::to_string)
        .collect()
}

fn chart_texts() -> Vec<(String, String)> {
    let mut files = vec![
        "helm/kefu/values.yaml".to_string(),
        "helm/kefu/ci/production-values.yaml".to_string(),
    ];
    for dir in ["helm/kefu/templates", "helm/kefu/templates/tests"] {
        for entry in std::fs::read_dir(root().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                files.push(
                    path.strip_prefix(root())
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    files.into_iter().map(|f| (read(&f), f)).collect()
}

#[test]
fn every_service_is_in_the_compose_file_the_chart_and_the_databases() {
    let services = workspace_services();
    let compose = read("docker-compose.yml");
    let values = read("helm/kefu/values.yaml");
    let init = read("deploy/postgres/init-databases.sh");
    assert!(services.contains("gateway") && services.contains("tickets"));

    let in_chart = children_of(&values, "services");
    assert_eq!(
        in_chart, services,
        "helm/kefu/values.yaml `services:` must name exactly the workspace's services"
    );
    let composed: BTreeSet<String> = compose
        .match_indices(r#"["serve", "--service", ""#)
        .map(|(at, pattern)| {
            compose[at + pattern.len()..]
                .split('"')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        composed, services,
        "docker-compose.yml must run exactly the workspace's services"
    );
    let compose_services = children_of(&compose, "services");
    // `database.names`: the block of four-space keys under `  names:`.
    let databases: BTreeSet<String> = values
        .lines()
        .skip_while(|line| line.trim_end() != "  names:")
        .skip(1)
        .map_while(|line| line.strip_prefix("    "))
        .filter_map(|line| line.split(':').next().map(str::to_string))
        .collect();
    for service in &services {
        assert!(
            compose_services.contains(service),
            "{service} is not a docker-compose service"
        );
        assert!(
            kefu::registry::find(service).is_some() || service == kefu::registry::GATEWAY,
            "`kefu serve --service {service}` is not handled"
        );
        if service == "gateway" {
            continue;
        }
        let variable = format!("KEFU_{}_DATABASE_URL", service.to_uppercase());
        assert!(
            compose.contains(&variable),
            "docker-compose.yml lacks {variable}"
        );
        assert!(
            databases.contains(service),
            "helm values lack database.names.{service}"
        );
        assert!(
            init.contains(service),
            "deploy/postgres/init-databases.sh creates no database for {service}"
        );
    }
}

#[test]
fn the_deployment_files_use_the_readme_s_variable_names() {
    let documented = readme_variables();
    let services: BTreeSet<String> = workspace_services()
        .into_iter()
        .filter(|s| s != "gateway")
        .collect();
    assert!(documented.contains("KEFU_TICKETS_DATABASE_URL"));
    let mut files = chart_texts();
    files.push((read("docker-compose.yml"), "docker-compose.yml".into()));
    files.push((read("Dockerfile"), "Dockerfile".into()));
    let mut seen = BTreeSet::new();
    for (text, file) in files {
        for name in variable_names(&text, &services) {
            assert!(
                documented.contains(&name),
                "{file} sets {name}, which the README's configuration table does not document"
            );
            seen.insert(name);
        }
    }
    for needed in [
        "KEFU_MASTER_KEY",
        "KEFU_BUS",
        "KEFU_KAFKA_BROKERS",
        "KEFU_JWKS_URL",
    ] {
        assert!(seen.contains(needed), "no deployment file sets {needed}");
    }
}

#[test]
fn templated_variable_names_expand_to_every_service() {
    let services: BTreeSet<String> = ["accounts".to_string(), "tickets".to_string()].into();
    let names = variable_names(
        "KEFU_{{ upper $service }}_DATABASE_URL: x\nKEFU_BUS: kafka # OTEL_X\nNOT_KEFU_Y",
        &services,
    );
    let expected: BTreeSet<String> = [
        "KEFU_ACCOUNTS_DATABASE_URL",
        "KEFU_TICKETS_DATABASE_URL",
        "KEFU_BUS",
        "OTEL_X",
    ]
    .map(String::from)
    .into();
    assert_eq!(names, expected);
}
