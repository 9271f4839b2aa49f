//! Percentiles and rates of measured samples.

use std::time::Duration;

/// The `p`th percentile (0–100) of `samples` by nearest rank; zero for none.
pub fn percentile(samples: &[Duration], p: f64) -> Duration {
    if samples.is_empty() {
        return Duration::ZERO;
    }
    let mut sorted = samples.to_vec();
    sorted.sort();
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Items per second.
pub fn rate(count: usize, elapsed: Duration) -> f64 {
    count as f64 / elapsed.as_secs_f64().max(f64::EPSILON)
}

/// Milliseconds with two decimals, for printing.
pub fn ms(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1000.0)
}

/// Megabytes (10^6 bytes, as QUALITY.md's goals count them) with one decimal, for printing.
pub fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

/// `a / b`, never dividing by zero.
pub fn ratio(a: f64, b: f64) -> f64 {
    a / b.max(f64::EPSILON)
}

/// How a figure compares with its QUALITY.md goal, for the end of a line.
pub fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "MISSED"
    }
}

/// A duration from an environment variable in seconds, else `default`.
pub fn seconds_from_env(name: &str, default: u64) -> Duration {
    Duration::from_secs(count_from_env(name, default as usize) as u64)
}

/// A count from an environment variable, else `default`.
pub fn count_from_env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let samples: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&samples, 50.0), Duration::from_millis(50));
        assert_eq!(percentile(&samples, 99.0), Duration::from_millis(99));
        assert_eq!(percentile(&samples, 100.0), Duration::from_millis(100));
        assert_eq!(percentile(&[], 50.0), Duration::ZERO);
        assert_eq!(
            percentile(&[Duration::from_millis(7)], 1.0),
            Duration::from_millis(7)
        );
    }

    #[test]
    fn rates_never_divide_by_zero() {
        assert_eq!(rate(10, Duration::from_secs(2)), 5.0);
        assert!(rate(1, Duration::ZERO).is_finite());
        assert!(ratio(1.0, 0.0).is_finite());
        assert_eq!(ratio(1.0, 4.0), 0.25);
    }

    #[test]
    fn sizes_print_in_megabytes() {
        assert_eq!(mb(150_000_000), "150.0 MB");
    }
}
