//! The authorization matrix (issue 16): role × skill × resource × action.
//! The cases are generated — every staff operation of the OpenAPI document
//! whose path names a ticket, for every member of staff in the table, on a
//! ticket and a chat of an ordinary line and of a bank line (banking
//! secrecy) — and each answer is checked against the table: out of scope is
//! `403 missing_skill` and changes nothing; in scope is never refused for scope.
//! Staff sign in as the product requires (a second factor for admins and
//! bank staff).

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

const MARKET: &str = "marketplace";
const BANK: &str = "bank_retail";

/// (login, role, skills — `None` for a demo account, lines the member of staff sees).
/// A staff account the test creates: (role, skills).
type Created = Option<(&'static str, &'static [&'static str])>;

const STAFF: &[(&str, Created, &[&str])] = &[
    ("admin", None, &[MARKET, BANK]),
    ("supervisor", None, &[MARKET]),
    ("bank-sup", Some(("supervisor", &["bank_retail"])), &[BANK]),
    ("operator", None, &[MARKET]),
    ("bank-op", None, &[BANK]),
    ("fraud-op", None, &[BANK]),
    ("travel-op", None, &[]),
];

const PASSWORD: &str = "Matrix-test-password-2026";

struct Resources {
    /// (line, form ticket number, chat number)
    by_line: Vec<(&'static str, String, String)>,
}

async fn open_bank_ticket(app: &TestApp) -> Value {
    let form = json!({"line": BANK, "topic": "cards", "problem": first_problem(BANK, "cards"),
                      "description": "Карта не работает", "reply_channel": "email"});
    app.open_ticket("bank-3001", form).await
}

async fn open_resources(app: &TestApp) -> Resources {
    let market = app.open_ticket("buyer-1001", delivery_form()).await;
    let bank = open_bank_ticket(app).await;
    let chat = |customer: &str, line: &str, topic: &str, order: Option<&str>| {
        let token = app.customer_token(customer);
        let body = json!({"line": line, "topic": topic, "order_number": order,
                          "body": "Здравствуйте, нужна помощь", "client_id": "c-1"});
        async move {
            let r = app.post("/api/v1/customer/chats", &token, body).await;
            let status = r.status();
            let v: Value = r.json().await.unwrap();
            assert!(status.is_success(), "{v}");
            v["conversation"].as_str().unwrap().to_owned()
        }
    };
    let market_chat = chat("buyer-1001", MARKET, "delivery", Some("MP-10001")).await;
    let bank_chat = chat("bank-3001", BANK, "cards", None).await;
    Resources {
        by_line: vec![
            (
                MARKET,
                market["number"].as_str().unwrap().to_owned(),
                market_chat,
            ),
            (BANK, bank["number"].as_str().unwrap().to_owned(), bank_chat),
        ],
    }
}

/// A body each operation accepts in principle, keeping the ticket on its
/// line and topic (so the case after it is still about the same resource).
fn body_for(path: &str, line: &str, number: &str) -> Option<Value> {
    let topic = if line == BANK { "cards" } else { "delivery" };
    let suffix = path.rsplit('/').next().unwrap_or("");
    Some(match suffix {
        "assign" => json!({"operator_id": null}),
        "replies" | "notes" => json!({"body": "Проверяем ваш вопрос"}),
        "priority" => json!({"priority": "high"}),
        "topic" => json!({"line": line, "topic": topic, "problem": first_problem(line, topic)}),
        "transfer" => json!({"line": line, "topic": topic}),
        "merge" => json!({"into": number}),
        "messages" => json!({"client_id": "s-1", "body": "Проверяем"}),
        _ => return None,
    })
}

/// What a resource looks like to an admin: audit events and messages.
async fn footprint(app: &TestApp, admin: &str, number: &str) -> (usize, usize) {
    let events: Vec<Value> = app
        .get(&format!("/api/v1/tickets/{number}/events"), admin)
        .await
        .json()
        .await
        .unwrap();
    let t: Value = app
        .get(&format!("/api/v1/tickets/{number}"), admin)
        .await
        .json()
        .await
        .unwrap();
    // The bot answers a new chat on its own time, so its messages may land
    // between two footprints; a staff operation never writes as the bot.
    let written = t["messages"].as_array().map_or(0, |messages| {
        messages
            .iter()
            .filter(|m| m["author"]["kind"] != "bot")
            .count()
    });
    (events.len(), written)
}

#[tokio::test]
async fn every_staff_operation_keeps_to_the_callers_lines() {
    // Operations from the document itself: a new endpoint joins the matrix.
    let doc = serde_json::to_value(switchboard_server::http::openapi()).unwrap();
    let mut operations: Vec<(Method, String)> = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        let ticket = path.starts_with("/api/v1/tickets/{number}")
            || path.starts_with("/api/v1/chats/{number}");
        if ticket {
            for method in item.as_object().unwrap().keys() {
                let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
                operations.push((m, path.clone()));
            }
        }
    }
    // Ending a ticket last, so the other cases still find it open.
    operations.sort_by_key(|(_, p)| {
        p.ends_with("/resolve") || p.ends_with("/close") || p.ends_with("/merge")
    });
    assert!(operations.len() >= 17, "{operations:?}");

    let mut cases = 0;
    for (login, create, sees) in STAFF {
        // A fresh service per member of staff: their tickets are new, not
        // joined to the previous ones as repeats.
        // The product's sign-in: admins and bank staff pass a second factor.
        let app = TestApp::spawn_with(with_second_factor).await;
        let admin = app.sign_in("admin", "admin-demo").await;
        if let Some((role, skills)) = create {
            let r = app
                .post(
                    "/api/v1/staff",
                    &admin,
                    json!({"login": login, "name": login, "role": role,
                    "password": PASSWORD, "skills": skills}),
                )
                .await;
            assert_eq!(r.status(), StatusCode::CREATED);
        }
        let password = match create {
            Some(_) => PASSWORD.to_owned(),
            None => format!("{login}-demo"),
        };
        let token = if *login == "admin" {
            admin.clone()
        } else {
            app.sign_in(login, &password).await
        };
        let resources = open_resources(&app).await;
        for (line, form, chat) in &resources.by_line {
            let allowed = sees.contains(line);
            let before = (
                footprint(&app, &admin, form).await,
                footprint(&app, &admin, chat).await,
            );
            for (method, path) in &operations {
                let number = if path.starts_with("/api/v1/chats/") {
                    chat
                } else {
                    form
                };
                let url = path
                    .replace("{number}", number)
                    .replace("{id}", &"0".repeat(64));
                let mut req = app
                    .client
                    .request(method.clone(), app.url(&url))
                    .bearer_auth(&token);
                if let Some(body) = body_for(path, line, number) {
                    req = req.json(&body);
                }
                let r = req.send().await.unwrap();
                let status = r.status();
                let body: Value = r.json().await.unwrap_or(Value::Null);
                let refused = status == StatusCode::FORBIDDEN && body["code"] == "missing_skill";
                assert_eq!(
                    refused, !allowed,
                    "{login} {method} {url} on {line}: {status} {body}"
                );
                assert_ne!(
                    status,
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "{login} {method} {url}"
                );
                cases += 1;
            }
            if !allowed {
                let after = (
                    footprint(&app, &admin, form).await,
                    footprint(&app, &admin, chat).await,
                );
                assert_eq!(
                    before, after,
                    "{login} changed a {line} ticket out of scope"
                );
            }

            // The list shows exactly the tickets in scope.
            let list: Vec<Value> = app
                .get("/api/v1/tickets?limit=200", &token)
                .await
                .json()
                .await
                .unwrap();
            for number in [form, chat] {
                let listed = list.iter().any(|t| t["number"] == number.as_str());
                assert_eq!(listed, allowed, "{login} list and {line} ticket {number}");
            }
        }
        // Customers' profiles follow the lines that serve them.
        for (customer, line) in [("buyer-1001", MARKET), ("bank-3001", BANK)] {
            let r = app
                .get(&format!("/api/v1/customers/{customer}"), &token)
                .await;
            let expected = if sees.contains(&line) {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(r.status(), expected, "{login} reads {customer}");
            cases += 1;
        }
    }
    assert!(cases >= 200, "only {cases} cases");
}

/// The attack from the issue, step by step: an operator without the bank
/// skill transfers a bank ticket to their own line and then takes it.
#[tokio::test]
async fn a_bank_ticket_cannot_be_moved_into_an_operators_own_line() {
    let app = TestApp::spawn().await;
    let bank = open_bank_ticket(&app).await;
    let number = bank["number"].as_str().unwrap();
    let op = app.login("operator").await;
    let r = app
        .post(
            &format!("/api/v1/tickets/{number}/transfer"),
            &op,
            json!({"line": MARKET, "topic": "delivery"}),
        )
        .await;
    let (status, body) = problem(r).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("missing_skill"))
    );
    let r = app
        .post(&format!("/api/v1/tickets/{number}/take"), &op, json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let admin = app.login("admin").await;
    let t: Value = app
        .get(&format!("/api/v1/tickets/{number}"), &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(t["line"]["code"], BANK);
    assert!(t["assignee"].is_null(), "{t}");
}
