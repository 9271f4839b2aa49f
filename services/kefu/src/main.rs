//! `kefu`: serve the suite or one service, migrate, print the OpenAPI document, admin commands.

use std::io::{BufRead, Write};
use std::net::TcpListener;

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use kefu::{registry, Suite, SuiteConfig};
use kefu_accounts::app::tenants::{create_tenant, NewOwnerBody, NewTenantBody, SignUpBody};
use kefu_platform::config::{var, CommonSettings};

#[derive(Parser)]
#[command(
    name = "kefu",
    version,
    about = "Kefu: a multi-tenant customer-service suite"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Start every service and the gateway (default), or one service.
    Serve {
        /// Run only this service (a name of the service registry, or `gateway`), e.g. in a container.
        #[arg(long)]
        service: Option<String>,
    },
    /// Apply every service's database migrations and exit.
    Migrate,
    /// Print the merged OpenAPI document.
    Openapi,
    /// Print the service registry: one `name port` line per service, the gateway last
    /// (for scripts that start or check every service).
    Services,
    /// Tenant administration.
    Tenant {
        #[command(subcommand)]
        command: TenantCommand,
    },
    /// Platform operators.
    Operator {
        #[command(subcommand)]
        command: OperatorCommand,
    },
    /// Exit 0 when a service answers 200 on its liveness URL (a container's health check).
    Health {
        /// The URL to call; default `KEFU_HEALTH_URL`, else the gateway's on 127.0.0.1:8080.
        url: Option<String>,
    },
    /// Token signing keys.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
}

#[derive(Subcommand)]
enum TenantCommand {
    /// Create a tenant and its owner; the password is read from KEFU_OWNER_PASSWORD or stdin.
    Create {
        #[arg(long)]
        name: String,
        #[arg(long)]
        slug: String,
        #[arg(long)]
        owner_email: String,
        #[arg(long)]
        owner_name: String,
        #[arg(long, default_value = "UTC")]
        time_zone: String,
    },
}

#[derive(Subcommand)]
enum OperatorCommand {
    /// Create a platform operator; the password is read from KEFU_OPERATOR_PASSWORD or stdin.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
    },
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Add a new signing key; the previous one verifies until its tokens expire.
    Rotate,
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // The health check runs every few seconds in a container: no log pipeline, no exporter.
    if let Some(Command::Health { url }) = cli.command {
        return health(url).await;
    }
    // Read by scripts: nothing but the list on stdout.
    if let Some(Command::Services) = cli.command {
        for entry in registry::SERVICES {
            println!("{} {}", entry.name, entry.port);
        }
        println!("{} {}", registry::GATEWAY, registry::GATEWAY_PORT);
        return Ok(());
    }
    kefu_platform::telemetry::init("kefu");
    let result = match cli.command.unwrap_or(Command::Serve { service: None }) {
        Command::Serve { service: None } => serve_suite().await,
        Command::Serve {
            service: Some(name),
        } => serve_one(&name).await,
        Command::Migrate => migrate().await,
        Command::Openapi => {
            let common = CommonSettings::from_env()?;
            let text = serde_json::to_string_pretty(&kefu::openapi::merged(&common.public_url))?;
            // A reader that stops early (`| head`) is not an error.
            match writeln!(std::io::stdout().lock(), "{text}") {
                Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other.map_err(Into::into),
            }
        }
        Command::Health { .. } | Command::Services => {
            unreachable!("answered before telemetry starts")
        }
        Command::Tenant { command } => tenant(command).await,
        Command::Operator { command } => operator(command).await,
        Command::Keys {
            command: KeysCommand::Rotate,
        } => {
            let state = kefu_accounts::build_state(kefu_accounts::Settings::from_env()?).await?;
            let kid = state.keyring.rotate().await?;
            println!("new signing key: {kid}");
            Ok(())
        }
    };
    kefu_platform::telemetry::shutdown();
    result
}

async fn serve_suite() -> anyhow::Result<()> {
    let common = CommonSettings::from_env()?;
    let services = SuiteConfig::services_from_env()?;
    let embedded = services
        .iter()
        .all(|(_, settings, _)| !kefu_platform::db::is_production_url(settings.database_url()));
    let gateway = kefu_gateway::Settings::from_env()?;
    let config = SuiteConfig {
        services,
        gateway_listener: TcpListener::bind(&gateway.listen_addr)
            .with_context(|| format!("binding {} (KEFU_GATEWAY_ADDR)", gateway.listen_addr))?,
        gateway,
        bus: kefu_events::BusSettings::from_env(&common.data_dir)?,
    };
    let suite = Suite::start(config).await?;
    if embedded {
        if let Some(demo) = kefu::demo::seed_if_empty(&suite.accounts).await? {
            let path = kefu::demo::write_credentials(&common.data_dir, &demo)?;
            // Printed to the terminal only, never through the log pipeline.
            println!("Created the demo tenant `{}`. Log in with:", demo.tenant);
            println!(
                "  curl -s {}/oauth/token -d grant_type=password -d tenant={} -d username={} -d 'password={}'",
                common.public_url, demo.tenant, demo.email, demo.password
            );
            println!("  (also saved in {}, readable only by you)", path.display());
        }
    }
    println!(
        "Kefu is ready on {} — API docs: {}/docs",
        suite.gateway_url, common.public_url
    );
    suite.wait().await
}

