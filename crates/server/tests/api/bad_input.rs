//! Every kind of bad input gets a clear 4xx problem and writes nothing.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;
use switchboard_server::clock::Clock;

/// Nothing of a refused request may remain: no ticket, no file.
async fn assert_nothing_written(app: &TestApp) {
    assert!(
        app.my_tickets("buyer-1001").await.is_empty(),
        "a refused request created a ticket"
    );
    assert_eq!(app.stored_files(), 0, "a refused request stored a file");
    assert_eq!(
        app.store.pending_outbound().await.unwrap(),
        0,
        "a refused request queued a notification"
    );
}

async fn post_form(app: &TestApp, form: Value) -> (StatusCode, Value) {
    problem(
        app.post(
            "/api/v1/customer/tickets",
            &app.customer_token("buyer-1001"),
            form,
        )
        .await,
    )
    .await
}

#[tokio::test]
async fn invalid_forms_are_refused_field_by_field() {
    let app = TestApp::spawn().await;
    let with = |key: &str, value: Value| {
        let mut f = delivery_form();
        f[key] = value;
        f
    };
    let cases: Vec<(Value, Vec<(&str, &str)>)> = vec![
        (
            with("topic", json!("teleportation")),
            vec![("topic", "unknown_topic")],
        ),
        (
            with("line", json!("casino")),
            vec![("line", "unknown_line")],
        ),
        (
            with("line", json!("bank_retail")),
            vec![("line", "line_not_available")],
        ),
        (
            with("problem", json!("parcel_lost")),
            vec![("problem", "unknown_problem")],
        ),
        (
            with("problem", json!("other")),
            vec![("problem_text", "required")],
        ),
        (
            with("order_number", json!("MP-10005")),
            vec![("order_number", "not_your_order")],
        ),
        (
            with("order_number", json!("MP-99999")),
            vec![("order_number", "not_your_order")],
        ),
        (
            with("order_number", Value::Null),
            vec![("order_number", "required")],
        ),
        (
            with("order_number", json!("DROP TABLE")),
            vec![("order_number", "invalid")],
        ),
        (
            with("description", json!("   ")),
            vec![("description", "required")],
        ),
        (
            with("description", json!("я".repeat(10_001))),
            vec![("description", "too_long")],
        ),
        (
            with("reply_channel", json!("pigeon")),
            vec![("reply_channel", "invalid")],
        ),
    ];
    for (form, expected) in cases {
        let (status, body) = post_form(&app, form.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{form}");
        assert_eq!(body["code"], "validation_failed");
        let got = field_codes(&body);
        let want: Vec<(String, String)> = expected
            .iter()
            .map(|(f, c)| (f.to_string(), c.to_string()))
            .collect();
        assert_eq!(got, want, "{form}");
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
    // Urgent where the topic does not allow it.
    let (status, body) = post_form(
        &app,
        json!({"line": "marketplace", "topic": "ordering", "problem": "checkout_failed", "description": "x", "urgent": true}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_codes(&body),
        vec![("urgent".to_string(), "urgent_not_allowed".to_string())]
    );
    assert_nothing_written(&app).await;
}

#[tokio::test]
async fn a_customer_without_a_phone_cannot_ask_for_sms() {
    let app = TestApp::spawn().await;
    let form = json!({"line": "marketplace", "topic": "ordering", "problem": "checkout_failed", "description": "Не проходит оплата", "reply_channel": "sms"});
    let (status, body) = problem(
        app.post(
            "/api/v1/customer/tickets",
            &app.customer_token("buyer-1003"),
            form,
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_codes(&body),
        vec![("reply_channel".to_string(), "unreachable".to_string())]
    );
}

#[tokio::test]
async fn malformed_bodies_are_refused() {
    let app = TestApp::spawn().await;
    let token = app.customer_token("buyer-1001");
    let send = |body: &'static str, ct: &'static str| {
        app.client
            .post(app.url("/api/v1/customer/tickets"))
            .bearer_auth(&token)
            .header("content-type", ct)
            .body(body)
            .send()
    };
    let (status, body) = problem(send("{\"line\": ", "application/json").await.unwrap()).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("malformed_json"))
    );
    let (status, body) = problem(send("{\"line\": 5}", "application/json").await.unwrap()).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_body"))
    );
    let (status, body) = problem(
        send(
            "{\"line\":\"a\",\"topic\":\"b\",\"problem\":\"c\",\"description\":\"d\",\"evil\":1}",
            "application/json",
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_body"))
    );
    let (status, body) = problem(
        send("line=a", "application/x-www-form-urlencoded")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Some("unsupported_media_type")
        )
    );

    let r = app
        .client
        .post(app.url("/api/v1/customer/tickets"))
        .bearer_auth(&token)
        .multipart(reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(PNG.to_vec()).file_name("a.png"),
        ))
        .send()
        .await
        .unwrap();
    let (status, body) = problem(r).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("missing_data"))
    );
    assert_nothing_written(&app).await;
}

