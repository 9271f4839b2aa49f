//! QUALITY.md check 2: the forged, tampered and stale tokens every service must refuse.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

use crate::TestKeys;

/// How the real issuer signs: its key id, private key and raw public key.
pub struct RealKey<'a> {
    /// Key id of the real key.
    pub kid: String,
    /// The real private key.
    pub encoding: &'a EncodingKey,
    /// The real public key's bytes (for the HS256 confusion attack).
    pub public_x: Vec<u8>,
}

fn b64(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap_or_default())
}

impl RealKey<'_> {
    /// `claims` signed with the real key, under `kid` (default: the real one).
    pub fn sign(&self, kid: Option<&str>, claims: &Value) -> String {
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(kid.unwrap_or(&self.kid).to_string());
        jsonwebtoken::encode(&header, claims, self.encoding).unwrap_or_default()
    }
}

/// Every attack on a token whose honest form is `good` (valid claims of the real
/// issuer), named; `trap_url` is a listener that a `jku`/`x5u` header points at.
pub fn forged_tokens(
    real: &RealKey<'_>,
    good: &Value,
    trap_url: &str,
) -> Vec<(&'static str, String)> {
    let kid = real.kid.as_str();
    let mut attacks = vec![(
        "alg none",
        format!(
            "{}.{}.",
            b64(&json!({"alg": "none", "typ": "JWT", "kid": kid})),
            b64(good)
        ),
    )];
    let mut hs = Header::new(Algorithm::HS256);
    hs.kid = Some(kid.to_string());
    attacks.push((
        "HS256 with the public key",
        jsonwebtoken::encode(&hs, good, &EncodingKey::from_secret(&real.public_x))
            .unwrap_or_default(),
    ));
    if let Ok(stranger) = TestKeys::generate("http://stranger.test") {
        let own = stranger.sign_value(good);
        let parts: Vec<&str> = own.split('.').collect();
        attacks.push((
            "wrong key, real kid",
            format!(
                "{}.{}.{}",
                b64(&json!({"alg": "EdDSA", "typ": "JWT", "kid": kid})),
                parts[1],
                parts.get(2).unwrap_or(&"")
            ),
        ));
        attacks.push(("wrong key, its own kid", own));
    }
    attacks.push((
        "path-like kid",
        real.sign(Some("../../../../etc/passwd"), good),
    ));
    attacks.push(("unknown kid", real.sign(Some("k-does-not-exist"), good)));
    let mut jku = Header::new(Algorithm::EdDSA);
    jku.kid = Some("attacker-key".into());
    jku.jku = Some(trap_url.to_string());
    jku.x5u = Some(trap_url.to_string());
    attacks.push((
        "jku/x5u to another host",
        jsonwebtoken::encode(&jku, good, real.encoding).unwrap_or_default(),
    ));
    let now = chrono::Utc::now().timestamp();
    let changed = |field: &str, value: Value| {
        let mut claims = good.clone();
        claims[field] = value;
        claims
    };
    attacks.push((
        "expired past the leeway",
        real.sign(None, &changed("exp", json!(now - 120))),
    ));
    attacks.push((
        "wrong aud",
        real.sign(None, &changed("aud", json!("someone-else"))),
    ));
    attacks.push((
        "wrong iss",
        real.sign(None, &changed("iss", json!("https://evil.example"))),
    ));
    let mut no_exp = good.clone();
    if let Some(object) = no_exp.as_object_mut() {
        object.remove("exp");
    }
    attacks.push(("missing exp", real.sign(None, &no_exp)));
    let honest = real.sign(None, good);
    let parts: Vec<&str> = honest.split('.').collect();
    let tampered = changed("tid", json!(uuid::Uuid::now_v7()));
    attacks.push((
        "tampered tid",
        format!(
            "{}.{}.{}",
            parts[0],
            b64(&tampered),
            parts.get(2).unwrap_or(&"")
        ),
    ));
    attacks.push(("garbage", "not.a.jwt".into()));
    attacks
}
