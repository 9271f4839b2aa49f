//! Attachment bytes in the object store: where they live, how large they may be, what
//! they are (sniffed from the bytes, never taken from the client).

use std::sync::Arc;

use futures_util::StreamExt;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt};
use uuid::Uuid;

use crate::settings::Settings;

/// The largest upload any plan allows; the request limit of the service.
pub const MAX_UPLOAD_BYTES: usize = 50 * 1024 * 1024;

/// The largest attachment a tenant on `plan` may upload.
pub fn limit_for_plan(plan: Option<&str>) -> usize {
    match plan {
        Some("enterprise") => MAX_UPLOAD_BYTES,
        Some("standard") => 20 * 1024 * 1024,
        _ => 5 * 1024 * 1024,
    }
}

/// What the bytes are: a known file type by its signature, else UTF-8 text, else octets.
pub fn sniff(bytes: &[u8]) -> String {
    if let Some(kind) = infer::get(bytes) {
        return kind.mime_type().to_string();
    }
    if std::str::from_utf8(bytes).is_ok() {
        "text/plain; charset=utf-8".into()
    } else {
        "application/octet-stream".into()
    }
}

/// A file name safe to echo in a `Content-Disposition` header.
pub fn safe_filename(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '\\' | '/'))
        .take(200)
        .collect();
    if cleaned.trim().is_empty() {
        "attachment".into()
    } else {
        cleaned.trim().to_string()
    }
}

/// Where a tenant's attachment lives in the store.
pub fn object_key(tenant: Uuid, ticket: Uuid, attachment: Uuid) -> Path {
    Path::from(format!("{tenant}/{ticket}/{attachment}"))
}

/// The configured store: S3-compatible for `s3://…`, else a local folder.
pub fn object_store(settings: &Settings) -> anyhow::Result<Arc<dyn ObjectStore>> {
    match settings.object_store_url.as_deref() {
        Some(url) if url.starts_with("s3://") => Ok(Arc::new(
            object_store::aws::AmazonS3Builder::from_env().with_url(url).build()?,
        )),
        Some(other) => anyhow::bail!("KEFU_OBJECT_STORE_URL={other:?}: only s3:// URLs are supported (unset: a local folder)"),
        None => {
            kefu_platform::files::create_private_dir(&settings.attachments_dir)?;
            Ok(Arc::new(object_store::local::LocalFileSystem::new_with_prefix(&settings.attachments_dir)?))
        }
    }
}

/// Deletes every object of a tenant (its deletion from the platform).
pub async fn delete_tenant_objects(store: &dyn ObjectStore, tenant: Uuid) -> anyhow::Result<()> {
    let prefix = Path::from(tenant.to_string());
    let mut listing = store.list(Some(&prefix));
    while let Some(meta) = listing.next().await {
        store.delete(&meta?.location).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bytes_not_the_client_say_what_a_file_is() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), "application/pdf");
        assert_eq!(
            sniff(&[0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]),
            "image/png"
        );
        assert_eq!(sniff("售后 notes".as_bytes()), "text/plain; charset=utf-8");
        assert_eq!(sniff(&[0xff, 0xfe, 0x00, 0x9f]), "application/octet-stream");
    }

    #[test]
    fn limits_follow_the_plan_and_names_are_tamed() {
        assert_eq!(limit_for_plan(None), 5 * 1024 * 1024);
        assert_eq!(limit_for_plan(Some("enterprise")), MAX_UPLOAD_BYTES);
        assert_eq!(safe_filename("../../etc/\"passwd\"\r\n"), "....etcpasswd");
        assert_eq!(safe_filename("  "), "attachment");
    }
}
