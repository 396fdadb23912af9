//! Rate limits as a client meets them: 429 with `Retry-After` per address
//! and per customer on public endpoints, and on opening chats; staff
//! endpoints are not limited by address.

use reqwest::StatusCode;
use serde_json::json;
use switchboard_server::config::LimitsConfig;

use crate::helpers::*;

async fn get_from(app: &TestApp, path: &str, token: Option<&str>, from: &str) -> reqwest::Response {
    let mut r = app
        .client
        .get(app.url(path))
        .header("x-forwarded-for", from);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    r.send().await.unwrap()
}

#[tokio::test]
async fn one_address_is_limited_on_public_endpoints_and_recovers() {
    let app = TestApp::spawn_with(|s| {
        s.config.server.trust_forwarded_for = true;
        s.config.limits.address_per_minute = 5;
    })
    .await;
    let staff = app.login("operator").await;
    for _ in 0..4 {
        assert_eq!(
            get_from(&app, "/api/v1/catalog", None, "203.0.113.9")
                .await
                .status(),
            200
        );
    }
    let r = get_from(&app, "/help", None, "203.0.113.9").await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = get_from(&app, "/api/v1/help/sections", None, "203.0.113.9").await;
    assert_eq!(r.headers()["retry-after"], "12");
    let (status, body) = problem(r).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("rate_limited"))
    );
    assert_eq!(
        get_from(&app, "/api/v1/catalog", None, "198.51.100.4")
            .await
            .status(),
        200
    );
    let r = get_from(&app, "/api/v1/tickets", Some(&staff), "203.0.113.9").await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "staff endpoints are not limited by address"
    );

    app.clock.advance(jiff::SignedDuration::from_secs(12));
    assert_eq!(
        get_from(&app, "/api/v1/catalog", None, "203.0.113.9")
            .await
            .status(),
        200
    );
    assert_eq!(
        get_from(&app, "/api/v1/catalog", None, "203.0.113.9")
            .await
            .status(),
        429
    );

    let metrics = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.lines().any(|l| l.contains("status=\"429\"")),
        "refusals are counted"
    );
}

#[tokio::test]
async fn one_customer_is_limited_from_any_address() {
    let app = TestApp::spawn_with(|s| {
        s.config.server.trust_forwarded_for = true;
        s.config.limits.customer_per_minute = 3;
    })
    .await;
    let anna = app.customer_token("buyer-1001");
    for from in ["203.0.113.1", "203.0.113.2", "203.0.113.3"] {
        let r = get_from(&app, "/api/v1/customer/me", Some(&anna), from).await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    let r = get_from(&app, "/api/v1/customer/me", Some(&anna), "203.0.113.4").await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.headers()["retry-after"], "20");
    let john = app.customer_token("buyer-1002");
    let r = get_from(&app, "/api/v1/customer/me", Some(&john), "203.0.113.4").await;
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn six_new_chats_per_customer_in_twelve_hours() {
    let app = TestApp::spawn_with(|s| s.config.limits = LimitsConfig::default()).await;
    let anna = app.customer_token("buyer-1001");
    let open = |i: usize| {
        json!({"line": "marketplace", "topic": "payment", "client_id": format!("open-{i}"),
               "body": format!("Вопрос {i}: {}", ["не прошла оплата", "списали дважды", "где чек",
                 "не вижу бонусы", "как оплатить частями", "верните деньги", "ещё вопрос"][i])})
    };
    for i in 0..6 {
        let r = app.post("/api/v1/customer/chats", &anna, open(i)).await;
        assert!(r.status().is_success(), "chat {i}: {}", r.status());
    }
    let before = app.my_tickets("buyer-1001").await.len();
    let r = app.post("/api/v1/customer/chats", &anna, open(6)).await;
    assert_eq!(r.headers()["retry-after"], "7200");
    let (status, body) = problem(r).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (
            StatusCode::TOO_MANY_REQUESTS,
            Some("too_many_conversations")
        )
    );
    assert_eq!(
        app.my_tickets("buyer-1001").await.len(),
        before,
        "nothing opened"
    );
    let john = app.customer_token("buyer-1002");
    let r = app.post("/api/v1/customer/chats", &john, open(6)).await;
    let status = r.status();
    assert!(
        status.is_success(),
        "another customer is not affected: {status} {}",
        r.text().await.unwrap()
    );
    app.clock.advance(jiff::SignedDuration::from_hours(2));
    let anna = app.customer_token("buyer-1001");
    let r = app.post("/api/v1/customer/chats", &anna, open(6)).await;
    let status = r.status();
    assert!(
        status.is_success(),
        "one more after two hours: {status} {}",
        r.text().await.unwrap()
    );
}
