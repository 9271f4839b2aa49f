//! Escalation rules: which fire on an SLA threshold, and what raising a priority means.

/// The next priority up (urgent stays urgent).
pub fn raised(priority: &str) -> &'static str {
    match priority {
        "low" => "normal",
        "normal" => "high",
        _ => "urgent",
    }
}

/// Whether a rule for `trigger`, limited to `metrics` and `priorities` (empty: any),
/// fires for a ticket of `priority` whose `metric` crossed `crossed`.
pub fn fires(
    trigger: &str,
    metrics: &[String],
    priorities: &[String],
    crossed: &str,
    metric: &str,
    priority: &str,
) -> bool {
    trigger == crossed
        && (metrics.is_empty() || metrics.iter().any(|m| m == metric))
        && (priorities.is_empty() || priorities.iter().any(|p| p == priority))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priorities_climb_to_urgent_and_stay() {
        assert_eq!(raised("low"), "normal");
        assert_eq!(raised("high"), "urgent");
        assert_eq!(raised("urgent"), "urgent");
    }

    #[test]
    fn a_rule_fires_on_its_trigger_metric_and_priority_only() {
        let resolution = vec!["resolution".to_string()];
        let high = vec!["high".to_string()];
        assert!(fires(
            "breached",
            &[],
            &[],
            "breached",
            "first_response",
            "low"
        ));
        assert!(!fires(
            "breached",
            &[],
            &[],
            "at_risk",
            "first_response",
            "low"
        ));
        assert!(fires(
            "breached",
            &resolution,
            &high,
            "breached",
            "resolution",
            "high"
        ));
        assert!(!fires(
            "breached",
            &resolution,
            &high,
            "breached",
            "first_response",
            "high"
        ));
        assert!(!fires(
            "breached",
            &resolution,
            &high,
            "breached",
            "resolution",
            "low"
        ));
    }
}
