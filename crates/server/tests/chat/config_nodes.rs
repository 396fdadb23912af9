//! Two server processes on one database (issue 12): an admin edits the
//! catalog on node A and creates an operator with the new topic's skill;
//! node B picks the new version up without a restart and routes a chat on
//! the new topic to that operator, not to one without the skill. Runs on
//! SQLite (two processes on one file) and on PostgreSQL.

use serde_json::{Value, json};
use switchboard_store::testing::fresh_db;

use crate::support::*;

fn with_gift_cards(catalog: &str) -> String {
    let anchor = "[[line.topic]]\ncode = \"ordering\"";
    assert!(catalog.contains(anchor), "the demo catalog's first topic");
    catalog.replacen(
        anchor,
        &format!(
            "[[line.topic]]\ncode = \"gift_cards\"\n\
             name = {{ ru = \"Подарочные карты\", en = \"Gift cards\" }}\n\
             skill = \"gifts\"\n\n{anchor}"
        ),
        1,
    )
}

async fn has_topic(node: &Node, topic: &str) -> bool {
    let lines: Vec<Value> = node
        .http
        .get(format!("{}/api/v1/catalog", node.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    lines
        .iter()
        .flat_map(|l| l["topics"].as_array().unwrap().iter())
        .any(|t| t["code"] == topic)
}

/// buyer-1001 opens a chat on the new topic and asks for a person; returns
/// the socket (kept open) and the conversation's number.
async fn gift_card_chat(node: &Node) -> (Ws, String) {
    let mut c = node.customer("buyer-1001").await;
    c.expect("hello").await;
    c.send(json!({"type": "topic", "line": "marketplace", "topic": "gift_cards"}))
        .await;
    c.expect("ready").await;
    c.send(json!({"type": "message", "client_id": "q-1", "body": "Карта не активируется"}))
        .await;
    let number = c.expect("ack").await["conversation"]
        .as_str()
        .unwrap()
        .to_owned();
    c.send(json!({"type": "call_operator", "conversation": number}))
        .await;
    (c, number)
}

#[tokio::test]
async fn an_edit_on_one_node_routes_on_another_without_a_restart() {
    let db = fresh_db().await;
    let a = node(db.store.clone(), |_| {}).await;
    let b = node(db.another_node().await, |c| {
        c.profile.demo = false;
        c.profile.refresh_interval_ms = 20;
    })
    .await;
    assert!(!has_topic(&b, "gift_cards").await);

    let admin = a.login("admin").await;
    let (_, current) = a.get("/api/v1/admin/config/catalog", &admin).await;
    let body = with_gift_cards(current["body"].as_str().unwrap());
    let r = a
        .http
        .put(format!("{}/api/v1/admin/config/catalog", a.base))
        .bearer_auth(&admin)
        .json(&json!({"base_version": 1, "body": body, "comment": "gift cards"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    // The new skill is known on A at once: an account may hold it.
    let (status, created) = a
        .post(
            "/api/v1/staff",
            &admin,
            json!({"login": "gifter", "name": "Вера Подарочная", "role": "operator",
                   "password": "Snegir-Kalina-2026", "skills": ["gifts"], "capacity": 3}),
        )
        .await;
    assert_eq!(status, 201, "{created}");

    // B polls the revision; wait for the event (the topic offered there).
    let mut waited = 0;
    while !has_topic(&b, "gift_cards").await {
        waited += 1;
        assert!(waited < 500, "node B never picked up the new catalog");
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }

    // An operator without the skill is online on B too: the chat is not theirs.
    let other = b.console("operator").await;
    let token = b.login_as("gifter", "Snegir-Kalina-2026").await;
    let mut gifter = Ws::connect(&format!("{}/api/v1/chat/console", b.ws_base), &token).await;
    gifter.expect("hello").await;
    gifter
        .send(json!({"type": "presence", "status": "online"}))
        .await;
    gifter.expect("presence").await;

    let (_c, number) = gift_card_chat(&b).await;
    let assigned = gifter.expect("assigned").await;
    assert_eq!(assigned["conversation"], number.as_str());
    let (_, ticket) = b.get(&format!("/api/v1/tickets/{number}"), &admin).await;
    assert_eq!(ticket["assignee_id"], created["id"], "{ticket}");
    // The operator without the skill, online all along, was not offered it.
    assert!(
        !other.log.iter().any(|v| v["type"] == "assigned"),
        "{:?}",
        other.log
    );
}

#[tokio::test]
async fn an_operator_given_the_new_skill_while_online_gets_the_new_topic() {
    let a = single().await;
    let admin = a.login("admin").await;
    let (_, current) = a.get("/api/v1/admin/config/catalog", &admin).await;
    let body = with_gift_cards(current["body"].as_str().unwrap());
    let r = a
        .http
        .put(format!("{}/api/v1/admin/config/catalog", a.base))
        .bearer_auth(&admin)
        .json(&json!({"base_version": 1, "body": body}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    // The demo operator is online before holding the skill.
    let mut op = a.console("operator").await;
    let (_, staff) = a.get("/api/v1/staff", &admin).await;
    let me = staff
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["login"] == "operator")
        .unwrap()
        .clone();
    let id = me["id"].as_i64().unwrap();
    let put = |body: Value| {
        a.http
            .put(format!("{}/api/v1/staff/{id}", a.base))
            .bearer_auth(&admin)
            .json(&body)
            .send()
    };
    let r = put(
        json!({"name": "Оператор", "role": "operator", "skills": ["no_such_skill"], "capacity": 5}),
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let r = put(json!({"name": "Оператор", "role": "operator",
                       "skills": ["marketplace", "gifts"], "capacity": 5}))
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let changed: Value = r.json().await.unwrap();
    assert_eq!(changed["skills"], json!(["gifts", "marketplace"]));
    let operator = a.login("operator").await;
    let (status, _) = a.get("/api/v1/admin/config", &operator).await;
    assert_eq!(status, 403);

    let (_c, number) = gift_card_chat(&a).await;
    let assigned = op.expect("assigned").await;
    assert_eq!(assigned["conversation"], number.as_str());
    let (_, audit) = a.get("/api/v1/staff/audit", &admin).await;
    let entry = audit
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "account_changed")
        .expect("audited")
        .clone();
    assert_eq!(entry["operator"], id);
    assert_eq!(
        entry["detail"],
        "role=operator skills=gifts,marketplace capacity=5"
    );
}
