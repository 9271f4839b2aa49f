//! Outgoing email (PRODUCT.md §3.8): messages are queued in the service's own
//! database in the same transaction as the change, and a sender delivers them
//! over SMTP with retries, or writes `.eml` files when no SMTP server is set.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use tokio::sync::Notify;
use uuid::Uuid;

pub use migration::Migration;

/// Queued messages, in the service's own database.
pub mod outbox {
    use sea_orm::entity::prelude::*;

    /// One message to deliver.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "mail_outbox")]
    pub struct Model {
        /// Message id (also the `Message-ID` and the `.eml` file name).
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Recipient address.
        pub to_address: String,
        /// Subject line.
        pub subject: String,
        /// Plain-text body.
        pub body_text: String,
        /// Delivery attempts so far.
        pub attempts: i64,
        /// Not before then.
        pub next_attempt_at: ChronoDateTimeUtc,
        /// A sender holds the row until then (so replicas do not send it twice).
        pub locked_until: Option<ChronoDateTimeUtc>,
        /// Delivered at.
        pub sent_at: Option<ChronoDateTimeUtc>,
        /// Gave up at (after the last retry).
        pub failed_at: Option<ChronoDateTimeUtc>,
        /// Last delivery error.
        pub last_error: Option<String>,
        /// Queued at.
        pub created_at: ChronoDateTimeUtc,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

mod migration {
    use sea_orm_migration::prelude::*;

    /// Creates the `mail_outbox` table; services that send email list it in their migrator.
    pub struct Migration;

    impl MigrationName for Migration {
        fn name(&self) -> &str {
            "m20261123_000002_platform_mail_outbox"
        }
    }

    #[async_trait::async_trait]
    impl MigrationTrait for Migration {
        async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
            let col = |name: &str| ColumnDef::new(Alias::new(name)).to_owned();
            manager
                .create_table(
                    Table::create()
                        .table(Alias::new("mail_outbox"))
                        .if_not_exists()
                        .col(col("id").uuid().not_null().primary_key())
                        .col(col("to_address").text().not_null())
                        .col(col("subject").text().not_null())
                        .col(col("body_text").text().not_null())
                        .col(col("attempts").big_integer().not_null().default(0))
                        .col(col("next_attempt_at").timestamp_with_time_zone().not_null())
                        .col(col("locked_until").timestamp_with_time_zone().null())
                        .col(col("sent_at").timestamp_with_time_zone().null())
                        .col(col("failed_at").timestamp_with_time_zone().null())
                        .col(col("last_error").text().null())
                        .col(col("created_at").timestamp_with_time_zone().not_null())
                        .to_owned(),
                )
                .await?;
            manager
                .create_index(
                    Index::create()
                        .name("ix_mail_outbox_due")
                        .table(Alias::new("mail_outbox"))
                        .col(Alias::new("sent_at"))
                        .col(Alias::new("next_attempt_at"))
                        .if_not_exists()
                        .to_owned(),
                )
                .await
        }

        async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
            manager
                .drop_table(Table::drop().table(Alias::new("mail_outbox")).to_owned())
                .await
        }
    }
}

/// One email to send.
#[derive(Debug, Clone)]
pub struct Email {
    /// Recipient.
    pub to: String,
    /// Subject.
    pub subject: String,
    /// Plain-text body.
    pub text: String,
}

/// Queues an email inside the caller's transaction; it is sent only if that commits.
pub async fn queue(conn: &impl ConnectionTrait, email: Email) -> Result<Uuid, DbErr> {
    let id = Uuid::now_v7();
    let now = Utc::now();
    outbox::Entity::insert(outbox::ActiveModel {
        id: Set(id),
        to_address: Set(email.to),
        subject: Set(email.subject),
        body_text: Set(email.text),
        attempts: Set(0),
        next_attempt_at: Set(now),
        locked_until: Set(None),
        sent_at: Set(None),
        failed_at: Set(None),
        last_error: Set(None),
        created_at: Set(now),
    })
    .exec(conn)
    .await?;
    Ok(id)
}

/// Where mail goes.
#[derive(Debug, Clone)]
pub enum MailTransport {
    /// `.eml` files in a folder (embedded mode, no SMTP server configured).
    Files(PathBuf),
    /// An SMTP server, e.g. `smtp://mail:25` or `smtps://user:pass@mail:465`.
    Smtp(crate::config::Secret<String>),
}

/// Mail settings shared by every service that sends email.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// The transport.
    pub transport: MailTransport,
    /// The `From` address.
    pub from: String,
}

/// Most attempts before a message is given up on.
pub const MAX_ATTEMPTS: i64 = 10;

/// What stays of a body once the message is delivered or given up on.
pub const DELIVERED_BODY: &str = "(removed after delivery)";

impl MailSettings {
    /// `KEFU_SMTP_URL`, `KEFU_MAIL_FROM`, `KEFU_MAIL_DIR` (default `<data_dir>/mail`).
    pub fn from_env(data_dir: &std::path::Path) -> Self {
        let transport = match crate::config::var("KEFU_SMTP_URL") {
            Some(url) => MailTransport::Smtp(crate::config::Secret::new(url)),
            None => MailTransport::Files(
                crate::config::var("KEFU_MAIL_DIR")
                    .map(PathBuf::from)
                    .unwrap_or_else(|| data_dir.join("mail")),
            ),
        };
        Self {
            transport,
            from: crate::config::var("KEFU_MAIL_FROM")
                .unwrap_or_else(|| "Kefu <no-reply@kefu.localhost>".into()),
        }
    }
}

/// Wakes the sender after a commit that queued mail.
#[derive(Clone, Default)]
pub struct Mailer {
    notify: Arc<Notify>,
}

