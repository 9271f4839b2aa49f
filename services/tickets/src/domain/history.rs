//! What a ticket's audit trail records: the fields that changed, old and new.

/// One changed field, values as text (`None` for empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    /// Field name as the API calls it.
    pub field: &'static str,
    /// Value before.
    pub old: Option<String>,
    /// Value after.
    pub new: Option<String>,
}

/// The fields whose value differs, in the order given.
pub fn changed_fields<const N: usize>(
    fields: [(&'static str, Option<String>, Option<String>); N],
) -> Vec<FieldChange> {
    fields
        .into_iter()
        .filter(|(_, old, new)| old != new)
        .map(|(field, old, new)| FieldChange { field, old, new })
        .collect()
}

/// A value for the trail.
pub fn text<T: ToString>(value: Option<T>) -> Option<String> {
    value.map(|v| v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_differences_are_kept_in_order() {
        let changes = changed_fields([
            ("status", Some("new".into()), Some("open".into())),
            ("priority", Some("normal".into()), Some("normal".into())),
            ("assignee_id", None, Some("u1".into())),
        ]);
        let fields: Vec<&str> = changes.iter().map(|c| c.field).collect();
        assert_eq!(fields, ["status", "assignee_id"]);
    }
}