#[tokio::test]
async fn six_files_a_renamed_executable_and_oversize_files_create_nothing() {
    let app = TestApp::spawn_with(|s| {
        s.config.attachments.max_file_bytes = 1024;
        s.config.server.body_limit_bytes = 64 * 1024;
    })
    .await;
    let token = app.customer_token("buyer-1001");
    let send = |files: Vec<(&'static str, Vec<u8>)>| {
        let mut form = reqwest::multipart::Form::new().text("data", delivery_form().to_string());
        for (name, bytes) in files {
            form = form.part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name(name),
            );
        }
        app.client
            .post(app.url("/api/v1/customer/tickets"))
            .bearer_auth(&token)
            .multipart(form)
            .send()
    };

    let six: Vec<(&str, Vec<u8>)> = (0..6).map(|_| ("p.png", PNG.to_vec())).collect();
    let (status, body) = problem(send(six).await.unwrap()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_codes(&body),
        vec![("attachments".to_string(), "too_many_files".to_string())]
    );

    let (status, body) = problem(
        send(vec![("ok.png", PNG.to_vec()), ("cat.png", EXE.to_vec())])
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_codes(&body),
        vec![(
            "attachments".to_string(),
            "file_type_not_allowed".to_string()
        )]
    );

    let mut big = PNG.to_vec();
    big.resize(2048, 0);
    let (status, body) = problem(send(vec![("big.png", big)]).await.unwrap()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_codes(&body),
        vec![("attachments".to_string(), "file_too_large".to_string())]
    );

    // A body over the server's limit is cut off before it is read.
    let mut huge = PNG.to_vec();
    huge.resize(100 * 1024, 0);
    let (status, body) = problem(send(vec![("huge.png", huge)]).await.unwrap()).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("body_too_large"))
    );
    let long_json = json!({"line": "marketplace", "topic": "delivery", "problem": "x", "description": "я".repeat(40 * 1024)});
    let (status, _) = post_form(&app, long_json).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_nothing_written(&app).await;

    // A good form with a bad file also leaves the form unsaved.
    let (status, _) = problem(send(vec![("virus.pdf", EXE.to_vec())]).await.unwrap()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_nothing_written(&app).await;
}

