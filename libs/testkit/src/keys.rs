//! An Ed25519 signing key for minting test tokens, and its JWKS.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use kefu_platform::auth::{Claims, StaticJwks, TokenVerifier, AUDIENCE};
use ring::signature::{Ed25519KeyPair, KeyPair};
use std::sync::Arc;
use uuid::Uuid;

/// A signing key that tests trust.
pub struct TestKeys {
    /// The key id put in token headers.
    pub kid: String,
    /// The issuer put in tokens.
    pub issuer: String,
    encoding: EncodingKey,
    public_x: String,
}

impl TestKeys {
    /// A fresh key for `issuer`.
    pub fn generate(issuer: &str) -> anyhow::Result<Self> {
        let rng = ring::rand::SystemRandom::new();
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng)
            .map_err(|_| anyhow::anyhow!("key generation failed"))?;
        let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref())
            .map_err(|_| anyhow::anyhow!("key parse failed"))?;
        Ok(Self {
            kid: format!("test-{}", Uuid::now_v7().simple()),
            issuer: issuer.to_string(),
            encoding: EncodingKey::from_ed_der(pkcs8.as_ref()),
            public_x: URL_SAFE_NO_PAD.encode(pair.public_key().as_ref()),
        })
    }

    /// The public key set.
    pub fn jwks(&self) -> JwkSet {
        let value = serde_json::json!({"keys": [{
            "kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig",
            "kid": self.kid, "x": self.public_x,
        }]});
        serde_json::from_value(value).unwrap_or(JwkSet { keys: Vec::new() })
    }

    /// This key as the real issuer's, for [`crate::attacks::forged_tokens`].
    pub fn real_key(&self) -> crate::attacks::RealKey<'_> {
        crate::attacks::RealKey {
            kid: self.kid.clone(),
            encoding: &self.encoding,
            public_x: URL_SAFE_NO_PAD.decode(&self.public_x).unwrap_or_default(),
        }
    }

    /// Any JSON claims signed with this key.
    pub fn sign_value(&self, claims: &serde_json::Value) -> String {
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding).unwrap_or_default()
    }

    /// A verifier that trusts this key.
    pub fn verifier(&self) -> TokenVerifier {
        TokenVerifier::new(Arc::new(StaticJwks(self.jwks())), self.issuer.clone())
    }

    /// Claims of a user of `tenant` with `scopes`, valid for 15 minutes.
    pub fn claims(&self, tenant: Option<Uuid>, scopes: &[&str]) -> Claims {
        let now = chrono_now();
        Claims {
            sub: Uuid::now_v7(),
            tid: tenant,
            scope: scopes.join(" "),
            roles: vec!["test".into()],
            exp: now + 900,
            iat: now,
            jti: Uuid::now_v7(),
            iss: self.issuer.clone(),
            aud: AUDIENCE.into(),
            cid: None,
            plan: None,
            sid: Some(Uuid::now_v7()),
        }
    }

    /// Signs claims into a compact JWT.
    pub fn sign(&self, claims: &Claims) -> String {
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding).unwrap_or_default()
    }

    /// A token of `tenant` with `scopes`.
    pub fn token(&self, tenant: Uuid, scopes: &[&str]) -> String {
        self.sign(&self.claims(Some(tenant), scopes))
    }
}

fn chrono_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}
