//! Customer satisfaction end to end (issue 14): asked once after resolution
//! by the customer's channel, with a link; the rating page; a low rating
//! alerts the supervisor and reopens; never asked twice, nor more often than
//! the limit; the rating in the audit log and the reports.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, delivery_form};

async fn resolved_ticket(app: &TestApp, op: &str, text: &str) -> String {
    let mut form = delivery_form();
    form["description"] = json!(text);
    let number = app.open_ticket("buyer-1001", form).await["number"]
        .as_str()
        .unwrap()
        .to_owned();
    for (path, body) in [
        ("replies", json!({"body": "Заказ приедет завтра"})),
        ("resolve", json!({})),
    ] {
        let r = app
            .post(&format!("/api/v1/tickets/{number}/{path}"), op, body)
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
    }
    number
}

async fn rating_requests(app: &TestApp, op: &str, number: &str) -> Vec<Value> {
    let sent: Vec<Value> = app
        .get(&format!("/api/v1/tickets/{number}/notifications"), op)
        .await
        .json()
        .await
        .unwrap();
    sent.into_iter()
        .filter(|n| n["kind"] == "csat_request")
        .collect()
}

async fn post_form(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
    let body: String = fields
        .iter()
        .map(|(k, v)| format!("{k}={}", v.replace(' ', "+")))
        .collect::<Vec<_>>()
        .join("&");
    let r = app
        .client
        .post(app.url(path))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

#[tokio::test]
async fn a_resolved_ticket_is_rated_once_by_its_link_and_a_low_rating_reopens_it() {
    let app = TestApp::spawn().await;
    let op = app.login("operator").await;
    let boss = app.login("supervisor").await;
    let number = resolved_ticket(&app, &op, "Заказ MP-10001 не пришёл вовремя").await;

    assert_eq!(app.core.ask_for_ratings().await.unwrap(), 1);
    assert_eq!(app.core.ask_for_ratings().await.unwrap(), 0, "asked once");
    let requests = rating_requests(&app, &op, &number).await;
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(requests[0]["channel"], "email");
    assert_eq!(requests[0]["recipient"], "anna@demo.example");
    let outbox = app
        .store
        .ticket_outbound(
            switchboard_domain::ids::TicketNumber::parse(&number)
                .unwrap()
                .id(),
        )
        .await
        .unwrap();
    let text = &outbox
        .iter()
        .find(|o| o.outbound.kind.as_str() == "csat_request")
        .unwrap()
        .outbound
        .text;
    assert!(text.contains(&number), "{text}");
    let token = text
        .split("/rate/")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();

    let page = app
        .client
        .get(app.url(&format!("/rate/{token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("Как мы помогли?"));
    let bogus = app
        .client
        .get(app.url("/rate/not-a-token"))
        .send()
        .await
        .unwrap();
    assert_eq!(bogus.status(), StatusCode::NOT_FOUND);

    let (status, _) = post_form(&app, &format!("/rate/{token}"), &[("score", "9")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, body) = post_form(
        &app,
        &format!("/rate/{token}"),
        &[
            ("score", "1"),
            ("comment", "Не помогли, карта 4111 1111 1111 1111"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = post_form(&app, &format!("/rate/{token}"), &[("score", "5")]).await;
    assert_eq!(status, StatusCode::CONFLICT, "rated once");

    // Low: reopened, the supervisor alerted, the rating in the audit log with the card masked.
    let t: Value = app
        .get(&format!("/api/v1/tickets/{number}"), &op)
        .await
        .json()
        .await
        .unwrap();
    assert_ne!(t["status"], "resolved");
    let alerts: Vec<Value> = app
        .get("/api/v1/staff/alerts", &boss)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(alerts[0]["kind"], "rated");
    assert_eq!(alerts[0]["ticket"], number.as_str());
    let events: Vec<Value> = app
        .get(&format!("/api/v1/tickets/{number}/events"), &op)
        .await
        .json()
        .await
        .unwrap();
    let rated = events.iter().find(|e| e["kind"] == "rated").unwrap();
    assert_eq!(rated["data"]["score"], 1);
    let comment = rated["data"]["comment"].as_str().unwrap();
    assert!(
        comment.starts_with("Не помогли") && !comment.contains("4111 1111"),
        "{comment}"
    );

    let report: Value = app
        .get("/api/v1/reports/csat", &boss)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            report["rated"].clone(),
            report["average"].clone(),
            report["low"].clone()
        ),
        (json!(1), json!(1.0), json!(1))
    );
}

#[tokio::test]
async fn nobody_is_asked_more_often_than_the_limit_and_only_requested_ratings_count() {
    let app = TestApp::spawn().await;
    let op = app.login("operator").await;
    let first = resolved_ticket(&app, &op, "Заказ MP-10001 не пришёл вовремя").await;
    assert_eq!(app.core.ask_for_ratings().await.unwrap(), 1);
    let second = resolved_ticket(&app, &op, "Курьер не позвонил перед доставкой").await;
    assert_eq!(
        app.core.ask_for_ratings().await.unwrap(),
        0,
        "asked about another ticket this month"
    );
    assert!(rating_requests(&app, &op, &second).await.is_empty());

    // The signed-in customer rates the first (what the chat's buttons do), not the second.
    let me = app.customer_token("buyer-1001");
    let r = app
        .post(
            &format!("/api/v1/customer/tickets/{second}/rating"),
            &me,
            json!({"score": 5}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let r = app
        .post(
            &format!("/api/v1/customer/tickets/{first}/rating"),
            &me,
            json!({"score": 0}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let other = app.customer_token("buyer-1002");
    let r = app
        .post(
            &format!("/api/v1/customer/tickets/{first}/rating"),
            &other,
            json!({"score": 5}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = app
        .post(
            &format!("/api/v1/customer/tickets/{first}/rating"),
            &me,
            json!({"score": 5, "comment": "Спасибо!"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert_eq!(
        (v["score"].clone(), v["reopened"].clone()),
        (json!(5), json!(false))
    );
    let t: Value = app
        .get(&format!("/api/v1/tickets/{first}"), &op)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(t["status"], "resolved", "a good rating leaves it resolved");
}
