//! Tracing: JSON logs on stdout, and OTLP export when `OTEL_EXPORTER_OTLP_ENDPOINT` is set.

use std::sync::OnceLock;

use opentelemetry::trace::TracerProvider as _;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

static PROVIDER: OnceLock<opentelemetry_sdk::trace::SdkTracerProvider> = OnceLock::new();

/// Installs the global subscriber once. `KEFU_LOG` (or `RUST_LOG`) sets the filter;
/// `KEFU_LOG_FORMAT` is `pretty` (human-readable lines) or `json` (JSON lines); unset,
/// it is `pretty` when stdout is a terminal (someone reading) and `json` otherwise (a
/// container's log collector).
pub fn init(service_name: &str) {
    let filter = crate::config::var("KEFU_LOG")
        .or_else(|| crate::config::var("RUST_LOG"))
        .unwrap_or_else(|| "info,sqlx=warn,sea_orm=warn".into());
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let pretty = human_readable(
        crate::config::var("KEFU_LOG_FORMAT").as_deref(),
        std::io::IsTerminal::is_terminal(&std::io::stdout()),
    );
    let fmt_layer = if pretty {
        tracing_subscriber::fmt::layer().boxed()
    } else {
        tracing_subscriber::fmt::layer()
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .boxed()
    };
    // The OpenTelemetry layer is always on so that logs carry the W3C trace id of the
    // request (from its `traceparent`); spans are exported only when an endpoint is set.
    let otel_layer = match tracer(service_name) {
        Ok(tracer) => Some(tracing_opentelemetry::layer().with_tracer(tracer)),
        Err(err) => {
            eprintln!("OTLP exporter disabled: {err:#}");
            None
        }
    };
    opentelemetry::global::set_text_map_propagator(
        opentelemetry_sdk::propagation::TraceContextPropagator::new(),
    );
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(fmt_layer)
        .with(otel_layer)
        .try_init();
}

/// A tracer of this process (exporting over OTLP when an endpoint is set); tests use it too.
pub fn tracer(service_name: &str) -> anyhow::Result<opentelemetry_sdk::trace::Tracer> {
    let mut builder = opentelemetry_sdk::trace::SdkTracerProvider::builder().with_resource(
        opentelemetry_sdk::Resource::builder()
            .with_service_name(service_name.to_string())
            .build(),
    );
    if crate::config::var("OTEL_EXPORTER_OTLP_ENDPOINT").is_some() {
        let exporter = opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .build()?;
        builder = builder.with_batch_exporter(exporter);
    }
    let provider = builder.build();
    let tracer = provider.tracer("kefu");
    opentelemetry::global::set_tracer_provider(provider.clone());
    let _ = PROVIDER.set(provider);
    Ok(tracer)
}

/// Flushes pending spans; call before the process exits.
pub fn shutdown() {
    if let Some(provider) = PROVIDER.get() {
        let _ = provider.shutdown();
    }
}

/// Whether logs are human-readable lines: as `KEFU_LOG_FORMAT` says, else on a terminal.
fn human_readable(format: Option<&str>, terminal: bool) -> bool {
    match format {
        Some(format) => format.eq_ignore_ascii_case("pretty"),
        None => terminal,
    }
}

#[cfg(test)]
mod format_tests {
    use super::human_readable;

    #[test]
    fn a_terminal_gets_readable_lines_and_a_pipe_json_unless_told() {
        assert!(human_readable(None, true));
        assert!(!human_readable(None, false));
        assert!(human_readable(Some("pretty"), false));
        assert!(!human_readable(Some("json"), true));
    }
}
