//! The supervisor dashboard (issue 12): who may read it, the queues with
//! their longest wait, operators' state and load, the deadline lists, and
//! the pages' session cookie with its cross-site guard.

use jiff::SignedDuration;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, delivery_form, first_problem, problem};

async fn dashboard(app: &TestApp, token: &str) -> Value {
    let r = app.get("/api/v1/dashboard", token).await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

#[tokio::test]
async fn supervisors_see_queues_operators_and_deadlines() {
    let app = TestApp::spawn().await;
    let first = app.open_ticket("buyer-1001", delivery_form()).await;
    app.clock.advance(SignedDuration::from_mins(5));
    let mut other = delivery_form();
    other["order_number"] = json!("MP-10005");
    other["description"] = json!("Курьер не позвонил, посылка так и не приехала.");
    app.open_ticket("buyer-1002", other).await;
    app.clock.advance(SignedDuration::from_mins(2));

    let operator = app.login("operator").await;
    let (status, body) = problem(app.get("/api/v1/dashboard", &operator).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["code"], "supervisor_only");
    let (status, _) = problem(app.get("/api/v1/dashboard", "nonsense").await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let supervisor = app.login("supervisor").await;
    let d = dashboard(&app, &supervisor).await;
    let queues = d["queues"].as_array().unwrap();
    assert_eq!(queues.len(), 1, "{queues:?}");
    assert_eq!(queues[0]["line"]["code"], "marketplace");
    assert_eq!(queues[0]["topic"]["code"], "delivery");
    assert_eq!(queues[0]["waiting"], 2);
    assert_eq!(queues[0]["live"], 0);
    assert_eq!(queues[0]["longest_wait_secs"], 7 * 60);
    let ops = d["operators"].as_array().unwrap();
    let me = ops
        .iter()
        .find(|o| o["name"].is_string() && o["role"] == "operator")
        .unwrap();
    assert_eq!(me["status"], "offline");
    assert_eq!(me["assigned"], 0);
    assert!(d["breached"].as_array().unwrap().is_empty());
    // The longest-waiting first, to hand out.
    assert_eq!(d["waiting"].as_array().unwrap().len(), 2);
    assert_eq!(d["waiting"][0]["number"], first["number"]);

    // The operator takes the first: the queue shrinks and their load shows.
    let number = first["number"].as_str().unwrap();
    let r = app
        .post(
            &format!("/api/v1/tickets/{number}/take"),
            &operator,
            json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let d = dashboard(&app, &supervisor).await;
    assert_eq!(d["queues"][0]["waiting"], 1);
    assert_eq!(d["queues"][0]["longest_wait_secs"], 2 * 60);
    let me = d["operators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["role"] == "operator" && o["assigned"] == 1);
    assert!(me.is_some(), "{}", d["operators"]);

    // A day later both deadlines (24 h standard) are breached.
    app.clock.advance(SignedDuration::from_hours(30));
    let supervisor = app.login("supervisor").await;
    let d = dashboard(&app, &supervisor).await;
    let breached: Vec<&str> = d["breached"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["number"].as_str().unwrap())
        .collect();
    assert_eq!(breached.len(), 2, "{breached:?}");
    assert!(breached.contains(&number));
}

#[tokio::test]
async fn each_supervisor_sees_only_the_lines_they_oversee() {
    let app = TestApp::spawn().await;
    let market = app.open_ticket("buyer-1001", delivery_form()).await;
    let bank_form = json!({"line": "bank_retail", "topic": "cards",
        "problem": first_problem("bank_retail", "cards"),
        "description": "Карта не работает", "reply_channel": "email"});
    let bank = app.open_ticket("bank-3001", bank_form).await;
    let admin = app.login("admin").await;
    let staff: Value = app.get("/api/v1/staff", &admin).await.json().await.unwrap();
    let id_of = |login: &str| {
        staff
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["login"] == login)
            .unwrap()["id"]
            .clone()
    };
    let (bank_op, market_op) = (id_of("bank-op"), id_of("operator"));
    let seen = |d: &Value| {
        let list = |key: &str, field: &str| -> Vec<Value> {
            d[key]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v[field].clone())
                .collect()
        };
        let lines: Vec<Value> = d["queues"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| q["line"]["code"].clone())
            .collect();
        (lines, list("waiting", "number"), list("operators", "id"))
    };

    // The demo supervisor holds no skill: every line without banking secrecy.
    let (lines, waiting, operators) = seen(&dashboard(&app, &app.login("supervisor").await).await);
    assert_eq!(lines, vec![json!("marketplace")]);
    assert_eq!(waiting, vec![market["number"].clone()]);
    assert!(
        operators.contains(&market_op) && !operators.contains(&bank_op),
        "{operators:?}"
    );

    // The admin sees the bank too.
    let (lines, waiting, operators) = seen(&dashboard(&app, &admin).await);
    assert!(lines.contains(&json!("bank_retail")), "{lines:?}");
    assert!(waiting.contains(&bank["number"]) && waiting.contains(&market["number"]));
    assert!(operators.contains(&bank_op) && operators.contains(&market_op));
}

#[tokio::test]
async fn the_pages_cookie_signs_in_but_changes_need_the_sites_own_header() {
    let app = TestApp::spawn().await;
    let t = app.open_ticket("buyer-1001", delivery_form()).await;
    let number = t["number"].as_str().unwrap();
    let supervisor = app.login("supervisor").await;
    let cookie = format!("theme=dark; sb_staff={supervisor}");
    let r = app
        .client
        .get(app.url("/api/v1/dashboard"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    let take = format!("/api/v1/tickets/{number}/take");
    // A cross-site form post carries the cookie but cannot add the header.
    let (status, body) = problem(
        app.client
            .post(app.url(&take))
            .header("cookie", &cookie)
            .json(&json!({}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["code"], "cross_site_request");
    // Nor does another origin get through with it.
    let (status, _) = problem(
        app.client
            .post(app.url(&take))
            .header("cookie", &cookie)
            .header("x-switchboard-csrf", "1")
            .header("origin", "https://evil.example")
            .json(&json!({}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let staff_view: Value = app
        .get(&format!("/api/v1/tickets/{number}"), &supervisor)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        staff_view["assignee_id"].is_null(),
        "a refused request changed nothing"
    );
    // The pages' own script sends the header from the same origin.
    let r = app
        .client
        .post(app.url(&take))
        .header("cookie", &cookie)
        .header("x-switchboard-csrf", "1")
        .header("origin", app.base.clone())
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_console_list_filters_by_order_and_channel_and_works_a_queue_oldest_first() {
    let app = TestApp::spawn().await;
    let first = app.open_ticket("buyer-1001", delivery_form()).await;
    app.clock.advance(SignedDuration::from_mins(1));
    let mut other = delivery_form();
    other["order_number"] = json!("MP-10005");
    other["description"] = json!("Курьер не позвонил, посылка так и не приехала.");
    let second = app.open_ticket("buyer-1002", other).await;
    let operator = app.login("operator").await;
    let numbers = |tickets: Value| -> Vec<String> {
        tickets
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["number"].as_str().unwrap().to_owned())
            .collect()
    };
    let list = |query: &'static str| {
        let app = &app;
        let operator = operator.clone();
        async move {
            let r = app
                .get(&format!("/api/v1/tickets?{query}"), &operator)
                .await;
            assert_eq!(r.status(), StatusCode::OK, "{query}");
            r.json::<Value>().await.unwrap()
        }
    };

    // An order number typed in lower case still finds its ticket.
    assert_eq!(
        numbers(list("order=mp-10005").await),
        [second["number"].as_str().unwrap()]
    );
    assert!(numbers(list("channel=chat").await).is_empty());
    assert_eq!(numbers(list("channel=form").await).len(), 2);
    // A queue is worked oldest first; newest first otherwise.
    assert_eq!(
        numbers(list("waiting=true").await),
        [
            first["number"].as_str().unwrap(),
            second["number"].as_str().unwrap()
        ]
    );
    assert_eq!(
        numbers(list("").await)[0],
        second["number"].as_str().unwrap()
    );

    for (query, field) in [
        ("order=%3Cscript%3E", "order"),
        ("channel=pigeon", "channel"),
    ] {
        let (status, body) = problem(
            app.get(&format!("/api/v1/tickets?{query}"), &operator)
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert_eq!(body["errors"][0]["field"], field, "{body}");
    }
    let (status, _) = problem(app.get("/api/v1/tickets?waiting=perhaps", &operator).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
