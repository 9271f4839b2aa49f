//! Reading the `.eml` files the embedded mail transport writes.

use kefu_platform::mail::{MailSettings, MailTransport};

/// The `.eml` files in the mail folder of `settings` that contain `needle`.
pub fn mail_files_with(settings: &MailSettings, needle: &str) -> Vec<String> {
    let MailTransport::Files(dir) = &settings.transport else {
        return Vec::new();
    };
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
                .filter_map(|e| std::fs::read_to_string(e.path()).ok())
                .filter(|text| text.contains(needle))
                .collect()
        })
        .unwrap_or_default()
}

/// Waits up to 5 s for an `.eml` file containing `needle`; `None` if none came.
pub async fn wait_for_mail_file(settings: &MailSettings, needle: &str) -> Option<String> {
    for _ in 0..100 {
        if let Some(text) = mail_files_with(settings, needle).into_iter().next() {
            return Some(text);
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    None
}
