//! The configuration an admin edits while the service runs (issue 12):
//! checked by the domain loaders, versioned, audited, rolled back, and live
//! at once without a restart.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

/// The demo catalog with a new marketplace topic, "Подарочные карты", whose
/// requests need the `gifts` skill.
pub fn with_gift_cards(catalog: &str) -> String {
    let anchor = "[[line.topic]]\ncode = \"ordering\"";
    assert!(catalog.contains(anchor), "the demo catalog's first topic");
    catalog.replacen(
        anchor,
        &format!(
            "[[line.topic]]\ncode = \"gift_cards\"\n\
             name = {{ ru = \"Подарочные карты\", en = \"Gift cards\" }}\n\
             skill = \"gifts\"\n\n\
             [[line.topic.problem]]\ncode = \"not_activated\"\n\
             name = {{ ru = \"Карта не активирована\", en = \"The card is not activated\" }}\n\n{anchor}"
        ),
        1,
    )
}

async fn current(app: &TestApp, admin: &str, doc: &str) -> Value {
    let r = app.get(&format!("/api/v1/admin/config/{doc}"), admin).await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

async fn topics(app: &TestApp, line: &str) -> Vec<String> {
    let lines: Vec<Value> = app
        .client
        .get(app.url("/api/v1/catalog"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let line = lines.iter().find(|l| l["code"] == line).expect("the line");
    line["topics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["code"].as_str().unwrap().to_owned())
        .collect()
}

async fn config_audit(app: &TestApp, admin: &str) -> Vec<String> {
    let entries: Vec<Value> = app
        .get("/api/v1/staff/audit?limit=200", admin)
        .await
        .json()
        .await
        .unwrap();
    entries
        .iter()
        .filter(|e| e["kind"] == "config_changed")
        .map(|e| e["detail"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_profile_is_version_one_and_only_admins_see_or_change_it() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let overview: Value = app
        .get("/api/v1/admin/config", &admin)
        .await
        .json()
        .await
        .unwrap();
    let docs: Vec<_> = overview["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["doc"].as_str().unwrap(),
                d["version"].as_i64().unwrap(),
                d["author"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        docs,
        vec![
            ("calendars", 1, "profile"),
            ("catalog", 1, "profile"),
            ("priority", 1, "profile"),
            ("sla", 1, "profile")
        ]
    );
    assert_eq!(overview["live_revision"], 1);
    let catalog = current(&app, &admin, "catalog").await;
    assert_eq!(catalog["body"], switchboard_server::demo::DEMO_CATALOG);

    let supervisor = app.login("supervisor").await;
    let r = app.get("/api/v1/admin/config", &supervisor).await;
    assert_eq!(problem(r).await.0, StatusCode::FORBIDDEN);
    let r = app
        .put(
            "/api/v1/admin/config/catalog",
            &supervisor,
            json!({"base_version": 1, "body": with_gift_cards(switchboard_server::demo::DEMO_CATALOG)}),
        )
        .await;
    assert_eq!(problem(r).await.0, StatusCode::FORBIDDEN);
    let r = app
        .client
        .get(app.url("/api/v1/admin/config"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    for path in [
        "/api/v1/admin/config/nothing",
        "/api/v1/admin/config/catalog/versions/abc",
        "/api/v1/admin/config/catalog/versions/0",
        "/api/v1/admin/config/catalog/versions/99",
        "/api/v1/admin/config/phone/versions",
    ] {
        let r = app.get(path, &admin).await;
        assert_eq!(problem(r).await.0, StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn a_bad_edit_is_refused_with_the_field_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let demo = switchboard_server::demo::DEMO_CATALOG;
    let cases = [
        ("catalog", "[[line]]\ncode = ".to_owned(), "catalog"),
        // A duplicate topic code.
        (
            "catalog",
            demo.replacen("code = \"ordering\"", "code = \"delivery\"", 1),
            "catalog",
        ),
        // A priority rule about a topic the catalog does not have.
        (
            "priority",
            format!(
                "{}\n[[rule]]\ncode = \"gifts\"\npriority = \"high\"\nwhen = {{ topic = [\"marketplace/gift_cards\"] }}\n",
                switchboard_core::rules::DEMO_PRIORITY
            ),
            "priority",
        ),
        ("calendars", "nonsense = [".to_owned(), "calendars"),
    ];
    for (doc, body, named) in cases {
        let r = app
            .put(
                &format!("/api/v1/admin/config/{doc}"),
                &admin,
                json!({"base_version": 1, "body": body, "comment": "bad"}),
            )
            .await;
        let (status, p) = problem(r).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{doc}: {p}");
        assert_eq!(
            field_codes(&p),
            vec![("body".to_owned(), "invalid_config".to_owned())]
        );
        let message = p["errors"][0]["message"].as_str().unwrap().to_owned();
        assert!(message.contains(&format!("({named})")), "{message}");
    }
    // Unchanged text, an oversized comment, a body that is not text.
    let r = app
        .put(
            "/api/v1/admin/config/catalog",
            &admin,
            json!({"base_version": 1, "body": demo}),
        )
        .await;
    assert_eq!(
        field_codes(&problem(r).await.1),
        vec![("body".into(), "unchanged".into())]
    );
    let r = app
        .put(
            "/api/v1/admin/config/catalog",
            &admin,
            json!({"base_version": 1, "body": with_gift_cards(demo), "comment": "я".repeat(501)}),
        )
        .await;
    assert_eq!(
        field_codes(&problem(r).await.1),
        vec![("comment".into(), "too_long".into())]
    );
    let r = app
        .put(
            "/api/v1/admin/config/catalog",
            &admin,
            json!({"base_version": 1, "body": 5}),
        )
        .await;
    assert_eq!(problem(r).await.0, StatusCode::BAD_REQUEST);

    // Nothing was saved, audited or made live.
    let versions: Vec<Value> = app
        .get("/api/v1/admin/config/catalog/versions", &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(versions.len(), 1);
    assert_eq!(config_audit(&app, &admin).await, Vec::<String>::new());
    assert!(
        !topics(&app, "marketplace")
            .await
            .contains(&"gift_cards".to_owned())
    );
}

#[tokio::test]
async fn an_edit_is_live_at_once_versioned_audited_and_rolled_back() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let demo = switchboard_server::demo::DEMO_CATALOG;
    let r = app
        .put(
            "/api/v1/admin/config/catalog",
            &admin,
            json!({"base_version": 1, "body": with_gift_cards(demo), "comment": "подарочные карты"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let saved: Value = r.json().await.unwrap();
    assert_eq!(
        (saved["version"].as_i64(), saved["author"].as_str()),
        (Some(2), Some("admin"))
    );
    assert_eq!(saved["comment"], "подарочные карты");
    // Live without a restart: the form offers it, and a request on it opens.
    assert_eq!(topics(&app, "marketplace").await[0], "gift_cards");
    let opened = app
        .open_ticket(
            "buyer-1001",
            json!({
                "line": "marketplace", "topic": "gift_cards", "problem": "not_activated",
                "description": "Подарочная карта не активируется", "reply_channel": "email"
            }),
        )
        .await;
    assert_eq!(opened["topic"]["code"], "gift_cards");

    // An edit made from version 1 now would overwrite version 2: refused.
    let r = app
        .put(
            "/api/v1/admin/config/catalog",
            &admin,
            json!({"base_version": 1, "body": demo.replacen("Оформление заказа", "Заказ", 1)}),
        )
        .await;
    let (status, p) = problem(r).await;
    assert_eq!(
        (status, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("config_changed"))
    );

    // A priority rule on the new topic is accepted now; the catalog can then
    // no longer lose the topic, since the rules refer to it.
    let priority = format!(
        "{}\n[[rule]]\ncode = \"gifts\"\npriority = \"high\"\nwhen = {{ topic = [\"marketplace/gift_cards\"] }}\n",
        switchboard_core::rules::DEMO_PRIORITY
    );
    let r = app
        .put(
            "/api/v1/admin/config/priority",
            &admin,
            json!({"base_version": 1, "body": priority}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = app
        .post(
            "/api/v1/admin/config/catalog/versions/1/rollback",
            &admin,
            json!({"base_version": 2, "comment": "назад"}),
        )
        .await;
    let (status, p) = problem(r).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("(priority)"),
        "{p}"
    );

    let r = app
        .post(
            "/api/v1/admin/config/priority/versions/1/rollback",
            &admin,
            json!({"base_version": 2}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = app
        .post(
            "/api/v1/admin/config/catalog/versions/1/rollback",
            &admin,
            json!({"base_version": 2, "comment": "назад"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let back: Value = r.json().await.unwrap();
    assert_eq!(back["version"], 3);
    assert_eq!(back["body"], demo);
    assert!(
        !topics(&app, "marketplace")
            .await
            .contains(&"gift_cards".to_owned())
    );

    // Every version is kept and readable; the history is newest first.
    let versions: Vec<Value> = app
        .get("/api/v1/admin/config/catalog/versions", &admin)
        .await
        .json()
        .await
        .unwrap();
    let listed: Vec<_> = versions
        .iter()
        .map(|v| {
            (
                v["version"].as_i64().unwrap(),
                v["author"].as_str().unwrap(),
                v["comment"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        vec![
            (3, "admin", "назад"),
            (2, "admin", "подарочные карты"),
            (1, "profile", "profile")
        ]
    );
    let v2: Value = app
        .get("/api/v1/admin/config/catalog/versions/2", &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v2["body"], with_gift_cards(demo));
    // The ticket opened on the removed topic is still readable by staff.
    let number = opened["number"].as_str().unwrap();
    let r = app.get(&format!("/api/v1/tickets/{number}"), &admin).await;
    assert_eq!(r.status(), StatusCode::OK);

    assert_eq!(
        config_audit(&app, &admin).await,
        vec![
            "catalog v3 (rollback to v1)",
            "priority v3 (rollback to v1)",
            "priority v2",
            "catalog v2"
        ]
    );
    let overview: Value = app
        .get("/api/v1/admin/config", &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(overview["live_revision"], 5);
}

#[tokio::test]
async fn the_forms_add_a_topic_and_a_holiday_as_new_versions() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let operator = app.login("operator").await;
    let catalog = current(&app, &admin, "catalog").await;
    let base = catalog["version"].as_i64().unwrap();
    let topic = |code: &str| {
        json!({
            "base_version": base, "comment": "from the form", "line": "sellers", "code": code,
            "name": { "ru": "Подарочные карты", "en": "Gift cards" }, "skill": "gifts",
            "sla": "standard", "urgent_allowed": true,
            "problems": [ { "code": "not_activated", "name": { "ru": "Не активирована", "en": "" } } ],
        })
    };
    let r = app
        .post(
            "/api/v1/admin/config/catalog/topics",
            &operator,
            topic("gift_cards"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // What the catalog's loader refuses is refused, and nothing is saved.
    let r = app
        .post(
            "/api/v1/admin/config/catalog/topics",
            &admin,
            topic("Gift Cards!"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let mut unknown = topic("gift_cards");
    unknown["line"] = json!("nowhere");
    let r = app
        .post("/api/v1/admin/config/catalog/topics", &admin, unknown)
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = r.json().await.unwrap();
    assert!(problem.to_string().contains("line"), "{problem}");
    assert_eq!(current(&app, &admin, "catalog").await["version"], base);

    let r = app
        .post(
            "/api/v1/admin/config/catalog/topics",
            &admin,
            topic("gift_cards"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let saved: Value = r.json().await.unwrap();
    assert_eq!(saved["version"].as_i64(), Some(base + 1));
    assert_eq!(saved["comment"], "from the form");
    // Live at once, last in its line, and the text keeps the profile's comments.
    assert_eq!(
        topics(&app, "sellers").await.last().map(String::as_str),
        Some("gift_cards")
    );
    let body = saved["body"].as_str().unwrap();
    assert!(
        body.contains("# ── sellers / orders_shipments"),
        "comments kept"
    );
    // The form was filled from a version that is no longer the newest.
    let r = app
        .post(
            "/api/v1/admin/config/catalog/topics",
            &admin,
            topic("gift_cards_2"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let mut again = topic("gift_cards");
    again["base_version"] = json!(base + 1);
    let r = app
        .post("/api/v1/admin/config/catalog/topics", &admin, again)
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "the code is taken"
    );

    let calendars = current(&app, &admin, "calendars").await;
    let base = calendars["version"].as_i64().unwrap();
    let holiday = |date: &str| json!({ "base_version": base, "set": "ru", "date": date });
    for bad in ["31.12.2026", "2026-02-30", ""] {
        let r = app
            .post(
                "/api/v1/admin/config/calendars/holidays",
                &admin,
                holiday(bad),
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    let r = app
        .post(
            "/api/v1/admin/config/calendars/holidays",
            &admin,
            holiday("2026-01-01"),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "already a holiday"
    );
    let r = app
        .post(
            "/api/v1/admin/config/calendars/holidays",
            &admin,
            holiday("2026-12-30"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let saved: Value = r.json().await.unwrap();
    assert_eq!(saved["version"].as_i64(), Some(base + 1));
    assert!(saved["body"].as_str().unwrap().contains("2026-12-30"));
    assert_eq!(
        saved["comment"], "+ holiday ru 2026-12-30",
        "what the form did, when no comment"
    );
    assert!(config_audit(&app, &admin).await.len() >= 2);
}

#[tokio::test]
async fn a_policy_form_sets_its_targets_and_the_loader_judges_them() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let base = current(&app, &admin, "sla").await["version"]
        .as_i64()
        .unwrap();
    let put = |code: &str, body: Value| {
        let app = &app;
        let admin = admin.clone();
        let path = format!("/api/v1/admin/config/sla/policies/{code}");
        async move { app.put(&path, &admin, body).await }
    };
    let targets = json!({ "base_version": base, "first_response": "5m", "next_response": "5m", "resolution": "24h" });
    assert_eq!(
        put("nobody", targets.clone()).await.status(),
        StatusCode::NOT_FOUND
    );
    let bad = json!({ "base_version": base, "first_response": "soon" });
    assert_eq!(
        put("chat", bad).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "not an amount"
    );
    let bad = json!({ "base_version": base, "first_response": "5m", "at_risk": 1.5 });
    assert_eq!(
        put("chat", bad).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        current(&app, &admin, "sla").await["version"],
        base,
        "nothing saved"
    );

    let r = put("chat", targets).await;
    assert_eq!(r.status(), StatusCode::OK);
    let saved: Value = r.json().await.unwrap();
    assert_eq!(saved["version"].as_i64(), Some(base + 1));
    assert_eq!(saved["comment"], "targets of chat");
    let body = saved["body"].as_str().unwrap();
    let chat = &body[body.find("code = \"chat\"").unwrap()..];
    let chat = &chat[..chat.find("[[policy]]").unwrap_or(chat.len())];
    assert!(chat.contains("first_response = \"5m\""), "{chat}");
    assert!(body.contains("# Chat, everyone else"), "comments kept");
    // Live on this node when answered.
    let overview: Value = app
        .get("/api/v1/admin/config", &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(overview["live_revision"], saved["revision"]);
}

#[tokio::test]
async fn a_rule_form_sets_the_priority_a_rule_gives_and_the_default() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let base = current(&app, &admin, "priority").await["version"]
        .as_i64()
        .unwrap();
    let path = |code: &str| format!("/api/v1/admin/config/priority/rules/{code}");
    let body = |priority: &str, base: i64| json!({ "base_version": base, "priority": priority });
    let r = app.put(&path("nobody"), &admin, body("high", base)).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = app
        .put(&path("premium_seller"), &admin, body("soonish", base))
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "not a priority"
    );
    assert_eq!(current(&app, &admin, "priority").await["version"], base);

    let r = app
        .put(&path("premium_seller"), &admin, body("urgent", base))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let saved: Value = r.json().await.unwrap();
    let text = saved["body"].as_str().unwrap();
    let rule = &text[text.find("code = \"premium_seller\"").unwrap()..];
    assert!(rule[..rule.find("[[rule]]").unwrap()].contains("priority = \"urgent\""));
    let r = app
        .put(&path("default"), &admin, body("low", base + 1))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let saved: Value = r.json().await.unwrap();
    assert!(
        saved["body"]
            .as_str()
            .unwrap()
            .contains("default = \"low\"")
    );
    assert_eq!(saved["comment"], "default: low");
}
