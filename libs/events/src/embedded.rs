//! The embedded log: a durable, partitioned log with consumer groups in its own SQLite
//! file (`data/events.db`), for `kefu serve` without a broker.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::Utc;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, Statement, TransactionTrait, Value};
use sha2::{Digest, Sha256};
use tokio::sync::{watch, Mutex};

use crate::bus::{BusError, Delivery, EventBus, Record, Subscription};

/// How many records one read takes from a partition.
const FETCH: i64 = 200;

/// The embedded log.
#[derive(Clone)]
pub struct EmbeddedLog {
    db: DatabaseConnection,
    partitions: i32,
    /// The next offset of every (topic, partition) seen; the log has one writer, this process.
    next_offsets: Arc<Mutex<HashMap<(String, i32), i64>>>,
    /// Bumped after every append, so waiting subscriptions wake at once.
    appended: watch::Sender<u64>,
}

impl EmbeddedLog {
    /// Opens (creating if needed) the log at `url` with `partitions` partitions per topic.
    pub async fn open(url: &str, partitions: i32) -> anyhow::Result<Self> {
        let db = kefu_platform::db::connect(url).await?;
        for ddl in [
            "CREATE TABLE IF NOT EXISTS log_records (topic TEXT NOT NULL, partition INTEGER NOT NULL, \
             record_offset INTEGER NOT NULL, record_key TEXT NOT NULL, headers TEXT NOT NULL, \
             payload BLOB NOT NULL, appended_at TEXT NOT NULL, PRIMARY KEY (topic, partition, record_offset))",
            "CREATE INDEX IF NOT EXISTS ix_log_records_appended ON log_records (appended_at)",
            "CREATE TABLE IF NOT EXISTS log_offsets (group_id TEXT NOT NULL, topic TEXT NOT NULL, \
             partition INTEGER NOT NULL, next_offset INTEGER NOT NULL, PRIMARY KEY (group_id, topic, partition))",
        ] {
            db.execute_unprepared(ddl).await?;
        }
        let rows = db
            .query_all(Statement::from_string(
                db.get_database_backend(),
                "SELECT topic, partition, MAX(record_offset) + 1 AS next FROM log_records GROUP BY topic, partition",
            ))
            .await?;
        let mut next_offsets = HashMap::new();
        for row in rows {
            let topic: String = row.try_get("", "topic")?;
            let partition: i32 = row.try_get("", "partition")?;
            let next: i64 = row.try_get("", "next")?;
            next_offsets.insert((topic, partition), next);
        }
        let (appended, _) = watch::channel(0);
        Ok(Self {
            db,
            partitions: partitions.max(1),
            next_offsets: Arc::new(Mutex::new(next_offsets)),
            appended,
        })
    }

    /// Deletes records appended before `keep` ago; returns how many went.
    pub async fn prune(&self, keep: Duration) -> Result<u64, DbErr> {
        let cutoff =
            Utc::now() - chrono::Duration::from_std(keep).unwrap_or(chrono::Duration::days(7));
        let result = self
            .db
            .execute(Statement::from_sql_and_values(
                self.db.get_database_backend(),
                "DELETE FROM log_records WHERE appended_at < ?",
                [Value::from(cutoff.to_rfc3339())],
            ))
            .await?;
        Ok(result.rows_affected())
    }

    fn partition_of(&self, key: &str) -> i32 {
        partition_for(key, self.partitions)
    }
}

/// The partition of `key` among `partitions`: stable across restarts and versions.
pub fn partition_for(key: &str, partitions: i32) -> i32 {
    let digest = Sha256::digest(key.as_bytes());
    let value = u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]);
    (value % partitions.max(1) as u32) as i32
}

fn unavailable(err: impl std::fmt::Display) -> BusError {
    BusError::Unavailable(err.to_string())
}

#[async_trait]
impl EventBus for EmbeddedLog {
    async fn publish(&self, records: Vec<Record>) -> Result<(), BusError> {
        if records.is_empty() {
            return Ok(());
        }
        // Held across the write so offsets are handed out in commit order.
        let mut next_offsets = self.next_offsets.lock().await;
        let mut assigned = next_offsets.clone();
        let txn = self.db.begin().await.map_err(unavailable)?;
        let now = Utc::now().to_rfc3339();
        for record in records {
            let partition = self.partition_of(&record.key);
            let offset = assigned
                .entry((record.topic.clone(), partition))
                .or_insert(0);
            let headers = serde_json::to_string(&record.headers).map_err(unavailable)?;
            txn.execute(Statement::from_sql_and_values(
                txn.get_database_backend(),
                "INSERT INTO log_records (topic, partition, record_offset, record_key, headers, payload, appended_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    Value::from(record.topic),
                    Value::from(partition),
                    Value::from(*offset),
                    Value::from(record.key),
                    Value::from(headers),
                    Value::from(record.payload),
                    Value::from(now.clone()),
                ],
            ))
            .await
            .map_err(unavailable)?;
            *offset += 1;
        }
        txn.commit().await.map_err(unavailable)?;
        *next_offsets = assigned;
        self.appended.send_modify(|n| *n += 1);
        Ok(())
    }

    async fn subscribe(
        &self,
        group: &str,
        topics: &[String],
    ) -> Result<Box<dyn Subscription>, BusError> {
        let mut positions = HashMap::new();
        for topic in topics {
            for partition in 0..self.partitions {
                positions.insert((topic.clone(), partition), 0);
            }
        }
        let rows = self
            .db
            .query_all(Statement::from_sql_and_values(
                self.db.get_database_backend(),
                "SELECT topic, partition, next_offset FROM log_offsets WHERE group_id = ?",
                [Value::from(group.to_string())],
            ))
            .await
            .map_err(unavailable)?;
        for row in rows {
            let topic: String = row.try_get("", "topic").map_err(unavailable)?;
            let partition: i32 = row.try_get("", "partition").map_err(unavailable)?;
            let next: i64 = row.try_get("", "next_offset").map_err(unavailable)?;
            if let Some(position) = positions.get_mut(&(topic, partition)) {
                *position = next;
            }
        }
        let mut order: Vec<(String, i32)> = positions.keys().cloned().collect();
        order.sort();
        Ok(Box::new(EmbeddedSubscription {
            log: self.clone(),
            group: group.to_string(),
            positions,
            order,
            buffer: VecDeque::new(),
            appended: self.appended.subscribe(),
        }))
    }

    async fn ready(&self) -> bool {
        self.db.execute_unprepared("SELECT 1").await.is_ok()
    }

    fn name(&self) -> &'static str {
        "embedded"
    }
}

