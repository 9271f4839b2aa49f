//! Token signing keys: Ed25519, sealed at rest with the master key, rotatable.
//! A rotated-out key stays in the JWKS until every token it signed has expired.

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::Utc;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::EncodingKey;
use kefu_platform::auth::JwksSource;
use kefu_platform::config::Secret;
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, CHACHA20_POLY1305, NONCE_LEN};
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{Ed25519KeyPair, KeyPair};
use sea_orm::DatabaseConnection;
use tokio::sync::RwLock;

use crate::store::signing_keys;

/// The key new tokens are signed with.
#[derive(Clone)]
pub struct ActiveKey {
    /// Key id in token headers and the JWKS.
    pub kid: String,
    /// The private key.
    pub encoding: EncodingKey,
}

/// Loads, seals, rotates and publishes signing keys.
#[derive(Clone)]
pub struct Keyring {
    db: DatabaseConnection,
    master: Secret<[u8; 32]>,
    /// How long a retired key keeps verifying: access-token lifetime plus leeway.
    grace: chrono::Duration,
    active: Arc<RwLock<Option<(ActiveKey, Instant)>>>,
}

/// How long a replica signs with a cached key before checking for a rotation.
const ACTIVE_KEY_TTL: Duration = Duration::from_secs(30);

impl Keyring {
    /// A keyring over the accounts database.
    pub fn new(db: DatabaseConnection, master: Secret<[u8; 32]>, access_ttl: Duration) -> Self {
        let grace = chrono::Duration::from_std(access_ttl).unwrap_or(chrono::Duration::minutes(15))
            + chrono::Duration::seconds(60);
        Self {
            db,
            master,
            grace,
            active: Arc::new(RwLock::new(None)),
        }
    }

    /// Creates the first key if there is none.
    pub async fn ensure_key(&self) -> anyhow::Result<()> {
        if signing_keys::active(&self.db).await?.is_none() {
            self.rotate().await?;
        }
        Ok(())
    }

    /// Adds a new active key and retires the previous one; returns the new kid.
    pub async fn rotate(&self) -> anyhow::Result<String> {
        let rng = SystemRandom::new();
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng)
            .map_err(|_| anyhow::anyhow!("key generation failed"))?;
        let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref())
            .map_err(|_| anyhow::anyhow!("key parse failed"))?;
        let kid = format!("k{}", uuid::Uuid::now_v7().simple());
        let sealed = self.seal(pkcs8.as_ref())?;
        let now = Utc::now();
        let key = signing_keys::NewKey {
            kid: kid.clone(),
            sealed,
            public_x: URL_SAFE_NO_PAD.encode(pair.public_key().as_ref()),
        };
        signing_keys::rotate(&self.db, key, now).await?;
        *self.active.write().await = None;
        tracing::info!(kid = %kid, "signing key rotated");
        Ok(kid)
    }

    /// The key to sign with now.
    pub async fn active(&self) -> anyhow::Result<ActiveKey> {
        if let Some((key, loaded)) = self.active.read().await.as_ref() {
            if loaded.elapsed() < ACTIVE_KEY_TTL {
                return Ok(key.clone());
            }
        }
        let row = signing_keys::active(&self.db)
            .await?
            .ok_or_else(|| anyhow::anyhow!("no active signing key"))?;
        let pkcs8 = self.open(&row.private_key_sealed)?;
        let key = ActiveKey {
            kid: row.kid,
            encoding: EncodingKey::from_ed_der(&pkcs8),
        };
        *self.active.write().await = Some((key.clone(), Instant::now()));
        Ok(key)
    }

    /// The public keys that verify tokens now: the active key and recently retired ones.
    pub async fn jwks(&self) -> anyhow::Result<JwkSet> {
        let cutoff = Utc::now() - self.grace;
        let rows = signing_keys::verifying(&self.db, cutoff).await?;
        let keys: Vec<serde_json::Value> = rows
            .iter()
            .map(|row| {
                serde_json::json!({"kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig",
                    "kid": row.kid, "x": row.public_x})
            })
            .collect();
        Ok(serde_json::from_value(serde_json::json!({ "keys": keys }))?)
    }

    fn aead_key(&self) -> anyhow::Result<LessSafeKey> {
        let unbound = UnboundKey::new(&CHACHA20_POLY1305, self.master.expose())
            .map_err(|_| anyhow::anyhow!("bad master key"))?;
        Ok(LessSafeKey::new(unbound))
    }

    /// Encrypts with ChaCha20-Poly1305; output is nonce ‖ ciphertext ‖ tag.
    fn seal(&self, plain: &[u8]) -> anyhow::Result<Vec<u8>> {
        let mut nonce = [0u8; NONCE_LEN];
        SystemRandom::new()
            .fill(&mut nonce)
            .map_err(|_| anyhow::anyhow!("no randomness"))?;
        let mut buffer = plain.to_vec();
        self.aead_key()?
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(b"kefu-signing-key"),
                &mut buffer,
            )
            .map_err(|_| anyhow::anyhow!("sealing failed"))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&buffer);
        Ok(out)
    }

    fn open(&self, sealed: &[u8]) -> anyhow::Result<Vec<u8>> {
        if sealed.len() < NONCE_LEN {
            anyhow::bail!("sealed key too short");
        }
        let (nonce, cipher) = sealed.split_at(NONCE_LEN);
        let nonce =
            Nonce::try_assume_unique_for_key(nonce).map_err(|_| anyhow::anyhow!("bad nonce"))?;
        let mut buffer = cipher.to_vec();
        let plain = self
            .aead_key()?
            .open_in_place(nonce, Aad::from(b"kefu-signing-key"), &mut buffer)
            .map_err(|_| anyhow::anyhow!("signing key cannot be opened: wrong KEFU_MASTER_KEY?"))?;
        Ok(plain.to_vec())
    }
}

#[async_trait]
impl JwksSource for Keyring {
    async fn fetch(&self) -> anyhow::Result<JwkSet> {
        self.jwks().await
    }
}
