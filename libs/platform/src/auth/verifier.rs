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
    /// The last fetch that failed, if it failed after the last success: another is not
    /// tried before `min_refresh_interval`, so an outage of the key source costs one
    /// fetch per interval, not one per request.
    failed_at: Option<Instant>,
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
    max_stale: Duration,
}

/// Clock skew tolerated on `exp` and `nbf`.
const LEEWAY_SECS: u64 = 30;

/// How long a request waits for the refresh of an aged-out key set before it is
/// checked against the cached keys (a healthy source answers in milliseconds).
const STALE_REFRESH_WAIT: Duration = Duration::from_millis(250);

/// How long the cached keys are used while the key source cannot be reached. Someone
/// holding a withdrawn private key could otherwise sign tokens for as long as they keep
/// the source failing; by then the access tokens issued before the outage (15 minutes
/// by default) have expired anyway, so refusing costs the clients nothing they had.
const MAX_STALE: Duration = Duration::from_secs(15 * 60);

impl TokenVerifier {
    /// A verifier for tokens issued by `issuer`, with keys from `source`.
    pub fn new(source: Arc<dyn JwksSource>, issuer: impl Into<String>) -> Self {
        Self {
            source,
            cache: Arc::new(RwLock::new(KeyCache {
                keys: HashMap::new(),
                fetched_at: None,
                failed_at: None,
            })),
            refresh_lock: Arc::new(Mutex::new(())),
            issuer: issuer.into(),
            min_refresh_interval: Duration::from_secs(5),
            max_key_age: Duration::from_secs(60),
            max_stale: MAX_STALE,
        }
    }

    /// Changes how often the key set may be re-fetched and how long a cached set is
    /// trusted; a key withdrawn from the JWKS stops verifying within `max_key_age`.
    pub fn with_refresh(mut self, min_interval: Duration, max_key_age: Duration) -> Self {
        self.min_refresh_interval = min_interval;
        self.max_key_age = max_key_age;
        self
    }