/// A group member reading every partition of its topics (one process, one member).
struct EmbeddedSubscription {
    log: EmbeddedLog,
    group: String,
    /// Where the next read starts, per (topic, partition); ahead of the committed offset.
    positions: HashMap<(String, i32), i64>,
    order: Vec<(String, i32)>,
    buffer: VecDeque<Delivery>,
    appended: watch::Receiver<u64>,
}

impl EmbeddedSubscription {
    /// Reads the next batch of every partition into the buffer.
    async fn fill(&mut self) -> Result<(), BusError> {
        let db = &self.log.db;
        for (topic, partition) in &self.order {
            let Some(position) = self.positions.get_mut(&(topic.clone(), *partition)) else {
                continue;
            };
            let rows = db
                .query_all(Statement::from_sql_and_values(
                    db.get_database_backend(),
                    "SELECT record_offset, record_key, headers, payload FROM log_records \
                     WHERE topic = ? AND partition = ? AND record_offset >= ? ORDER BY record_offset LIMIT ?",
                    [
                        Value::from(topic.clone()),
                        Value::from(*partition),
                        Value::from(*position),
                        Value::from(FETCH),
                    ],
                ))
                .await
                .map_err(unavailable)?;
            for row in rows {
                let offset: i64 = row.try_get("", "record_offset").map_err(unavailable)?;
                let key: String = row.try_get("", "record_key").map_err(unavailable)?;
                let headers: String = row.try_get("", "headers").map_err(unavailable)?;
                let payload: Vec<u8> = row.try_get("", "payload").map_err(unavailable)?;
                *position = offset + 1;
                self.buffer.push_back(Delivery {
                    record: Record {
                        topic: topic.clone(),
                        key,
                        payload,
                        headers: serde_json::from_str(&headers).unwrap_or_default(),
                    },
                    partition: *partition,
                    offset,
                });
            }
        }
        Ok(())
    }
}

#[async_trait]
impl Subscription for EmbeddedSubscription {
    async fn next(&mut self) -> Result<Delivery, BusError> {
        loop {
            if let Some(delivery) = self.buffer.pop_front() {
                return Ok(delivery);
            }
            // Marks the current version seen before reading, so no append is missed.
            self.appended.borrow_and_update();
            self.fill().await?;
            if self.buffer.is_empty() {
                // The timeout only matters if another process appended to the same file.
                let _ = tokio::time::timeout(Duration::from_secs(1), self.appended.changed()).await;
            }
        }
    }

    async fn commit(&mut self, delivery: &Delivery) -> Result<(), BusError> {
        let db = &self.log.db;
        db.execute(Statement::from_sql_and_values(
            db.get_database_backend(),
            "INSERT INTO log_offsets (group_id, topic, partition, next_offset) VALUES (?, ?, ?, ?) \
             ON CONFLICT (group_id, topic, partition) DO UPDATE SET next_offset = excluded.next_offset",
            [
                Value::from(self.group.clone()),
                Value::from(delivery.record.topic.clone()),
                Value::from(delivery.partition),
                Value::from(delivery.offset + 1),
            ],
        ))
        .await
        .map_err(unavailable)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_always_lands_in_the_same_partition() {
        let key = "0190a1b2-0000-7000-8000-000000000001:0190a1b2-0000-7000-8000-000000000002";
        let first = partition_for(key, 3);
        assert!((0..3).contains(&first));
        assert_eq!(partition_for(key, 3), first);
        assert_eq!(partition_for(key, 1), 0);
    }

    #[test]
    fn keys_spread_over_partitions() {
        let mut seen = [0; 3];
        for i in 0..300 {
            seen[partition_for(&format!("tenant:{i}"), 3) as usize] += 1;
        }
        assert!(seen.iter().all(|n| *n > 50), "{seen:?}");
    }
}