impl Mailer {
    /// Starts the sender task over `db` and returns its handle.
    pub fn start(db: DatabaseConnection, settings: MailSettings) -> Self {
        let mailer = Self::default();
        let notify = mailer.notify.clone();
        tokio::spawn(async move {
            let sender = Sender {
                db,
                settings,
                smtp: None,
            };
            sender.run(notify).await;
        });
        mailer
    }

    /// Tells the sender that new mail is queued.
    pub fn wake(&self) {
        self.notify.notify_one();
    }
}

struct Sender {
    db: DatabaseConnection,
    settings: MailSettings,
    smtp: Option<AsyncSmtpTransport<Tokio1Executor>>,
}

/// How long the sender sleeps when nothing wakes it.
const POLL: Duration = Duration::from_secs(5);
/// How long a claimed message is held by one sender.
const LEASE_SECS: i64 = 60;

impl Sender {
    async fn run(mut self, notify: Arc<Notify>) {
        loop {
            match self.send_due().await {
                Ok(sent) if sent > 0 => continue,
                Ok(_) => {}
                Err(err) => tracing::warn!(error = %err, "mail sender could not read the outbox"),
            }
            let _ = tokio::time::timeout(POLL, notify.notified()).await;
        }
    }

    /// Sends every due message once; returns how many were attempted.
    async fn send_due(&mut self) -> Result<usize, DbErr> {
        let now = Utc::now();
        let due = outbox::Entity::find()
            .filter(outbox::Column::SentAt.is_null())
            .filter(outbox::Column::FailedAt.is_null())
            .filter(outbox::Column::NextAttemptAt.lte(now))
            .filter(
                outbox::Column::LockedUntil
                    .is_null()
                    .or(outbox::Column::LockedUntil.lt(now)),
            )
            .order_by_asc(outbox::Column::Id)
            .limit(20)
            .all(&self.db)
            .await?;
        let mut attempted = 0;
        for message in due {
            if !self.claim(&message).await? {
                continue;
            }
            attempted += 1;
            match self.deliver(&message).await {
                Ok(()) => {
                    // The body may hold a sign-in link: once delivered it is not kept.
                    outbox::Entity::update_many()
                        .col_expr(outbox::Column::SentAt, Expr::value(Utc::now()))
                        .col_expr(outbox::Column::BodyText, Expr::value(DELIVERED_BODY))
                        .col_expr(outbox::Column::Attempts, Expr::value(message.attempts + 1))
                        .filter(outbox::Column::Id.eq(message.id))
                        .exec(&self.db)
                        .await?;
                }
                Err(err) => {
                    let attempts = message.attempts + 1;
                    tracing::warn!(mail_id = %message.id, attempts, error = %err, "mail delivery failed");
                    let backoff = chrono::Duration::seconds(30 * 2_i64.pow(attempts.min(7) as u32));
                    let mut update = outbox::Entity::update_many()
                        .col_expr(outbox::Column::Attempts, Expr::value(attempts))
                        .col_expr(outbox::Column::LastError, Expr::value(err.to_string()))
                        .col_expr(
                            outbox::Column::NextAttemptAt,
                            Expr::value(Utc::now() + backoff),
                        )
                        .col_expr(
                            outbox::Column::LockedUntil,
                            Expr::value(Option::<chrono::DateTime<Utc>>::None),
                        );
                    if attempts >= MAX_ATTEMPTS {
                        update = update
                            .col_expr(outbox::Column::FailedAt, Expr::value(Utc::now()))
                            .col_expr(outbox::Column::BodyText, Expr::value(DELIVERED_BODY));
                    }
                    update
                        .filter(outbox::Column::Id.eq(message.id))
                        .exec(&self.db)
                        .await?;
                }
            }
        }
        Ok(attempted)
    }

    async fn claim(&self, message: &outbox::Model) -> Result<bool, DbErr> {
        let now = Utc::now();
        let result = outbox::Entity::update_many()
            .col_expr(
                outbox::Column::LockedUntil,
                Expr::value(now + chrono::Duration::seconds(LEASE_SECS)),
            )
            .filter(outbox::Column::Id.eq(message.id))
            .filter(outbox::Column::SentAt.is_null())
            .filter(
                outbox::Column::LockedUntil
                    .is_null()
                    .or(outbox::Column::LockedUntil.lt(now)),
            )
            .exec(&self.db)
            .await?;
        Ok(result.rows_affected == 1)
    }

    async fn deliver(&mut self, message: &outbox::Model) -> anyhow::Result<()> {
        let email = Message::builder()
            .from(self.settings.from.parse()?)
            .to(message.to_address.parse()?)
            .subject(message.subject.clone())
            // A stable Message-ID lets receivers drop a duplicate after a crash between send and mark.
            .message_id(Some(format!("<{}@kefu>", message.id)))
            .header(ContentType::TEXT_PLAIN)
            .body(message.body_text.clone())?;
        match &self.settings.transport {
            MailTransport::Files(dir) => {
                let dir = dir.clone();
                let id = message.id;
                let formatted = email.formatted();
                tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
                    crate::files::create_private_dir(&dir)?;
                    // Write then rename, so a reader never sees half a message.
                    let tmp = dir.join(format!(".{id}.eml.tmp"));
                    crate::files::write_private(&tmp, &formatted)?;
                    std::fs::rename(&tmp, dir.join(format!("{id}.eml")))?;
                    Ok(())
                })
                .await??;
            }
            MailTransport::Smtp(url) => {
                if self.smtp.is_none() {
                    self.smtp = Some(
                        AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())?
                            .timeout(Some(Duration::from_secs(10)))
                            .build(),
                    );
                }
                if let Some(smtp) = &self.smtp {
                    smtp.send(email).await?;
                }
            }
        }
        Ok(())
    }
}