    /// Changes how long cached keys are used while the key source fails (tests).
    pub fn with_max_stale(mut self, max_stale: Duration) -> Self {
        self.max_stale = max_stale;
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
            self.refresh_stale().await;
            if self.keys_are_older_than(self.max_stale).await {
                return Err(VerifyError::KeysUnavailable(format!(
                    "the key set could not be refreshed for {} s",
                    self.max_stale.as_secs()
                )));
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
        self.keys_are_older_than(self.max_key_age).await
    }

    async fn keys_are_older_than(&self, age: Duration) -> bool {
        self.cache
            .read()
            .await
            .fetched_at
            .is_some_and(|at| at.elapsed() >= age)
    }

    /// Refreshes a key set that has aged out. A withdrawn key stops verifying once the
    /// set is re-fetched, so a healthy source is waited for (briefly); a slow or failing
    /// one is not, or every request would wait out its timeout: the fetch goes on in the
    /// background and the token is checked against the cached keys, which an outage of
    /// the key source must not take away (rotation only adds keys).
    async fn refresh_stale(&self) {
        let (failing, due) = {
            let cache = self.cache.read().await;
            (
                cache.failed_at.is_some(),
                cache
                    .failed_at
                    .is_none_or(|at| at.elapsed() >= self.min_refresh_interval),
            )
        };
        if !due {
            return;
        }
        let verifier = self.clone();
        let refresh = tokio::spawn(async move {
            // One fetch at a time; requests meanwhile use the cached keys.
            let Ok(_guard) = verifier.refresh_lock.try_lock() else {
                return;
            };
            if let Err(error) = verifier.refresh_locked(false).await {
                tracing::warn!(%error, "key set refresh failed; using the cached keys");
            }
        });
        if !failing {
            let _ = tokio::time::timeout(STALE_REFRESH_WAIT, refresh).await;
        }
    }

    async fn key(&self, kid: &str) -> Option<DecodingKey> {
        self.cache.read().await.keys.get(kid).cloned()
    }

    /// Re-fetches the key set, at most once per `min_refresh_interval` unless forced,
    /// so a flood of tokens with made-up `kid`s cannot hammer the key source.
    async fn refresh(&self, force: bool) -> Result<(), VerifyError> {
        let _guard = self.refresh_lock.lock().await;
        self.refresh_locked(force).await
    }

    /// [`Self::refresh`] with `refresh_lock` held.
    async fn refresh_locked(&self, force: bool) -> Result<(), VerifyError> {
        if !force {
            let cache = self.cache.read().await;
            if let Some(at) = cache.failed_at {
                if at.elapsed() < self.min_refresh_interval {
                    return Err(VerifyError::KeysUnavailable(
                        "the key set could not be fetched a moment ago".into(),
                    ));
                }
            } else if let Some(at) = cache.fetched_at {
                if at.elapsed() < self.min_refresh_interval {
                    return Ok(());
                }
            }
        }
        let set = match self.source.fetch().await {
            Ok(set) => set,
            Err(error) => {
                self.cache.write().await.failed_at = Some(Instant::now());
                return Err(VerifyError::KeysUnavailable(error.to_string()));
            }
        };
        let mut keys = HashMap::new();
        for jwk in &set.keys {
            if let (Some(kid), Ok(key)) = (jwk.common.key_id.clone(), DecodingKey::from_jwk(jwk)) {
                keys.insert(kid, key);
            }
        }
        let mut cache = self.cache.write().await;
        cache.keys = keys;
        cache.fetched_at = Some(Instant::now());
        cache.failed_at = None;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    use super::*;

    /// A key source that answers at once until it is turned off, then fails after `delay`.
    struct FlakySource {
        fetches: AtomicUsize,
        down: AtomicBool,
        delay: Duration,
    }

    #[async_trait]
    impl JwksSource for FlakySource {
        async fn fetch(&self) -> anyhow::Result<JwkSet> {
            self.fetches.fetch_add(1, Ordering::SeqCst);
            if self.down.load(Ordering::SeqCst) {
                tokio::time::sleep(self.delay).await;
                anyhow::bail!("key source down");
            }
            Ok(serde_json::from_value(serde_json::json!({"keys": [{
                "kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig", "kid": "k1",
                "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}))?)
        }
    }

    /// An EdDSA token signed by nobody under the source's `kid`: it reaches the key
    /// lookup and the signature check (which it fails), which is all that is timed.
    fn token() -> String {
        use base64::Engine as _;
        let header = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(br#"{"alg":"EdDSA","kid":"k1","typ":"JWT"}"#);
        format!("{header}.e30.c2ln")
    }

    #[tokio::test]
    async fn a_failing_key_source_does_not_hold_up_requests_with_aged_out_keys() {
        let source = Arc::new(FlakySource {
            fetches: AtomicUsize::new(0),
            down: AtomicBool::new(false),
            delay: Duration::from_secs(2),
        });
        // Every set is aged out at once; at most one fetch a second.
        let verifier = TokenVerifier::new(source.clone(), "https://kefu.test")
            .with_refresh(Duration::from_secs(1), Duration::ZERO);
        assert!(verifier.ready().await);
        tokio::time::sleep(Duration::from_millis(1100)).await;
        source.down.store(true, Ordering::SeqCst);

        // The first request after the source went down waits briefly, not its timeout.
        let started = Instant::now();
        let _ = verifier.verify(&token()).await;
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{:?}",
            started.elapsed()
        );
        // The fetch fails meanwhile; then requests neither wait nor fetch again.
        tokio::time::sleep(Duration::from_millis(2100)).await;
        let fetches = source.fetches.load(Ordering::SeqCst);
        let started = Instant::now();
        for _ in 0..20 {
            let _ = verifier.verify(&token()).await;
        }
        assert!(
            started.elapsed() < Duration::from_millis(200),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(source.fetches.load(Ordering::SeqCst), fetches);
        assert_eq!(fetches, 2, "the first fetch and one retry");
    }

    #[tokio::test]
    async fn cached_keys_stop_verifying_once_the_source_has_failed_for_too_long() {
        let source = Arc::new(FlakySource {
            fetches: AtomicUsize::new(0),
            down: AtomicBool::new(false),
            delay: Duration::ZERO,
        });
        let verifier = TokenVerifier::new(source.clone(), "https://kefu.test")
            .with_refresh(Duration::from_millis(50), Duration::ZERO)
            .with_max_stale(Duration::from_millis(300));
        assert!(verifier.ready().await);
        source.down.store(true, Ordering::SeqCst);
        // Within the bound the cached key is still tried (the forged signature fails).
        assert!(matches!(
            verifier.verify(&token()).await,
            Err(VerifyError::Invalid(_))
        ));
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert!(matches!(
            verifier.verify(&token()).await,
            Err(VerifyError::KeysUnavailable(_))
        ));
        // The source back, the keys verify again.
        source.down.store(false, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(60)).await;
        let _ = verifier.verify(&token()).await;
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(matches!(
            verifier.verify(&token()).await,
            Err(VerifyError::Invalid(_))
        ));
    }
}
