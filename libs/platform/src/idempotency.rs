//! `Idempotency-Key` on `POST`: a retry with the same key and body replays the
//! first response; a different body is a 422; a retry while the first runs is a 409.
//! Keys are scoped to (tenant, credential, method, path) and kept 24 hours.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, HttpResponse, ResponseError};
use chrono::{Duration, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};

use crate::error::ApiError;

/// The header name.
pub const HEADER: &str = "idempotency-key";
/// Longest key accepted.
pub const MAX_KEY_LEN: usize = 255;
/// How long a key is remembered.
pub const RETENTION_HOURS: i64 = 24;

/// Stored keys, in the service's own database.
pub mod record {
    use sea_orm::entity::prelude::*;

    /// One remembered request.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "idempotency_keys")]
    pub struct Model {
        /// SHA-256 of tenant, credential, method, path and key.
        #[sea_orm(primary_key, auto_increment = false)]
        pub scope_hash: String,
        /// SHA-256 of the request body.
        pub request_hash: String,
        /// `running` or `done`.
        pub state: String,
        /// Status of the first response.
        pub status: Option<i32>,
        /// Body of the first response.
        pub body: Option<Vec<u8>>,
        /// Content type of the first response.
        pub content_type: Option<String>,
        /// When the first request arrived.
        pub created_at: ChronoDateTimeUtc,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use migration::Migration;

mod migration {
    use sea_orm_migration::prelude::*;

    /// Creates the `idempotency_keys` table; every service lists it in its migrator.
    pub struct Migration;

    impl MigrationName for Migration {
        fn name(&self) -> &str {
            "m20261123_000000_platform_idempotency_keys"
        }
    }

    #[async_trait::async_trait]
    impl MigrationTrait for Migration {
        async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
            manager
                .create_table(
                    Table::create()
                        .table(Alias::new("idempotency_keys"))
                        .if_not_exists()
                        .col(
                            ColumnDef::new(Alias::new("scope_hash"))
                                .string_len(64)
                                .not_null()
                                .primary_key(),
                        )
                        .col(
                            ColumnDef::new(Alias::new("request_hash"))
                                .string_len(64)
                                .not_null(),
                        )
                        .col(
                            ColumnDef::new(Alias::new("state"))
                                .string_len(16)
                                .not_null(),
                        )
                        .col(ColumnDef::new(Alias::new("status")).integer())
                        .col(ColumnDef::new(Alias::new("body")).binary())
                        .col(ColumnDef::new(Alias::new("content_type")).string_len(128))
                        .col(
                            ColumnDef::new(Alias::new("created_at"))
                                .timestamp_with_time_zone()
                                .not_null(),
                        )
                        .to_owned(),
                )
                .await
        }

        async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
            manager
                .drop_table(
                    Table::drop()
                        .table(Alias::new("idempotency_keys"))
                        .to_owned(),
                )
                .await
        }
    }
}

/// The database the middleware remembers keys in, registered as app data.
#[derive(Clone)]
pub struct IdempotencyStore(pub DatabaseConnection);

fn sha256_hex(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part);
    }
    hex_encode(&hasher.finalize())
}

fn hex_encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The credential a key is scoped to: the verified token's tenant and subject,
/// else (public routes) the client address.
async fn credential_of(req: &ServiceRequest) -> String {
    if let Some(state) = req.app_data::<web::Data<crate::auth::AuthState>>() {
        if let Some(token) = crate::auth::bearer_token(req.request()) {
            if let Ok(claims) = state.verifier.verify(&token).await {
                let tenant = claims.tid.map(|t| t.to_string()).unwrap_or_default();
                return format!("{tenant}/{}", claims.sub);
            }
        }
    }
    let peer = req
        .connection_info()
        .realip_remote_addr()
        .unwrap_or("unknown")
        .to_string();
    format!("public/{peer}")
}

fn replay(record: &record::Model) -> HttpResponse {
    let status = record
        .status
        .and_then(|s| u16::try_from(s).ok())
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    let mut builder = HttpResponse::build(status);
    if let Some(content_type) = &record.content_type {
        builder.content_type(content_type.as_str());
    }
    builder.insert_header(("idempotent-replayed", "true"));
    builder.body(record.body.clone().unwrap_or_default())
}

