//! The demo tenant created on the very first embedded start.

use anyhow::Context;
use base64::Engine;
use kefu_accounts::app::tenants::{create_tenant, NewOwnerBody, NewTenantBody, SignUpBody};

/// Login details of the demo owner.
pub struct DemoCredentials {
    /// Tenant slug.
    pub tenant: String,
    /// Owner email.
    pub email: String,
    /// Owner password (random).
    pub password: String,
}

/// Creates the demo tenant if the accounts database has no tenant at all.
pub async fn seed_if_empty(
    state: &kefu_accounts::AppState,
) -> anyhow::Result<Option<DemoCredentials>> {
    if kefu_accounts::app::tenants::any_tenant(&state.db).await? {
        return Ok(None);
    }
    let mut bytes = [0u8; 18];
    rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut bytes);
    let password = format!(
        "demo-{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    );
    let credentials = DemoCredentials {
        tenant: "demo".into(),
        email: "owner@demo.kefu.test".into(),
        password,
    };
    let body = SignUpBody {
        tenant: NewTenantBody {
            name: "Demo Service Centre".into(),
            slug: credentials.tenant.clone(),
            time_zone: Some("UTC".into()),
            locale: Some("en".into()),
        },
        owner: NewOwnerBody {
            name: "Demo Owner".into(),
            email: credentials.email.clone(),
            password: credentials.password.clone(),
        },
    };
    create_tenant(state, body, None)
        .await
        .map_err(|e| anyhow::anyhow!("creating the demo tenant: {e}"))
        .context("demo tenant")?;
    Ok(Some(credentials))
}

/// Writes the credentials to `<data_dir>/demo-credentials.txt`, readable by the owner only.
pub fn write_credentials(
    data_dir: &std::path::Path,
    credentials: &DemoCredentials,
) -> anyhow::Result<std::path::PathBuf> {
    kefu_platform::files::create_private_dir(data_dir)?;
    let path = data_dir.join("demo-credentials.txt");
    let text = format!(
        "tenant={}\nemail={}\npassword={}\n",
        credentials.tenant, credentials.email, credentials.password
    );
    kefu_platform::files::write_private(&path, text.as_bytes())?;
    Ok(path)
}
