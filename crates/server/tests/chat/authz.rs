//! The authorization matrix on the console socket: for every member of staff
//! in the table, each frame that names a conversation (`resume`, `message`,
//! `typing`) on a chat of an ordinary line and of a bank line. Out of scope
//! is an error frame `missing_skill` and nothing is stored; in scope is never
//! refused for scope. Staff sign in as the product requires (a second
//! factor for admins and bank staff).

use serde_json::{Value, json};
use switchboard_server::config::SecondFactorConfig;

use crate::support::*;

const PASSWORD: &str = "Matrix-test-password-2026";

/// (login, created as (role, skills) or a demo account, lines seen).
/// A staff account the test creates: (role, skills).
type Created = Option<(&'static str, &'static [&'static str])>;

const STAFF: &[(&str, Created, &[&str])] = &[
    ("admin", None, &["marketplace", "bank_retail"]),
    ("supervisor", None, &["marketplace"]),
    (
        "bank-sup",
        Some(("supervisor", &["bank_retail"])),
        &["bank_retail"],
    ),
    ("operator", None, &["marketplace"]),
    ("bank-op", None, &["bank_retail"]),
    ("travel-op", None, &[]),
];

async fn open_chat(
    app: &Node,
    customer: &str,
    line: &str,
    topic: &str,
    order: Option<&str>,
) -> String {
    let (status, v) = app
        .post(
            "/api/v1/customer/chats",
            &app.token(customer),
            json!({"line": line, "topic": topic, "order_number": order,
                   "body": "Здравствуйте", "client_id": "c-1"}),
        )
        .await;
    assert!(status < 300, "{v}");
    v["conversation"].as_str().unwrap().to_owned()
}

async fn last_seq(app: &Node, number: &str) -> i64 {
    let id = switchboard_domain::ids::TicketNumber::parse(number)
        .unwrap()
        .id();
    app.store.conversation(id).await.unwrap().last_seq
}

#[tokio::test]
async fn console_frames_keep_to_the_callers_lines() {
    // The product's sign-in: admins and bank staff pass a second factor.
    let app = node(switchboard_store::testing::fresh_store().await, |c| {
        c.staff.second_factor = SecondFactorConfig::default();
    })
    .await;
    let admin = app.sign_in("admin", "admin-demo").await;
    let chats = [
        (
            "marketplace",
            open_chat(
                &app,
                "buyer-1001",
                "marketplace",
                "delivery",
                Some("MP-10001"),
            )
            .await,
        ),
        (
            "bank_retail",
            open_chat(&app, "bank-3001", "bank_retail", "cards", None).await,
        ),
    ];
    let mut cases = 0;
    for (login, create, sees) in STAFF {
        let token = match create {
            Some((role, skills)) => {
                let (status, body) = app
                    .post(
                        "/api/v1/staff",
                        &admin,
                        json!({"login": login, "name": login,
                        "role": role, "password": PASSWORD, "skills": skills}),
                    )
                    .await;
                assert_eq!(status, 201, "{body}");
                app.sign_in(login, PASSWORD).await
            }
            None if *login == "admin" => admin.clone(),
            None => app.sign_in(login, &format!("{login}-demo")).await,
        };
        let mut ws = Ws::connect(&format!("{}/api/v1/chat/console", app.ws_base), &token).await;
        let hello = ws.expect("hello").await;
        for (line, number) in &chats {
            let allowed = sees.contains(line);
            let queued = hello["queue"]
                .as_array()
                .is_some_and(|q| q.iter().any(|c| c["conversation"] == number.as_str()));
            assert!(allowed || !queued, "{login} sees {number} queued: {hello}");
            let stored = last_seq(&app, number).await;
            let frames: Vec<Value> = vec![
                json!({"type": "resume", "conversation": number, "last_seq": 0}),
                json!({"type": "message", "conversation": number, "client_id": format!("{login}-1"), "body": "Проверка"}),
                json!({"type": "typing", "conversation": number}),
            ];
            for frame in frames {
                ws.send(frame.clone()).await;
                // Every frame is answered (an error, or the conversation and
                // its messages, or an ack); a ping marks the end of the answer.
                ws.send(json!({"type": "ping"})).await;
                let mut answer = Vec::new();
                loop {
                    let f = ws.until(|_| true).await;
                    if f["type"] == "pong" {
                        break;
                    }
                    answer.push(f);
                }
                let refused = answer
                    .iter()
                    .any(|f| f["type"] == "error" && f["code"] == "missing_skill");
                if frame["type"] == "typing" && !allowed {
                    // Never attached, so never told anything about it.
                    assert!(
                        answer.iter().all(|f| f["type"] == "error"),
                        "{login} typing on {line}: {answer:?}"
                    );
                } else {
                    assert_eq!(refused, !allowed, "{login} {frame} on {line}: {answer:?}");
                }
                if !allowed {
                    assert!(
                        answer.iter().all(|f| f["type"] == "error"),
                        "{login} was shown something of {number}: {answer:?}"
                    );
                }
                cases += 1;
            }
            if !allowed {
                assert_eq!(
                    last_seq(&app, number).await,
                    stored,
                    "{login} wrote to {number}"
                );
            }
        }
    }
    assert!(cases >= 30);
}
