//! Database connection and migration for SQLite (embedded) and PostgreSQL.

use std::time::Duration;

use anyhow::Context;
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};
use sea_orm_migration::MigratorTrait;

/// How long a request waits for a pooled connection before it answers 503. A request
/// that needs an unreachable database must fail within 2 s (QUALITY 7), and the pool
/// retries a refused connection until this timeout: at 2 s that alone used the whole
/// budget. 1 s leaves the rest to the gateway and the token checks; a pool this busy
/// sheds load.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(1);

/// Opens a pool to `url`; SQLite files (and their folder) are created if missing.
pub async fn connect(url: &str) -> anyhow::Result<DatabaseConnection> {
    if let Some(path) = sqlite_file(url) {
        if let Some(parent) = std::path::Path::new(&path).parent() {
            if !parent.as_os_str().is_empty() {
                // The database holds password hashes and sealed keys: keep its folder private.
                crate::files::create_private_dir(parent)?;
            }
        }
    }
    let mut options = ConnectOptions::new(url.to_string());
    options
        .connect_timeout(Duration::from_secs(3))
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .sqlx_logging(false);
    if url.starts_with("sqlite:") {
        // SQLite has one writer, and a deferred transaction that reads and then writes
        // fails at once with SQLITE_BUSY (no busy wait) when another connection wrote in
        // between. One pooled connection makes writers queue instead of fail.
        options
            .max_connections(1)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(10));
        // Per-connection settings: every pooled connection must wait for the writer
        // instead of failing with SQLITE_BUSY.
        options.map_sqlx_sqlite_opts(|opts| {
            opts.busy_timeout(Duration::from_secs(5))
                .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .foreign_keys(true)
        });
    } else {
        return connect_postgres(url).await;
    }
    let db = Database::connect(options)
        .await
        .with_context(|| format!("connecting to the database {}", redact_url(url)))?;
    Ok(db)
}

/// A PostgreSQL pool whose connections take on the request role and tenant of whoever
/// checks them out (`rls`): the pool is built here because sea-orm's options have no
/// checkout hook.
async fn connect_postgres(url: &str) -> anyhow::Result<DatabaseConnection> {
    use sea_orm::sqlx::postgres::{PgConnectOptions, PgPoolOptions};
    use sea_orm::sqlx::ConnectOptions as _;

    let connect = url
        .parse::<PgConnectOptions>()
        .with_context(|| format!("parsing the database URL {}", redact_url(url)))?
        // Tenants differ by orders of magnitude in size, so a plan cached for one tenant's
        // parameters can be ruinous for another's (measured: a ticket search of 5 ms took
        // 550 ms under the generic plan). Planning each statement costs well under 1 ms.
        .options([("plan_cache_mode", "force_custom_plan")])
        .disable_statement_logging();
    let mut pool = PgPoolOptions::new()
        .max_connections(16)
        .min_connections(1)
        .acquire_timeout(ACQUIRE_TIMEOUT);
    if crate::rls::enabled() {
        // The hooks run in the task that asks for a connection, so they see its tenant:
        // a new connection is set up once opened, a pooled one each time it is handed out.
        pool = pool
            .after_connect(|conn, _| Box::pin(act_for_current_tenant(conn)))
            .before_acquire(|conn, _| {
                Box::pin(async move { act_for_current_tenant(conn).await.map(|()| true) })
            });
    }
    let pool = pool
        .connect_with(connect)
        .await
        .with_context(|| format!("connecting to the database {}", redact_url(url)))?;
    Ok(sea_orm::SqlxPostgresConnector::from_sqlx_postgres_pool(
        pool,
    ))
}

/// Gives a connection being checked out the role and tenant of the task asking for it.
async fn act_for_current_tenant(
    conn: &mut sea_orm::sqlx::PgConnection,
) -> Result<(), sea_orm::sqlx::Error> {
    use sea_orm::sqlx::Executor as _;
    let statement = crate::rls::checkout_statement(crate::rls::current());
    conn.execute(statement.as_str()).await.map(|_| ())
}

/// Connects and applies every pending migration of `M`.
pub async fn connect_and_migrate<M: MigratorTrait>(
    url: &str,
) -> anyhow::Result<DatabaseConnection> {
    let db = connect(url).await?;
    M::up(&db, None).await.context("applying migrations")?;
    crate::rls::apply(&db)
        .await
        .context("setting up row-level security")?;
    Ok(db)
}

/// The file path of a `sqlite://` URL, if it names a file.
fn sqlite_file(url: &str) -> Option<String> {
    let rest = url.strip_prefix("sqlite://")?;
    let path = rest.split('?').next()?;
    if path.is_empty() || path.contains(":memory:") {
        None
    } else {
        Some(path.to_string())
    }
}

/// A URL with its password replaced, fit for logs and errors.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_string(),
    }
}

/// Whether a database error means the database is unreachable (→ 503), not a bug:
/// no connection could be had, or a pooled connection broke mid-query.
pub fn is_connection_error(err: &DbErr) -> bool {
    use sea_orm::sqlx::Error as Sqlx;
    use sea_orm::RuntimeErr;
    match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Query(RuntimeErr::SqlxError(e)) | DbErr::Exec(RuntimeErr::SqlxError(e)) => matches!(
            e,
            Sqlx::Io(_)
                | Sqlx::PoolTimedOut
                | Sqlx::PoolClosed
                | Sqlx::WorkerCrashed
                | Sqlx::Tls(_)
        ),
        _ => false,
    }
}

/// Whether a database error is a unique-constraint violation.
pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

/// Whether the URL is a production database (not the embedded SQLite).
pub fn is_production_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        assert_eq!(
            redact_url("postgres://kefu:s3cret@db:5432/accounts"),
            "postgres://kefu:***@db:5432/accounts"
        );
    }

    #[test]
    fn finds_sqlite_files() {
        assert_eq!(
            sqlite_file("sqlite://data/accounts.db?mode=rwc").as_deref(),
            Some("data/accounts.db")
        );
        assert_eq!(sqlite_file("sqlite::memory:"), None);
    }
}
