//! W3C `traceparent` for the upstream request.

use opentelemetry::trace::TraceContextExt;
use tracing_opentelemetry::OpenTelemetrySpanExt;

/// The `traceparent` to send upstream: the gateway's own span when tracing exports spans
/// (so the service's span hangs under it), else the client's, else a fresh trace.
pub fn outgoing(incoming: Option<&str>) -> String {
    let context = tracing::Span::current().context();
    let span = context.span();
    let own = span.span_context();
    if own.is_valid() {
        return format!(
            "00-{}-{}-{:02x}",
            own.trace_id(),
            own.span_id(),
            own.trace_flags().to_u8()
        );
    }
    match incoming.filter(|value| is_valid(value)) {
        Some(value) => value.to_ascii_lowercase(),
        None => fresh(),
    }
}

/// A new sampled trace with random ids.
pub fn fresh() -> String {
    let trace_id = rand::random::<u128>().max(1);
    let span_id = rand::random::<u64>().max(1);
    format!("00-{trace_id:032x}-{span_id:016x}-01")
}

/// `version-traceid-parentid-flags` with lowercase hex, no all-zero ids and no version `ff`.
pub fn is_valid(value: &str) -> bool {
    let parts: Vec<&str> = value.trim().split('-').collect();
    let [version, trace_id, parent_id, flags, ..] = parts.as_slice() else {
        return false;
    };
    let hex = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit());
    // Version 00 has exactly four fields; later versions may append more.
    let shape_ok = if *version == "00" {
        parts.len() == 4
    } else {
        parts.len() >= 4
    };
    shape_ok
        && hex(version, 2)
        && !version.eq_ignore_ascii_case("ff")
        && hex(trace_id, 32)
        && trace_id.bytes().any(|b| b != b'0')
        && hex(parent_id, 16)
        && parent_id.bytes().any(|b| b != b'0')
        && hex(flags, 2)
}

/// The trace id of a valid `traceparent`.
pub fn trace_id(value: &str) -> Option<&str> {
    value.split('-').nth(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    #[test]
    fn valid_incoming_context_is_kept() {
        assert!(is_valid(SAMPLE));
        assert_eq!(outgoing(Some(SAMPLE)), SAMPLE);
    }

    #[test]
    fn invalid_or_missing_context_starts_a_new_trace() {
        for bad in [
            "",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        ] {
            assert!(!is_valid(bad), "{bad}");
            let fresh = outgoing(Some(bad));
            assert!(is_valid(&fresh), "{fresh}");
            assert_ne!(trace_id(&fresh), trace_id(SAMPLE));
        }
        assert!(is_valid(&outgoing(None)));
        assert_ne!(fresh(), fresh());
    }
}
