//! The PostgreSQL databases a scenario makes (on `KEFU_TEST_DATABASE_URL`'s server) and
//! drops again, so runs leave nothing behind.

use sea_orm::{ConnectionTrait, Database};

/// The server named by `KEFU_TEST_DATABASE_URL`, if it is PostgreSQL.
pub fn server() -> Option<String> {
    kefu_testkit::postgres_server()
}

/// The server, or an error saying the scenario needs one.
pub fn required(scenario: &str) -> anyhow::Result<String> {
    server().ok_or_else(|| {
        anyhow::anyhow!(
            "the {scenario} bench needs PostgreSQL: set KEFU_TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432)"
        )
    })
}

/// A new, empty database on the server; its URL.
pub async fn create(service: &str) -> anyhow::Result<String> {
    kefu_testkit::fresh_database_url(&format!("bench_{service}")).await
}

/// Discards a database of `kefu_testkit::fresh_database_url`: drops it on PostgreSQL,
/// deletes the file (and its WAL companions) on SQLite.
pub async fn discard(url: &str) -> anyhow::Result<()> {
    if url.starts_with("postgres") {
        return drop(url).await;
    }
    if let Some(path) = url
        .strip_prefix("sqlite://")
        .and_then(|rest| rest.split('?').next())
    {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{path}{suffix}"));
        }
    }
    Ok(())
}

/// Drops the database of `url` (closing its other sessions first).
pub async fn drop(url: &str) -> anyhow::Result<()> {
    let (server, name) = url
        .rsplit_once('/')
        .ok_or_else(|| anyhow::anyhow!("not a database URL: {url}"))?;
    let admin = Database::connect(format!("{server}/postgres")).await?;
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .await?;
    admin.close().await?;
    Ok(())
}
