//! Staff sign-in under attack: lockout and backoff per account and per
//! address, password rules, sign-out everywhere, admins' account changes,
//! and the audit of all of it, as a client sees them.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

async fn try_login(
    app: &TestApp,
    login: &str,
    password: &str,
    from: Option<&str>,
) -> reqwest::Response {
    let mut r = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"login": login, "password": password}));
    if let Some(address) = from {
        r = r.header("x-forwarded-for", address);
    }
    r.send().await.unwrap()
}

async fn code_of(r: reqwest::Response) -> (StatusCode, String) {
    let (status, body) = problem(r).await;
    (status, body["code"].as_str().unwrap_or_default().to_owned())
}

/// The audit's entries for one account, oldest first, as (kind, detail).
async fn audit_of(app: &TestApp, admin: &str, operator: i64) -> Vec<(String, String)> {
    let r = app
        .get(
            &format!("/api/v1/staff/audit?operator={operator}&limit=200"),
            admin,
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let entries: Vec<Value> = r.json().await.unwrap();
    entries
        .iter()
        .rev()
        .map(|e| {
            assert_eq!(e["operator"], operator);
            (
                e["kind"].as_str().unwrap().to_owned(),
                e["detail"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn me(app: &TestApp, token: &str) -> Value {
    let r = app.get("/api/v1/auth/me", token).await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[tokio::test]
async fn failed_sign_ins_lock_the_account_with_growing_backoff_and_are_audited() {
    let app = TestApp::spawn().await;
    let operator_id = me(&app, &app.login("operator").await).await["id"]
        .as_i64()
        .unwrap();
    for _ in 0..4 {
        assert_eq!(
            code_of(try_login(&app, "operator", "guess", None).await).await,
            (StatusCode::UNAUTHORIZED, "invalid_credentials".into())
        );
    }
    // The fifth failure locks the account for a minute, whatever comes next.
    try_login(&app, "operator", "guess", None).await;
    let r = try_login(&app, "operator", "operator-demo", None).await;
    assert_eq!(r.headers()["retry-after"], "60");
    assert_eq!(
        code_of(r).await,
        (StatusCode::TOO_MANY_REQUESTS, "sign_in_locked".into())
    );
    // After it, one more failure locks for twice as long.
    app.clock.advance(jiff::SignedDuration::from_secs(61));
    try_login(&app, "operator", "guess", None).await;
    let r = try_login(&app, "operator", "operator-demo", None).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.headers()["retry-after"], "120");
    app.clock.advance(jiff::SignedDuration::from_secs(121));
    app.login("operator").await;
    // A good sign-in forgets the failures: four more do not lock.
    for _ in 0..4 {
        try_login(&app, "operator", "guess", None).await;
    }
    app.login("operator").await;

    let admin = app.login("admin").await;
    let failed = ("sign_in_failed", "wrong_password");
    let mut expected = pairs(&[("signed_in", "password")]);
    expected.extend(pairs(&[failed; 5]));
    expected.extend(pairs(&[("locked_out", "account"), ("sign_in_locked", "")]));
    expected.extend(pairs(&[
        failed,
        ("locked_out", "account"),
        ("sign_in_locked", ""),
    ]));
    expected.extend(pairs(&[("signed_in", "password")]));
    expected.extend(pairs(&[failed; 4]));
    expected.extend(pairs(&[("signed_in", "password")]));
    // The refused sign-ins while locked name no account (nothing was checked).
    let without_locked: Vec<_> = expected
        .iter()
        .filter(|(k, _)| k != "sign_in_locked")
        .cloned()
        .collect();
    assert_eq!(audit_of(&app, &admin, operator_id).await, without_locked);
    let everything: Vec<Value> = app
        .get("/api/v1/staff/audit?limit=200", &admin)
        .await
        .json()
        .await
        .unwrap();
    let refused = everything
        .iter()
        .filter(|e| e["kind"] == "sign_in_locked" && e["login"] == "operator")
        .count();
    assert_eq!(refused, 2);
    assert!(everything.iter().all(|e| e["address"] == "127.0.0.1"));

    let op = app.login("operator").await;
    assert_eq!(
        code_of(app.get("/api/v1/staff/audit", &op).await).await,
        (StatusCode::FORBIDDEN, "admin_only".into())
    );
}

#[tokio::test]
async fn one_address_guessing_many_logins_is_locked_and_others_are_not() {
    let app = TestApp::spawn_with(|s| s.config.server.trust_forwarded_for = true).await;
    let attacker = Some("203.0.113.9");
    for i in 0..20 {
        let r = try_login(&app, &format!("guess-{i}"), "password", attacker).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let r = try_login(&app, "operator", "operator-demo", attacker).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let r = try_login(&app, "operator", "operator-demo", Some("198.51.100.4")).await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "the account itself is not locked"
    );

    let admin = app.login("admin").await;
    let entries: Vec<Value> = app
        .get("/api/v1/staff/audit?limit=200", &admin)
        .await
        .json()
        .await
        .unwrap();
    let unknown = entries
        .iter()
        .filter(|e| e["detail"] == "unknown_login" && e["address"] == "203.0.113.9")
        .count();
    assert_eq!(unknown, 20);
    assert!(entries.iter().any(|e| e["kind"] == "locked_out"
        && e["detail"] == "address"
        && e["login"] == "guess-19"));
    assert!(
        entries
            .iter()
            .filter(|e| e["kind"] != "signed_in")
            .all(|e| e["operator"].is_null())
    );
}

#[tokio::test]
async fn passwords_follow_the_rules_and_changing_one_ends_the_other_sessions() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    for (password, code) in [
        ("short-1", "password_too_short"),
        ("my night-op password", "password_contains_login"),
        ("Password123!!", "password_guessable"),
        ("1234567890ab", "password_guessable"),
    ] {
        let (status, body) = problem(
            app.post(
                "/api/v1/staff",
                &admin,
                json!({"login": "night-op", "name": "Ночной", "role": "operator", "password": password}),
            )
            .await,
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            field_codes(&body),
            vec![("password".into(), code.into())],
            "{password}"
        );
    }
    let r = app
        .post(
            "/api/v1/staff",
            &admin,
            json!({"login": "night-op", "name": "Ночной", "role": "operator",
                   "password": "long quiet night", "skills": ["marketplace"]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let night_id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();

    let desk = app.login_as("night-op", "long quiet night").await;
    let laptop = app.login_as("night-op", "long quiet night").await;
    let change =
        |current: &str, new: &str| json!({"current_password": current, "new_password": new});
    let (status, body) = problem(
        app.post(
            "/api/v1/auth/password",
            &desk,
            change("wrong", "a better passphrase"),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_codes(&body),
        vec![("current_password".into(), "wrong_password".into())]
    );
    let (_, body) = problem(
        app.post(
            "/api/v1/auth/password",
            &desk,
            change("long quiet night", "qwerty"),
        )
        .await,
    )
    .await;
    assert_eq!(
        field_codes(&body),
        vec![("new_password".into(), "password_too_short".into())]
    );
    let r = app
        .post(
            "/api/v1/auth/password",
            &desk,
            change("long quiet night", "a better passphrase"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.get("/api/v1/auth/me", &desk).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        code_of(app.get("/api/v1/auth/me", &laptop).await).await,
        (StatusCode::UNAUTHORIZED, "session_invalid".into())
    );
    assert_eq!(
        try_login(&app, "night-op", "long quiet night", None)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );

    // Sign out everywhere ends this session too.
    let laptop = app.login_as("night-op", "a better passphrase").await;
    let r = app
        .post("/api/v1/auth/logout-all", &laptop, json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    for token in [&desk, &laptop] {
        assert_eq!(
            app.get("/api/v1/auth/me", token).await.status(),
            StatusCode::UNAUTHORIZED
        );
    }

    let audit = audit_of(&app, &admin, night_id).await;
    let kinds: Vec<&str> = audit.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "account_created",
            "signed_in",
            "signed_in",
            "sign_in_failed",
            "password_changed",
            "sign_in_failed",
            "signed_in",
            "signed_out_everywhere"
        ]
    );
    assert_eq!(audit[4].1, "other_sessions_ended=1");
    assert_eq!(audit[7].1, "sessions=2");
}

#[tokio::test]
async fn admins_reset_passwords_deactivate_and_end_sessions_and_are_named_in_the_audit() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let admin_id = me(&app, &admin).await["id"].as_i64().unwrap();
    let op = app.login("operator").await;
    let op_id = me(&app, &op).await["id"].as_i64().unwrap();
    let path = |what: &str| format!("/api/v1/staff/{op_id}/{what}");

    // Not for operators, nor on accounts that do not exist.
    let r = app
        .put(
            &path("password"),
            &op,
            json!({"password": "someone else's now"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    for missing in [
        "/api/v1/staff/99999/sessions/revoke",
        "/api/v1/staff/x/sessions/revoke",
    ] {
        assert_eq!(
            app.post(missing, &admin, json!({})).await.status(),
            StatusCode::NOT_FOUND
        );
    }

    assert_eq!(
        app.post(&path("sessions/revoke"), &admin, json!({}))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.get("/api/v1/auth/me", &op).await.status(),
        StatusCode::UNAUTHORIZED
    );

    let op = app.login("operator").await;
    let r = app
        .put(&path("password"), &admin, json!({"password": "operator"}))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .put(
            &path("password"),
            &admin,
            json!({"password": "given by the admin"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.get("/api/v1/auth/me", &op).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let op = app.login_as("operator", "given by the admin").await;

    let r = app
        .put(&path("active"), &admin, json!({"active": false}))
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.get("/api/v1/auth/me", &op).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        code_of(try_login(&app, "operator", "given by the admin", None).await).await,
        (StatusCode::UNAUTHORIZED, "invalid_credentials".into())
    );
    let r = app
        .put(
            &format!("/api/v1/staff/{admin_id}/active"),
            &admin,
            json!({"active": false}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "not oneself");
    let r = app
        .put(&path("active"), &admin, json!({"active": true}))
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    app.login_as("operator", "given by the admin").await;

    let entries: Vec<Value> = app
        .get(&format!("/api/v1/staff/audit?operator={op_id}"), &admin)
        .await
        .json()
        .await
        .unwrap();
    let by_admin: Vec<(&str, &str)> = entries
        .iter()
        .rev()
        .filter(|e| e["actor"] == admin_id)
        .map(|e| (e["kind"].as_str().unwrap(), e["detail"].as_str().unwrap()))
        .collect();
    assert_eq!(
        by_admin,
        [
            ("sessions_revoked", "sessions=1"),
            ("password_reset", "sessions=1"),
            ("account_deactivated", "sessions=1"),
            ("account_activated", "")
        ]
    );
    assert!(
        entries
            .iter()
            .any(|e| e["kind"] == "sign_in_failed" && e["detail"] == "inactive")
    );
}
