//! A fresh database per test: a SQLite file by default, a new PostgreSQL
//! database when `KEFU_TEST_DATABASE_URL` names a server.

use sea_orm::{ConnectionTrait, Database};

/// The URL of a new, empty database named after `service`.
pub async fn fresh_database_url(service: &str) -> anyhow::Result<String> {
    let id = uuid::Uuid::now_v7().simple().to_string();
    match std::env::var("KEFU_TEST_DATABASE_URL")
        .ok()
        .filter(|v| !v.is_empty())
    {
        Some(server) => {
            let server = server.trim_end_matches('/');
            let name = format!("kefu_t_{service}_{id}");
            let admin = Database::connect(format!("{server}/postgres")).await?;
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await?;
            admin.close().await?;
            Ok(format!("{server}/{name}"))
        }
        None => {
            let dir = std::env::temp_dir().join("kefu-tests");
            std::fs::create_dir_all(&dir)?;
            Ok(format!(
                "sqlite://{}/{service}-{id}.db?mode=rwc",
                dir.display()
            ))
        }
    }
}

/// The PostgreSQL server tests use, if `KEFU_TEST_DATABASE_URL` names one.
pub fn postgres_server() -> Option<String> {
    std::env::var("KEFU_TEST_DATABASE_URL")
        .ok()
        .filter(|v| v.starts_with("postgres"))
        .map(|v| v.trim_end_matches('/').to_string())
}
