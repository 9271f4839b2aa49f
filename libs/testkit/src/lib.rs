//! Helpers every Kefu test uses: a service on port 0 with a fresh database,
//! signing keys to mint tokens with chosen scopes, and a typed HTTP client.

pub mod attacks;
mod client;
mod database;
mod keys;
mod mail_files;
pub mod matrix;
pub mod openapi;
pub mod purge;
mod smtp_sink;
mod tcp_proxy;

pub use client::{TestClient, TestResponse};
pub use database::{fresh_database_url, postgres_server};
pub use keys::TestKeys;
pub use mail_files::{mail_files_with, wait_for_mail_file};
pub use smtp_sink::SmtpSink;
pub use tcp_proxy::TcpProxy;

use std::net::TcpListener;

use kefu_platform::http::ServiceSpec;

/// A server started for one test.
pub struct TestServer {
    /// `http://127.0.0.1:<port>`.
    pub base_url: String,
    handle: actix_web::dev::ServerHandle,
}

impl TestServer {
    /// A client of this server without a token.
    pub fn client(&self) -> TestClient {
        TestClient::new(&self.base_url)
    }

    /// Stops the server (graceful).
    pub async fn stop(&self) {
        self.handle.stop(true).await;
    }
}

/// Binds `127.0.0.1:0`, returning the listener and its base URL.
pub fn bind_loopback() -> anyhow::Result<(TcpListener, String)> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let base_url = format!("http://{}", listener.local_addr()?);
    Ok((listener, base_url))
}

/// Starts a service on a random loopback port.
pub fn spawn_service(spec: ServiceSpec) -> anyhow::Result<TestServer> {
    let (listener, base_url) = bind_loopback()?;
    let server = kefu_platform::http::serve(spec, listener)?;
    let handle = server.handle();
    tokio::spawn(server);
    Ok(TestServer { base_url, handle })
}

/// Starts an already-built actix server (e.g. the gateway) and wraps it.
pub fn spawn_server(server: actix_web::dev::Server, base_url: String) -> TestServer {
    let handle = server.handle();
    tokio::spawn(server);
    TestServer { base_url, handle }
}

/// A unique lowercase slug for a test tenant.
pub fn unique_slug(prefix: &str) -> String {
    let id = uuid::Uuid::now_v7().simple().to_string();
    format!("{prefix}-{}", &id[id.len() - 12..])
}

/// Installs tracing for a test binary as production does (the OpenTelemetry layer, so
/// trace context flows into events), and sends debug-level JSON logs of the run to
/// `$KEFU_TEST_LOG_DIR/<binary>.log` when set, so CI can check no secret is ever logged.
pub fn init_test_logging() {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let file = std::env::var_os("KEFU_TEST_LOG_DIR").and_then(|dir| {
            let name = std::env::current_exe()
                .ok()
                .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
                .unwrap_or_else(|| "tests".into());
            let _ = std::fs::create_dir_all(&dir);
            let path = std::path::Path::new(&dir).join(format!("{name}.log"));
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .ok()
        });
        let level = if file.is_some() { "debug" } else { "info" };
        let file_layer = file.map(|file| {
            tracing_subscriber::fmt::layer()
                .json()
                .with_writer(std::sync::Mutex::new(file))
        });
        let otel_layer = kefu_platform::telemetry::tracer("kefu-tests")
            .ok()
            .map(|tracer| tracing_opentelemetry::layer().with_tracer(tracer));
        opentelemetry::global::set_text_map_propagator(
            opentelemetry_sdk::propagation::TraceContextPropagator::new(),
        );
        let _ = tracing_subscriber::registry()
            .with(tracing_subscriber::EnvFilter::new(level))
            .with(file_layer)
            .with(otel_layer)
            .try_init();
    });
}

/// Retries `check` until it holds (events arrive asynchronously); panics after 10 s.
pub async fn eventually(what: &str, mut check: impl AsyncFnMut() -> bool) {
    for _ in 0..200 {
        if check().await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{what} never happened");
}

/// Says on the terminal that a test did not run its checks here and why (e.g. it needs
/// PostgreSQL): written past the test harness's output capture, which would otherwise
/// hide it, so that a skipped test is never mistaken for a passed one.
pub fn skipped(test: &str, why: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {why}");
}
