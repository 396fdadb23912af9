use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;
use switchboard_server::clock::Clock;

#[tokio::test]
async fn contact_us_opens_a_numbered_ticket_with_a_deadline_and_queues_a_confirmation() {
    let app = TestApp::spawn().await;
    let now = app.clock.now();
    let t = app.open_ticket("buyer-1001", delivery_form()).await;

    let number = t["number"].as_str().unwrap();
    assert!(number.starts_with("SB-"), "{t}");
    assert_eq!(t["status"], "queued");
    assert_eq!(t["kind"], "request");
    assert_eq!(t["line"]["code"], "marketplace");
    assert_eq!(t["topic"]["name"]["ru"], "Доставка и отслеживание");
    assert_eq!(t["order_number"], "MP-10001");
    let due: jiff::Timestamp = t["reply_due_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        due,
        now + jiff::SignedDuration::from_hours(24),
        "standard tickets are due in 24 hours"
    );
    assert_eq!(t["messages"][0]["author"], "customer");
    assert!(
        t["messages"][0]["body"]
            .as_str()
            .unwrap()
            .contains("трекинг")
    );

    // The confirmation with the number is waiting in the outbox for the chosen channel.
    let staff = app.login("operator").await;
    let sent: Vec<Value> = app
        .get(&format!("/api/v1/tickets/{number}/notifications"), &staff)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0]["channel"], "email");
    assert_eq!(sent[0]["recipient"], "anna@demo.example");
    assert_eq!(sent[0]["status"], "pending");
    assert!(sent[0]["subject"].as_str().unwrap().contains(number));
}

#[tokio::test]
async fn other_problem_urgent_topic_and_sms_reply_channel() {
    let app = TestApp::spawn().await;
    let t = app
        .open_ticket(
            "buyer-1001",
            json!({
                "line": "marketplace", "topic": "delivery", "problem": "other",
                "problem_text": "Курьер не отвечает", "order_number": "mp-10002",
                "description": "Срочно нужен заказ к вечеру", "urgent": true, "reply_channel": "sms"
            }),
        )
        .await;
    assert_eq!(t["problem"]["code"], "other");
    assert_eq!(t["problem"]["name"]["ru"], "Курьер не отвечает");
    assert_eq!(
        t["order_number"], "MP-10002",
        "order numbers are normalised"
    );
    let created: jiff::Timestamp = t["created_at"].as_str().unwrap().parse().unwrap();
    let due: jiff::Timestamp = t["reply_due_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        due.duration_since(created),
        jiff::SignedDuration::from_hours(2),
        "urgent tickets are due in 2 hours"
    );

    let staff = app.login("operator").await;
    let number = t["number"].as_str().unwrap();
    let staff_view: Value = app
        .get(&format!("/api/v1/tickets/{number}"), &staff)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(staff_view["priority"], "urgent");
    let sent: Vec<Value> = app
        .get(&format!("/api/v1/tickets/{number}/notifications"), &staff)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(sent[0]["channel"], "sms");
    assert_eq!(sent[0]["recipient"], "+79161234567");
}

