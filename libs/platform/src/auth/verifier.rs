//! Verifies access tokens against a JWKS that is cached and refreshed on an unknown `kid`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use tokio::sync::{Mutex, RwLock};

use super::claims::{Claims, AUDIENCE};

/// Where the public keys come from.
#[async_trait]
pub trait JwksSource: Send + Sync {
    /// Fetches the current key set.
    async fn fetch(&self) -> anyhow::Result<JwkSet>;
}

/// A JWKS fetched over HTTP (services and the gateway fetch it from accounts).
pub struct HttpJwks {
    url: String,
    client: reqwest::Client,
}

impl HttpJwks {
    /// A source that GETs `url`.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(3))
                .build()
                .unwrap_or_default(),
        }
    }
}

#[async_trait]
impl JwksSource for HttpJwks {
    async fn fetch(&self) -> anyhow::Result<JwkSet> {
        let response = self
            .client
            .get(&self.url)
            .send()
            .await?
            .error_for_status()?;
        Ok(response.json().await?)
    }
}

/// A fixed key set (tests, or a service that owns the keys).
pub struct StaticJwks(pub JwkSet);

#[async_trait]
impl JwksSource for StaticJwks {
    async fn fetch(&self) -> anyhow::Result<JwkSet> {
        Ok(self.0.clone())
    }
}

/// Why a token was refused (logged, never sent to the client).
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// Not a decodable JWT header.
    #[error("malformed token: {0}")]
    Malformed(String),
    /// The `kid` is not in the key set, even after a refresh.
    #[error("unknown key id")]
    UnknownKey,
    /// The key set could not be fetched.
    #[error("key set unavailable: {0}")]
    KeysUnavailable(String),
    /// Signature, algorithm, expiry, audience or issuer is wrong.
    #[error("invalid token: {0}")]
    Invalid(String),
}

struct KeyCache {
    keys: HashMap<String, DecodingKey>,
    fetched_at: Option<Instant>,
}

/// Verifies Kefu access tokens: EdDSA only, `exp` required, `aud`/`iss` checked.
#[derive(Clone)]
pub struct TokenVerifier {
    source: Arc<dyn JwksSource>,
    cache: Arc<RwLock<KeyCache>>,
    refresh_lock: Arc<Mutex<()>>,
    issuer: String,
    min_refresh_interval: Duration,
    max_key_age: Duration,
}

/// Clock skew tolerated on `exp` and `nbf`.
const LEEWAY_SECS: u64 = 30;

impl TokenVerifier {
    /// A verifier for tokens issued by `issuer`, with keys from `source`.
    pub fn new(source: Arc<dyn JwksSource>, issuer: impl Into<String>) -> Self {
        Self {
            source,
            cache: Arc::new(RwLock::new(KeyCache {
                keys: HashMap::new(),
                fetched_at: None,
            })),
            refresh_lock: Arc::new(Mutex::new(())),
            issuer: issuer.into(),
            min_refresh_interval: Duration::from_secs(5),
            max_key_age: Duration::from_secs(60),
        }
    }

    /// Changes how often the key set may be re-fetched and how long a cached set is
    /// trusted; a key withdrawn from the JWKS stops verifying within `max_key_age`.
    pub fn with_refresh(mut self, min_interval: Duration, max_key_age: Duration) -> Self {
        self.min_refresh_interval = min_interval;
        self.max_key_age = max_key_age;
        self
    }

    /// The issuer this verifier accepts.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// Whether the key set can be fetched (readiness of the gateway).
    pub async fn ready(&self) -> bool {
        if self.cache.read().await.fetched_at.is_some() {
            return true;
        }
        self.refresh(true).await.is_ok()
    }

    /// Verifies a compact JWT and returns its claims.
    pub async fn verify(&self, token: &str) -> Result<Claims, VerifyError> {
        let header = jsonwebtoken::decode_header(token)
            .map_err(|e| VerifyError::Malformed(e.to_string()))?;
        // Pin the algorithm: `none`, HS256-with-public-key and the like fail here.
        if header.alg != Algorithm::EdDSA {
            return Err(VerifyError::Invalid(format!(
                "algorithm {:?} not accepted",
                header.alg
            )));
        }
        // `jku`/`x5u` are ignored on purpose: keys only ever come from our own source.
        let kid = header
            .kid
            .ok_or_else(|| VerifyError::Invalid("token has no kid".into()))?;
        if self.keys_are_stale().await {
            // A failed refresh keeps the cached keys: an outage of the key source
            // must not log everybody out, and rotation only adds keys.
            if let Err(error) = self.refresh(false).await {
                tracing::warn!(%error, "key set refresh failed; using the cached keys");
            }
        }
        let key = match self.key(&kid).await {
            Some(key) => key,
            None => {
                self.refresh(false).await?;
                self.key(&kid).await.ok_or(VerifyError::UnknownKey)?
            }
        };
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.leeway = LEEWAY_SECS;
        validation.set_audience(&[AUDIENCE]);
        validation.set_issuer(&[&self.issuer]);
        validation.set_required_spec_claims(&["exp", "iat", "aud", "iss", "sub"]);
        jsonwebtoken::decode::<Claims>(token, &key, &validation)
            .map(|data| data.claims)
            .map_err(|e| VerifyError::Invalid(e.to_string()))
    }

    async fn keys_are_stale(&self) -> bool {
        self.cache
            .read()
            .await
            .fetched_at
            .is_some_and(|at| at.elapsed() >= self.max_key_age)
    }

    async fn key(&self, kid: &str) -> Option<DecodingKey> {
        self.cache.read().await.keys.get(kid).cloned()
    }

    /// Re-fetches the key set, at most once per `min_refresh_interval` unless forced,
    /// so a flood of tokens with made-up `kid`s cannot hammer the key source.
    async fn refresh(&self, force: bool) -> Result<(), VerifyError> {
        let _guard = self.refresh_lock.lock().await;
        if !force {
            if let Some(at) = self.cache.read().await.fetched_at {
                if at.elapsed() < self.min_refresh_interval {
                    return Ok(());
                }
            }
        }
        let set = self
            .source
            .fetch()
            .await
            .map_err(|e| VerifyError::KeysUnavailable(e.to_string()))?;
        let mut keys = HashMap::new();
        for jwk in &set.keys {
            if let (Some(kid), Ok(key)) = (jwk.common.key_id.clone(), DecodingKey::from_jwk(jwk)) {
                keys.insert(kid, key);
            }
        }
        let mut cache = self.cache.write().await;
        cache.keys = keys;
        cache.fetched_at = Some(Instant::now());
        Ok(())
    }
}