/// The bus of a service running alone: Kafka only, since the embedded log is one
/// process's file and the other services could never read it.
fn standalone_bus() -> anyhow::Result<kefu_events::BusSettings> {
    let common = CommonSettings::from_env()?;
    let settings = kefu_events::BusSettings::from_env(&common.data_dir)?;
    if !matches!(settings.kind, kefu_events::BusKind::Kafka { .. }) {
        bail!(
            "a service running alone needs Kafka: set KEFU_BUS=kafka and KEFU_KAFKA_BROKERS \
             (the embedded event log works only when `kefu serve` runs every service in one process)"
        );
    }
    Ok(settings)
}

async fn serve_one(name: &str) -> anyhow::Result<()> {
    if name == registry::GATEWAY {
        let settings = kefu_gateway::Settings::from_env()?;
        let verifier = settings.verifier()?;
        let listener = TcpListener::bind(&settings.listen_addr)?;
        let addr = listener.local_addr()?;
        let server = kefu_gateway::serve(settings, verifier, listener)?;
        println!("Kefu gateway is ready on http://{addr}");
        server.await?;
        return Ok(());
    }
    let Some(entry) = registry::find(name) else {
        bail!(
            "unknown service `{name}`; there are: {}",
            registry::names().join(", ")
        );
    };
    let bus = standalone_bus()?.connect().await?;
    let started = (entry.from_env)()?.start(bus, None).await?;
    let addr = var(&entry.addr_var()).unwrap_or_else(|| format!("0.0.0.0:{}", entry.port));
    let listener = TcpListener::bind(&addr)
        .with_context(|| format!("binding {addr} ({})", entry.addr_var()))?;
    let addr = listener.local_addr()?;
    let server = kefu_platform::http::serve(started.spec, listener)?;
    println!("Kefu {name} is ready on http://{addr}");
    server.await?;
    kefu_platform::jobs::shutdown_all(&started.jobs, kefu::JOB_GRACE).await;
    Ok(())
}

async fn migrate() -> anyhow::Result<()> {
    for entry in registry::SERVICES {
        (entry.from_env)()?
            .migrate()
            .await
            .with_context(|| format!("migrating {}", entry.name))?;
        println!("{}: migrations applied", entry.name);
    }
    Ok(())
}

/// The container health check: images have no curl, and this needs no shell either.
async fn health(url: Option<String>) -> anyhow::Result<()> {
    let url = url
        .or_else(|| var("KEFU_HEALTH_URL"))
        .unwrap_or_else(|| "http://127.0.0.1:8080/healthz".to_string());
    let response = reqwest::Client::new()
        .get(&url)
        .timeout(std::time::Duration::from_secs(3))
        .send()
        .await
        .with_context(|| format!("calling {url}"))?;
    if !response.status().is_success() {
        bail!("{url} answered {}", response.status());
    }
    Ok(())
}

/// Reads a secret from an environment variable, else the first line of stdin.
fn secret_input(var_name: &str) -> anyhow::Result<String> {
    if let Some(value) = var(var_name) {
        return Ok(value);
    }
    eprintln!("password (from stdin; or set {var_name}):");
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let line = line.trim_end_matches(['\r', '\n']).to_string();
    if line.is_empty() {
        bail!("no password given");
    }
    Ok(line)
}

async fn tenant(command: TenantCommand) -> anyhow::Result<()> {
    let TenantCommand::Create {
        name,
        slug,
        owner_email,
        owner_name,
        time_zone,
    } = command;
    let password = secret_input("KEFU_OWNER_PASSWORD")?;
    let state = kefu_accounts::build_state(kefu_accounts::Settings::from_env()?).await?;
    let body = SignUpBody {
        tenant: NewTenantBody {
            name,
            slug,
            time_zone: Some(time_zone),
            locale: None,
        },
        owner: NewOwnerBody {
            name: owner_name,
            email: owner_email,
            password,
        },
    };
    let (tenant, owner) = create_tenant(&state, body, None)
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.problem().detail))?;
    println!(
        "created tenant {} ({}) with owner {}",
        tenant.slug, tenant.id, owner.email
    );
    Ok(())
}

async fn operator(command: OperatorCommand) -> anyhow::Result<()> {
    let OperatorCommand::Create { email, name } = command;
    let password = secret_input("KEFU_OPERATOR_PASSWORD")?;
    if let Err(rule) = kefu_accounts::domain::password::check_policy(&password, &email) {
        bail!("password {rule}");
    }
    let state = kefu_accounts::build_state(kefu_accounts::Settings::from_env()?).await?;
    let hash = kefu_accounts::domain::password::hash(&password)?;
    let created = kefu_accounts::store::operators::create(&state.db, &email, &name, hash).await?;
    println!("created operator {} ({})", created.email, created.id);
    Ok(())
}