#[tokio::test]
async fn expired_forged_and_missing_identity_tokens_are_refused() {
    let app = TestApp::spawn().await;
    let now = app.clock.now();
    let expired = app.token_expiring("buyer-1001", now - jiff::SignedDuration::from_secs(1));
    let forged =
        switchboard_domain::identity::IdentitySigner::new(b"not-the-shared-secret", 86_400).sign(
            &"buyer-1001".parse().unwrap(),
            now + jiff::SignedDuration::from_hours(1),
        );
    let tampered = app
        .customer_token("buyer-1001")
        .replace("buyer-1001", "buyer-1002");
    let unknown = app.customer_token("ghost-1");
    let forever = app.token_expiring(
        "buyer-1001",
        now + jiff::SignedDuration::from_hours(24 * 365),
    );
    for (token, code) in [
        (expired.as_str(), "identity_token_expired"),
        (forged.as_str(), "identity_token_invalid"),
        (tampered.as_str(), "identity_token_invalid"),
        ("garbage", "identity_token_invalid"),
        (unknown.as_str(), "unknown_customer"),
        (forever.as_str(), "identity_token_invalid"),
    ] {
        let (status, body) = problem(
            app.post("/api/v1/customer/tickets", token, delivery_form())
                .await,
        )
        .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNAUTHORIZED, Some(code)),
            "{token}"
        );
    }
    let r = app
        .client
        .get(app.url("/api/v1/customer/tickets"))
        .send()
        .await
        .unwrap();
    let (status, body) = problem(r).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("identity_token_missing"))
    );

    // A valid token stops working once it expires.
    let token = app.customer_token("buyer-1001");
    assert_eq!(
        app.get("/api/v1/customer/tickets", &token).await.status(),
        StatusCode::OK
    );
    app.clock.advance(jiff::SignedDuration::from_hours(2));
    assert_eq!(
        app.get("/api/v1/customer/tickets", &token).await.status(),
        StatusCode::UNAUTHORIZED
    );

    // Staff tokens are not customer tokens and vice versa.
    let op = app.login("operator").await;
    assert_eq!(
        app.get("/api/v1/customer/tickets", &op).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let customer = app.customer_token("buyer-1001");
    assert_eq!(
        app.get("/api/v1/tickets", &customer).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn illegal_transitions_are_conflicts_and_change_nothing() {
    let app = TestApp::spawn().await;
    let t = app.open_ticket("buyer-1001", delivery_form()).await;
    let number = t["number"].as_str().unwrap();
    let me = app.customer_token("buyer-1001");
    let op = app.login("operator").await;

    let (status, body) = problem(
        app.post(
            &format!("/api/v1/customer/tickets/{number}/reopen"),
            &me,
            json!({"body": "ещё"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("illegal_transition"))
    );
    let (status, body) = problem(
        app.post(&format!("/api/v1/tickets/{number}/close"), &op, json!({}))
            .await,
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("illegal_transition"))
    );
    let (status, body) = problem(
        app.post(
            &format!("/api/v1/tickets/{number}/priority"),
            &op,
            json!({"priority": "normal"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("unchanged"))
    );
    let (status, body) = problem(
        app.post(
            &format!("/api/v1/tickets/{number}/priority"),
            &op,
            json!({"priority": "asap"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("validation_failed"))
    );
    let (status, _) = problem(
        app.post(
            &format!("/api/v1/tickets/{number}/replies"),
            &op,
            json!({"body": "  "}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, body) = problem(
        app.post(
            &format!("/api/v1/tickets/{number}/topic"),
            &op,
            json!({"line": "marketplace", "topic": "returns", "problem": "nope"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_codes(&body),
        vec![("problem".to_string(), "unknown_problem".to_string())]
    );

    // A reopen with a file refused by content stores neither message nor file.
    let r = app
        .client
        .post(app.url(&format!("/api/v1/customer/tickets/{number}/messages")))
        .bearer_auth(&me)
        .multipart(multipart(&json!({"body": "вот файл"}), &[("x.png", EXE)]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let after: Value = app
        .get(&format!("/api/v1/tickets/{number}"), &op)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(after["version"], 1, "nothing was written");
    assert_eq!(after["status"], "queued");
    assert_eq!(after["messages"].as_array().unwrap().len(), 1);
    let events: Vec<Value> = app
        .get(&format!("/api/v1/tickets/{number}/events"), &op)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(events.len(), 1, "only the creation is in the audit log");
    assert_eq!(app.stored_files(), 0);
}

#[tokio::test]
async fn unknown_tickets_routes_and_methods_are_problems_too() {
    let app = TestApp::spawn().await;
    let op = app.login("operator").await;
    for path in [
        "/api/v1/tickets/SB-999999",
        "/api/v1/tickets/not-a-number",
        "/api/v1/nowhere",
    ] {
        let (status, _) = problem(app.get(path, &op).await).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    let r = app
        .client
        .delete(app.url("/api/v1/tickets"))
        .bearer_auth(&op)
        .send()
        .await
        .unwrap();
    let (status, _) = problem(r).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    let (status, body) = problem(app.get("/api/v1/tickets?status=lost", &op).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_codes(&body),
        vec![("status".to_string(), "invalid".to_string())]
    );
    let (status, _) = problem(app.get("/api/v1/tickets?limit=5000", &op).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = problem(app.get("/api/v1/tickets?limit=abc", &op).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
