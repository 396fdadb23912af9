//! Regression tests for the defects found by fuzzing and by hand (issue 16):
//! identifiers from outside that are not ASCII, control characters in text,
//! 5xx answers missing from the metrics.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

/// Ticket numbers a fuzzer or a typo produces: a Cyrillic letter across the
/// prefix, a combining accent, a no-break space, full-width digits, emoji.
const BAD_NUMBERS: &[&str] = &["SБ-1", "ЖЖЖЖ", "S\u{301}B-1", "SB\u{a0}1", "１２", "🙂🙂"];

async fn metrics(app: &TestApp) -> String {
    let r = app.client.get(app.url("/metrics")).send().await.unwrap();
    r.text().await.unwrap()
}

fn server_errors(metrics: &str) -> Vec<&str> {
    metrics
        .lines()
        .filter(|l| l.starts_with("switchboard_http_requests_total") && l.contains("status=\"5"))
        .collect()
}

/// Every operation of the OpenAPI document whose path names a ticket, with a
/// non-ASCII number in its place: a clear 4xx problem, never a 500.
#[tokio::test]
async fn non_ascii_ticket_numbers_are_not_found_on_every_endpoint() {
    let app = TestApp::spawn().await;
    let customer = app.customer_token("buyer-1001");
    let admin = app.login("admin").await;
    let doc = serde_json::to_value(switchboard_server::http::openapi()).unwrap();
    let mut tried = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        if !path.contains("{number}") {
            continue;
        }
        for method in item.as_object().unwrap().keys() {
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            for bad in BAD_NUMBERS {
                let url = app.url(&path.replace("{number}", bad).replace(
                    "{id}",
                    "0000000000000000000000000000000000000000000000000000000000000000",
                ));
                let token = if path.starts_with("/api/v1/customer/") {
                    &customer
                } else {
                    &admin
                };
                let mut req = app.client.request(method.clone(), url).bearer_auth(token);
                if method != Method::GET {
                    req = req.json(&json!({}));
                }
                let (status, body) = problem(req.send().await.unwrap()).await;
                assert!(
                    status.is_client_error(),
                    "{method} {path} with {bad:?}: {status} {body}"
                );
                tried += 1;
            }
        }
    }
    assert!(
        tried > 100,
        "only {tried} requests: the document lost its ticket paths"
    );

    // Where a number comes in a query or a body.
    for bad in BAD_NUMBERS {
        let mut url = reqwest::Url::parse(&app.url("/api/v1/tickets")).unwrap();
        url.query_pairs_mut().append_pair("before", bad);
        let r = app
            .client
            .get(url)
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap();
        let (status, _) = problem(r).await;
        assert!(status.is_client_error(), "before={bad:?}: {status}");
    }
    let mine = app.open_ticket("buyer-1001", delivery_form()).await;
    let number = mine["number"].as_str().unwrap();
    for bad in BAD_NUMBERS {
        let r = app
            .post(
                &format!("/api/v1/tickets/{number}/merge"),
                &admin,
                json!({"into": bad}),
            )
            .await;
        let (status, _) = problem(r).await;
        assert!(status.is_client_error(), "merge into {bad:?}: {status}");
    }
    let m = metrics(&app).await;
    assert_eq!(server_errors(&m), Vec::<&str>::new());
}