/// The middleware; a no-op unless the request is a `POST` with the header and
/// the app registered an [`IdempotencyStore`].
pub async fn middleware(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let key = req
        .headers()
        .get(HEADER)
        .map(|v| v.to_str().map(str::to_string));
    let store = req.app_data::<web::Data<IdempotencyStore>>().cloned();
    let (Some(key), Some(store), true) = (key, store, req.method() == Method::POST) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let key = match key {
        Ok(k) if !k.is_empty() && k.len() <= MAX_KEY_LEN => k,
        _ => {
            let err = ApiError::field("Idempotency-Key", "must be 1-255 visible characters");
            return Ok(req.into_response(err.error_response()));
        }
    };
    let body = req.extract::<web::Bytes>().await?;
    req.set_payload(actix_web::dev::Payload::from(body.clone()));

    let credential = credential_of(&req).await;
    let scope_hash = sha256_hex(&[
        credential.as_bytes(),
        req.method().as_str().as_bytes(),
        req.path().as_bytes(),
        key.as_bytes(),
    ]);
    let request_hash = sha256_hex(&[&body]);
    let db = &store.0;

    match claim(db, &scope_hash, &request_hash).await {
        Ok(Claim::New) => {}
        Ok(Claim::Replay(record)) => return Ok(req.into_response(replay(&record))),
        Err(err) => return Ok(req.into_response(err.error_response())),
    }

    let response = next.call(req).await?;
    let (http_req, response) = response.into_parts();
    let status = response.status();
    // A response that must not be stored (tokens, secrets shown once) is remembered
    // without its body: the key still guards against a second create, but a retry
    // gets a 409 instead of a copy of the secret kept at rest.
    let secret = response
        .headers()
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("no-store"));
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(String::from);
    let (head, body) = response.into_parts();
    let bytes = match actix_web::body::to_bytes(body).await {
        Ok(bytes) => bytes,
        Err(_) => {
            forget(db, &scope_hash).await;
            return Ok(ServiceResponse::new(
                http_req,
                ApiError::internal(anyhow::anyhow!("response body unreadable")).error_response(),
            ));
        }
    };
    if status.is_server_error() {
        // A failed attempt must not be replayed: let the client retry for real.
        forget(db, &scope_hash).await;
    } else {
        let update = record::ActiveModel {
            scope_hash: Set(scope_hash.clone()),
            state: Set("done".into()),
            status: Set(Some(i32::from(status.as_u16()))),
            body: Set((!secret).then(|| bytes.to_vec())),
            content_type: Set(if secret { None } else { content_type }),
            ..Default::default()
        };
        if let Err(err) = record::Entity::update(update).exec(db).await {
            tracing::warn!(error = %err, "could not store idempotent response");
        }
    }
    let response = head.set_body(bytes).map_into_boxed_body();
    Ok(ServiceResponse::new(http_req, response))
}

enum Claim {
    New,
    Replay(record::Model),
}

/// Claims the key for this request, or finds what an earlier request left.
async fn claim(
    db: &DatabaseConnection,
    scope_hash: &str,
    request_hash: &str,
) -> Result<Claim, ApiError> {
    for _ in 0..2 {
        let existing = record::Entity::find_by_id(scope_hash.to_string())
            .one(db)
            .await?;
        match existing {
            Some(record) if record.created_at < Utc::now() - Duration::hours(RETENTION_HOURS) => {
                forget(db, scope_hash).await;
            }
            Some(record) if record.request_hash != request_hash => {
                return Err(ApiError::IdempotencyMismatch)
            }
            Some(record) if record.state == "running" => {
                return Err(ApiError::IdempotencyInProgress)
            }
            Some(record) if record.body.is_none() => {
                return Err(ApiError::IdempotencyNotReplayable)
            }
            Some(record) => return Ok(Claim::Replay(record)),
            None => {
                let row = record::ActiveModel {
                    scope_hash: Set(scope_hash.to_string()),
                    request_hash: Set(request_hash.to_string()),
                    state: Set("running".into()),
                    status: Set(None),
                    body: Set(None),
                    content_type: Set(None),
                    created_at: Set(Utc::now()),
                };
                match record::Entity::insert(row).exec(db).await {
                    Ok(_) => return Ok(Claim::New),
                    // Another request with the same key won the race: look again.
                    Err(err) if crate::db::is_unique_violation(&err) => continue,
                    Err(err) => return Err(err.into()),
                }
            }
        }
    }
    Err(ApiError::IdempotencyInProgress)
}

async fn forget(db: &DatabaseConnection, scope_hash: &str) {
    if let Err(err) = record::Entity::delete_by_id(scope_hash.to_string())
        .exec(db)
        .await
    {
        tracing::warn!(error = %err, "could not forget idempotency key");
    }
}

/// Deletes keys older than the retention period.
pub async fn purge_expired(db: &DatabaseConnection) -> Result<u64, DbErr> {
    let cutoff = Utc::now() - Duration::hours(RETENTION_HOURS);
    let result = record::Entity::delete_many()
        .filter(record::Column::CreatedAt.lt(cutoff))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
