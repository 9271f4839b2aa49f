//! Putting events straight on a bus, as their producing service would: how a consumer
//! is tested before (or without) its producer, and how a redelivery is staged.

use std::sync::Arc;

use uuid::Uuid;

use crate::bus::{EventBus, Record};
use crate::envelope::{topic_of, Envelope, Event};

/// A fresh embedded log in its own SQLite file under the system's temporary folder.
pub async fn scratch_log() -> anyhow::Result<Arc<dyn EventBus>> {
    let dir = std::env::temp_dir().join("kefu-tests");
    std::fs::create_dir_all(&dir)?;
    let url = format!(
        "sqlite://{}/bus-{}.db?mode=rwc",
        dir.display(),
        Uuid::now_v7().simple()
    );
    Ok(Arc::new(crate::EmbeddedLog::open(&url, 3).await?))
}

/// Publishes `event` of `tenant` on its producer's topic; the envelope it went in.
pub async fn publish<E: Event>(
    bus: &Arc<dyn EventBus>,
    tenant: Uuid,
    event: E,
) -> anyhow::Result<Envelope> {
    let envelope = Envelope::new(tenant, None, &event)?;
    redeliver(bus, &envelope, &topic_of(E::SERVICE)).await?;
    Ok(envelope)
}

/// Puts an already published envelope on `topic` again (a redelivery).
pub async fn redeliver(
    bus: &Arc<dyn EventBus>,
    envelope: &Envelope,
    topic: &str,
) -> anyhow::Result<()> {
    bus.publish(vec![Record {
        topic: topic.to_string(),
        key: envelope.key(),
        payload: serde_json::to_vec(envelope)?,
        headers: Vec::new(),
    }])
    .await?;
    Ok(())
}