/// The rule: tab, CR and LF are text; any other control character (NUL
/// above all, which PostgreSQL cannot store) is refused with a field error,
/// on both backends alike, and nothing is written.
#[tokio::test]
async fn control_characters_in_text_are_refused_with_the_field_named() {
    let app = TestApp::spawn().await;
    let customer = app.customer_token("buyer-1001");
    let mut form = delivery_form();
    form["description"] = json!("Заказ\u{0} не пришёл");
    let (status, body) = problem(app.post("/api/v1/customer/tickets", &customer, form).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        field_codes(&body),
        vec![("description".to_owned(), "control_characters".to_owned())]
    );
    assert!(app.my_tickets("buyer-1001").await.is_empty());

    // Line breaks and tabs are fine.
    let mut form = delivery_form();
    form["description"] = json!("Строка 1\r\nстрока 2\tи всё");
    let ticket = app.open_ticket("buyer-1001", form).await;
    let number = ticket["number"].as_str().unwrap().to_owned();

    let admin = app.login("admin").await;
    let messages = |t: &Value| t["messages"].as_array().map_or(0, Vec::len);
    let r = app.get(&format!("/api/v1/tickets/{number}"), &admin).await;
    let before = messages(&r.json().await.unwrap());
    let cases: Vec<(&str, String, Value, &str)> = vec![
        (
            "customer reply",
            format!("/api/v1/customer/tickets/{number}/messages"),
            json!({"body": "ещё\u{1b}[31m"}),
            "body",
        ),
        (
            "staff note",
            format!("/api/v1/tickets/{number}/notes"),
            json!({"body": "note\u{7}"}),
            "body",
        ),
        (
            "staff reply",
            format!("/api/v1/tickets/{number}/replies"),
            json!({"body": "reply\u{0}"}),
            "body",
        ),
        (
            "knowledge-base article",
            "/api/v1/kb/articles".to_owned(),
            json!({"id": "nul-article", "section": "mp-orders", "topics": [],
                   "title": {"ru": "Заголовок", "en": "Title\u{0}"},
                   "body": {"ru": "Текст", "en": "Text"}}),
            "title.en",
        ),
        (
            "chat over HTTP",
            "/api/v1/customer/chats".to_owned(),
            json!({"line": "marketplace", "topic": "delivery", "order_number": "MP-10001",
                   "body": "\u{85}", "client_id": "c-1"}),
            "body",
        ),
    ];
    for (what, path, body, field) in cases {
        let token = if path.starts_with("/api/v1/customer/") {
            &customer
        } else {
            &admin
        };
        let (status, answer) = problem(app.post(&path, token, body).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {answer}");
        assert_eq!(
            field_codes(&answer),
            vec![(field.to_owned(), "control_characters".to_owned())],
            "{what}"
        );
    }
    // Nothing of it was stored.
    let r = app.get(&format!("/api/v1/tickets/{number}"), &admin).await;
    let t: Value = r.json().await.unwrap();
    assert_eq!(messages(&t), before, "{t}");
    let r = app.get("/api/v1/kb/articles/nul-article", &admin).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // In the path or the query: refused before any handler runs.
    for path in [
        "/api/v1/kb/articles/a%00b",
        "/api/v1/help/search?q=%00",
        "/api/v1/tickets?line=%1b",
        "/help/search?q=x%C2%85",
    ] {
        let (status, body) = problem(app.get(path, &admin).await).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(body["code"], "control_characters", "{path}");
    }
    assert_eq!(server_errors(&metrics(&app).await), Vec::<&str>::new());
}

/// Found by the API fuzzer: page sizes beyond the documented range were
/// clamped (or, for the staff audit, documented as a path parameter). Every
/// operation with a `limit` in its query now states its range, takes its
/// maximum, and refuses what lies outside with a 422 naming `limit`.
#[tokio::test]
async fn page_limits_keep_to_the_range_the_document_states() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let customer = app.customer_token("buyer-1001");
    let opened: Value = app
        .post(
            "/api/v1/customer/chats",
            &customer,
            json!({"line": "marketplace", "topic": "delivery", "order_number": "MP-10001",
                   "body": "Где мой заказ?", "client_id": "c-1"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let chat = opened["conversation"].as_str().expect("a chat").to_owned();
    // A webhook endpoint, for the list of its deliveries (never called: the
    // tests step the webhook worker themselves).
    let hook: Value = app
        .post(
            "/api/v1/admin/webhooks",
            &admin,
            json!({"url": "https://crm.example.com/hooks"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let hook = hook["id"].as_i64().expect("an endpoint").to_string();
    let doc = serde_json::to_value(switchboard_server::http::openapi()).unwrap();
    let mut checked = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        let Some(op) = item.get("get") else { continue };
        let Some(limit) = op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p["name"] == "limit")
        else {
            continue;
        };
        assert_eq!(limit["in"], "query", "{path}");
        let max = limit["schema"]["maximum"].as_f64().expect("a maximum") as u64;
        assert_eq!(limit["schema"]["minimum"].as_f64(), Some(1.0), "{path}");
        // A chat's history is read by its customer or by staff.
        let target = path.replace("{number}", &chat).replace("{id}", &hook);
        let token = if path.starts_with("/api/v1/customer/") {
            &customer
        } else {
            &admin
        };
        // Searches need words, a caller's call history needs the caller; the
        // other lists refuse unknown parameters.
        let words = if path.ends_with("/search") {
            "q=доставка&"
        } else if path == "/api/v1/phone/calls" {
            "customer=buyer-1001&"
        } else {
            ""
        };
        let url = |n: u64| format!("{target}?{words}limit={n}");
        assert_eq!(
            app.get(&url(max), token).await.status(),
            StatusCode::OK,
            "{path}"
        );
        for n in [0, max + 1, 2_147_483_648] {
            let (status, body) = problem(app.get(&url(n), token).await).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path} {n}");
            assert_eq!(field_codes(&body)[0].0, "limit", "{path} {n}");
        }
        checked.push(path.clone());
    }
    for path in [
        "/api/v1/tickets",
        "/api/v1/staff/audit",
        "/api/v1/kb/events",
        "/api/v1/help/search",
        "/api/v1/customer/chats/{number}/messages",
        "/api/v1/admin/webhooks/{id}/deliveries",
    ] {
        assert!(
            checked.iter().any(|p| p == path),
            "{path} not checked: {checked:?}"
        );
    }
}

/// Found by the API fuzzer: `/metrics` answered OpenMetrics text while the
/// document said `text/plain`.
#[tokio::test]
async fn metrics_are_served_as_the_document_says() {
    let app = TestApp::spawn().await;
    let doc = serde_json::to_value(switchboard_server::http::openapi()).unwrap();
    let documented: Vec<&String> = doc["paths"]["/metrics"]["get"]["responses"]["200"]["content"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    let r = app.client.get(app.url("/metrics")).send().await.unwrap();
    let served = r.headers()["content-type"].to_str().unwrap();
    let media = served.split(';').next().unwrap().trim();
    assert_eq!(documented, vec![media]);
}