#[tokio::test]
async fn attachments_are_stored_by_content_and_downloadable_only_by_their_owner() {
    let app = TestApp::spawn().await;
    let token = app.customer_token("buyer-1001");
    let r = app
        .client
        .post(app.url("/api/v1/customer/tickets"))
        .bearer_auth(&token)
        .multipart(multipart(
            &delivery_form(),
            &[
                ("screen.png", PNG),
                ("чек.pdf", PDF),
                ("note.txt", "Трек: 123".as_bytes()),
            ],
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let t: Value = r.json().await.unwrap();
    let files = t["messages"][0]["attachments"].as_array().unwrap().clone();
    assert_eq!(files.len(), 3);
    assert_eq!(files[0]["content_type"], "image/png");
    assert_eq!(files[1]["file_name"], "чек.pdf");
    assert_eq!(files[1]["content_type"], "application/pdf");
    assert_eq!(app.stored_files(), 3);

    let url = files[1]["url"].as_str().unwrap();
    let r = app.get(url, &token).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(r.bytes().await.unwrap().as_ref(), PDF);

    // Someone else's ticket and its files do not exist for another customer.
    let other = app.customer_token("buyer-1002");
    assert_eq!(app.get(url, &other).await.status(), StatusCode::NOT_FOUND);
    let number = t["number"].as_str().unwrap();
    let (status, body) = problem(
        app.get(&format!("/api/v1/customer/tickets/{number}"), &other)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["code"], "not_found");

    // The same bytes uploaded again (with another order's question: the same
    // question again would join the open ticket) are stored once.
    let mut another = delivery_form();
    another["order_number"] = json!("MP-10003");
    let r = app
        .client
        .post(app.url("/api/v1/customer/tickets"))
        .bearer_auth(&token)
        .multipart(multipart(&another, &[("again.png", PNG)]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(app.stored_files(), 3);
}

#[tokio::test]
async fn my_requests_lists_only_my_tickets_newest_first() {
    let app = TestApp::spawn().await;
    let first = app.open_ticket("buyer-1001", delivery_form()).await;
    let mut second_form = delivery_form();
    second_form["order_number"] = json!("MP-10003");
    let second = app.open_ticket("buyer-1001", second_form).await;
    let mut others = delivery_form();
    others["order_number"] = json!("MP-10005");
    app.open_ticket("buyer-1002", others).await;

    let mine = app.my_tickets("buyer-1001").await;
    let numbers: Vec<&str> = mine.iter().map(|t| t["number"].as_str().unwrap()).collect();
    assert_eq!(
        numbers,
        vec![
            second["number"].as_str().unwrap(),
            first["number"].as_str().unwrap()
        ]
    );
    assert!(mine.iter().all(|t| t["status"] == "queued"));
    assert_eq!(app.my_tickets("buyer-1002").await.len(), 1);
    assert!(app.my_tickets("seller-2001").await.is_empty());
}

#[tokio::test]
async fn the_customer_replies_reopens_and_files_a_claim_but_never_sees_internal_notes() {
    let app = TestApp::spawn().await;
    let t = app.open_ticket("buyer-1001", delivery_form()).await;
    let number = t["number"].as_str().unwrap().to_owned();
    let me = app.customer_token("buyer-1001");
    let staff = app.login("operator").await;

    let r = app
        .post(
            &format!("/api/v1/tickets/{number}/notes"),
            &staff,
            json!({"body": "Проверить склад: внутренняя пометка"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = app
        .post(
            &format!("/api/v1/tickets/{number}/replies"),
            &staff,
            json!({"body": "Заказ передан курьеру, ждите сегодня."}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    let view: Value = app
        .get(&format!("/api/v1/customer/tickets/{number}"), &me)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["status"], "waiting_for_customer");
    assert_eq!(view["reply_due_at"], Value::Null);
    let bodies: Vec<&str> = view["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert_eq!(
        bodies.len(),
        2,
        "the note is not in the customer's dialogue: {bodies:?}"
    );
    assert_eq!(view["messages"][1]["author"], "support");
    assert!(!view.to_string().contains("внутренняя пометка"));

    let r = app
        .post(
            &format!("/api/v1/customer/tickets/{number}/messages"),
            &me,
            json!({"body": "Спасибо, жду"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let view: Value = r.json().await.unwrap();
    assert_eq!(
        view["status"], "assigned",
        "the answer goes back to the operator who replied"
    );

    let r = app
        .post(
            &format!("/api/v1/tickets/{number}/resolve"),
            &staff,
            json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = app
        .post(
            &format!("/api/v1/customer/tickets/{number}/reopen"),
            &me,
            json!({"body": "Курьер так и не пришёл"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let view: Value = r.json().await.unwrap();
    assert_eq!(view["status"], "assigned");
    assert!(view["reply_due_at"].is_string());

    let before_claim = app.clock.now();
    let r = app
        .post(
            &format!("/api/v1/customer/tickets/{number}/claim"),
            &me,
            json!({"body": "Требую вернуть деньги по закону о защите прав потребителей"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let view: Value = r.json().await.unwrap();
    assert_eq!(view["kind"], "claim");
    let due: jiff::Timestamp = view["reply_due_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        due,
        before_claim + jiff::SignedDuration::from_hours(240),
        "claims get 10 days"
    );

    let (status, body) = problem(
        app.post(
            &format!("/api/v1/customer/tickets/{number}/claim"),
            &me,
            json!({"body": "ещё раз"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["code"], "already_claim");
}

#[tokio::test]
async fn a_customer_sees_their_profile_and_orders() {
    let app = TestApp::spawn().await;
    let me: Value = app
        .get("/api/v1/customer/me", &app.customer_token("seller-2002"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["kind"], "seller");
    assert_eq!(me["premium_seller"], true);
    assert!(
        me["orders"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["number"] == "SL-30004")
    );
}

#[tokio::test]
async fn english_speakers_get_english_errors() {
    let app = TestApp::spawn().await;
    let r = app
        .client
        .post(app.url("/api/v1/customer/tickets"))
        .bearer_auth(app.customer_token("buyer-1001"))
        .header("accept-language", "en-GB,en;q=0.9")
        .json(&json!({"line": "marketplace", "topic": "nope", "problem": "x", "description": "d"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-language"], "en");
    let (_, body) = problem(r).await;
    assert_eq!(body["title"], "Some fields are not valid");
    assert_eq!(
        body["errors"][0]["message"],
        "There is no such topic in this line"
    );
}
