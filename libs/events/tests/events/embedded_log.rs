//! What only the embedded log promises: it survives a restart with nothing lost.

use kefu_events::bus::{EventBus, Record};

use crate::support::embedded_log;

#[tokio::test]
async fn a_restart_loses_nothing_and_the_group_resumes_after_its_commit() {
    let name = format!("restart-{}", uuid::Uuid::now_v7().simple());
    let topic = "kefu.restart".to_string();
    let log = embedded_log(&name).await;
    let records = (0..30)
        .map(|i| Record {
            topic: topic.clone(),
            key: format!("k{}", i % 4),
            payload: format!("{i}").into_bytes(),
            headers: vec![("traceparent".into(), format!("t{i}"))],
        })
        .collect();
    log.publish(records).await.unwrap();
    let mut reader = log
        .subscribe("group", std::slice::from_ref(&topic))
        .await
        .unwrap();
    let mut seen = Vec::new();
    for _ in 0..10 {
        let delivery = reader.next().await.unwrap();
        reader.commit(&delivery).await.unwrap();
        seen.push(delivery);
    }
    drop(reader);
    drop(log);

    let reopened = embedded_log(&name).await;
    reopened
        .publish(vec![Record {
            topic: topic.clone(),
            key: "k0".into(),
            payload: b"30".to_vec(),
            headers: Vec::new(),
        }])
        .await
        .unwrap();
    let mut reader = reopened
        .subscribe("group", std::slice::from_ref(&topic))
        .await
        .unwrap();
    while seen.len() < 31 {
        let delivery = tokio::time::timeout(std::time::Duration::from_secs(5), reader.next())
            .await
            .expect("every record arrives")
            .unwrap();
        reader.commit(&delivery).await.unwrap();
        seen.push(delivery);
    }

    let mut payloads: Vec<i32> = seen
        .iter()
        .map(|d| {
            String::from_utf8(d.record.payload.clone())
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect();
    payloads.sort();
    assert_eq!(
        payloads,
        (0..31).collect::<Vec<_>>(),
        "each record exactly once"
    );
    for delivery in seen.iter().filter(|d| d.record.payload != b"30") {
        let payload = String::from_utf8(delivery.record.payload.clone()).unwrap();
        assert_eq!(
            delivery.header("traceparent"),
            Some(format!("t{payload}").as_str())
        );
    }
}
