//! Two server processes on one PostgreSQL: a customer on node A and an
//! operator on node B talk in real time through LISTEN/NOTIFY.
//!
//! Runs only when TEST_DATABASE_URL names a PostgreSQL server (CI sets it):
//! with SQLite the service is one node (in-process fan-out), so the case
//! cannot apply and the test returns at once.

use serde_json::json;
use switchboard_store::Backend;
use switchboard_store::testing::{backend_under_test, fresh_db};

use crate::support::*;

#[tokio::test]
async fn a_customer_on_one_node_and_an_operator_on_another_talk_live() {
    if backend_under_test() != Backend::Postgres {
        eprintln!("skipped: the two-node case needs TEST_DATABASE_URL (PostgreSQL)");
        return;
    }
    let db = fresh_db().await;
    let a = node(db.store.clone(), |_| {}).await;
    let b = node(db.another_node().await, |c| c.profile.demo = false).await;

    let mut op = b.console("operator").await;
    let mut c = a.customer("buyer-1001").await;
    let number = open_delivery_chat(&mut c, "Где заказ?").await;
    c.message(2).await;
    c.send(json!({"type": "call_operator", "conversation": number}))
        .await;
    // Node B sees the queued conversation and assigns it to its operator.
    let assigned = op.expect("assigned").await;
    assert_eq!(assigned["conversation"], number.as_str());
    c.until(|v| v["type"] == "conversation" && v["status"] == "assigned")
        .await;

    op.send(json!({"type": "typing", "conversation": number}))
        .await;
    c.expect("typing").await;
    op.send(json!({"type": "message", "conversation": number, "client_id": "o-1", "body": "Добрый день!"}))
        .await;
    let got = c
        .until(|v| v["type"] == "message" && v["author"] == "operator")
        .await;
    assert_eq!(got["body"], "Добрый день!");
    for i in 0..10 {
        c.send(json!({"type": "message", "conversation": number, "client_id": format!("c-{i}"), "body": format!("вопрос {i}")}))
            .await;
    }
    let last = c
        .until(|v| v["type"] == "ack" && v["client_id"] == "c-9")
        .await["seq"]
        .as_i64()
        .unwrap();
    op.message(last).await;
    let seqs = op.seqs(&number);
    assert_eq!(
        seqs,
        (1..=last).collect::<Vec<_>>(),
        "exactly once, in order, across nodes"
    );
    c.message(last).await;
    let seqs = c.seqs(&number);
    assert_eq!(seqs, (1..=last).collect::<Vec<_>>());
}
