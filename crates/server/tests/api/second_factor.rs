//! The TOTP second factor as staff meet it: required for admins and
//! bank-line staff, enrolled through the API, codes computed from the shared
//! secret the way an authenticator app does (RFC 6238, written here
//! independently of the server's implementation), good once; recovery codes.

use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use serde_json::{Value, json};
use switchboard_server::clock::Clock;
use switchboard_server::config::SecondFactorConfig;

use crate::helpers::*;

fn base32_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let (mut bits, mut value, mut out) = (0u32, 0u64, Vec::new());
    for c in text.trim_end_matches('=').bytes() {
        let v = ALPHABET.iter().position(|&a| a == c).expect("base32") as u64;
        value = (value << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((value >> bits) as u8);
        }
    }
    out
}

/// What an authenticator app shows for `secret` at unix time `secs`.
fn app_code(secret: &str, secs: i64) -> String {
    let key = base32_decode(secret);
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(&key).unwrap();
    mac.update(&((secs / 30) as u64).to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = (digest[19] & 0x0f) as usize;
    let number = u32::from_be_bytes(digest[offset..offset + 4].try_into().unwrap()) & 0x7fff_ffff;
    format!("{:06}", number % 1_000_000)
}

async fn sign_in(app: &TestApp, login: &str, code: Option<&str>) -> reqwest::Response {
    let mut body = json!({"login": login, "password": format!("{login}-demo")});
    if let Some(code) = code {
        body["code"] = json!(code);
    }
    app.client
        .post(app.url("/api/v1/auth/login"))
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn session(r: reqwest::Response) -> (String, bool) {
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    (
        v["token"].as_str().unwrap().to_owned(),
        v["second_factor_enrolment_required"].as_bool().unwrap(),
    )
}

async fn code_of(r: reqwest::Response) -> (StatusCode, String) {
    let (status, body) = problem(r).await;
    (status, body["code"].as_str().unwrap().to_owned())
}

async fn enrol(app: &TestApp, token: &str) -> (String, Value) {
    let r = app.post("/api/v1/auth/totp", token, json!({})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let e: Value = r.json().await.unwrap();
    let secret = e["secret"].as_str().unwrap().to_owned();
    assert!(
        e["otpauth_uri"]
            .as_str()
            .unwrap()
            .contains(&format!("secret={secret}"))
    );
    let code = app_code(&secret, app.clock.now().as_second());
    let r = app
        .post("/api/v1/auth/totp/confirm", token, json!({"code": code}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    (secret, r.json().await.unwrap())
}

fn with_second_factor(s: &mut Setup) {
    s.config.staff.second_factor = SecondFactorConfig::default();
}

#[tokio::test]
async fn an_admin_must_enrol_then_signs_in_with_a_code_that_works_once() {
    let app = TestApp::spawn_with(with_second_factor).await;
    let (restricted, required) = session(sign_in(&app, "admin", None).await).await;
    assert!(required);
    assert_eq!(
        code_of(app.get("/api/v1/tickets", &restricted).await).await,
        (
            StatusCode::FORBIDDEN,
            "second_factor_enrolment_required".into()
        )
    );
    let status: Value = app
        .get("/api/v1/auth/totp", &restricted)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        status,
        json!({"enabled": false, "required": true, "recovery_codes_left": 0})
    );

    // A wrong first code confirms nothing.
    app.post("/api/v1/auth/totp", &restricted, json!({})).await;
    let (status, body) = problem(
        app.post(
            "/api/v1/auth/totp/confirm",
            &restricted,
            json!({"code": "000000"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_codes(&body),
        vec![("code".into(), "wrong_code".into())]
    );

    let (secret, confirmed) = enrol(&app, &restricted).await;
    assert_eq!(confirmed["sign_in_again"], true);
    assert_eq!(confirmed["recovery_codes"].as_array().unwrap().len(), 10);
    assert_eq!(
        app.get("/api/v1/auth/me", &restricted).await.status(),
        StatusCode::UNAUTHORIZED
    );

    assert_eq!(
        code_of(sign_in(&app, "admin", None).await).await,
        (StatusCode::UNAUTHORIZED, "second_factor_required".into())
    );
    // The code used to confirm is spent; so is any code of that 30 s step.
    let now = app.clock.now().as_second();
    assert_eq!(
        code_of(sign_in(&app, "admin", Some(&app_code(&secret, now))).await).await,
        (StatusCode::UNAUTHORIZED, "invalid_credentials".into())
    );
    app.clock.advance(jiff::SignedDuration::from_secs(30));
    let code = app_code(&secret, now + 30);
    let (admin, required) = session(sign_in(&app, "admin", Some(&code)).await).await;
    assert!(!required);
    assert_eq!(
        app.get("/api/v1/tickets", &admin).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        code_of(sign_in(&app, "admin", Some(&code)).await).await,
        (StatusCode::UNAUTHORIZED, "invalid_credentials".into()),
        "the same code again"
    );
    // A code two steps old is refused; one step of skew is allowed.
    app.clock.advance(jiff::SignedDuration::from_secs(90));
    let now = app.clock.now().as_second();
    assert_eq!(
        sign_in(&app, "admin", Some(&app_code(&secret, now - 60)))
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        sign_in(&app, "admin", Some(&app_code(&secret, now - 30)))
            .await
            .status(),
        StatusCode::OK
    );

    // Recovery codes: each works once, however it is typed.
    let recovery = confirmed["recovery_codes"][3].as_str().unwrap().to_owned();
    let typed = recovery.to_uppercase().replace('-', " ");
    session(sign_in(&app, "admin", Some(&typed)).await).await;
    assert_eq!(
        sign_in(&app, "admin", Some(&recovery)).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let status: Value = app
        .get("/api/v1/auth/totp", &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        status,
        json!({"enabled": true, "required": true, "recovery_codes_left": 9})
    );
    assert_eq!(
        app.post("/api/v1/auth/totp", &admin, json!({}))
            .await
            .status(),
        StatusCode::CONFLICT,
        "enrolled already"
    );

    let audit: Vec<Value> = app
        .get("/api/v1/staff/audit", &admin)
        .await
        .json()
        .await
        .unwrap();
    let mine: Vec<(&str, &str)> = audit
        .iter()
        .rev()
        .filter(|e| e["login"] == "admin")
        .map(|e| (e["kind"].as_str().unwrap(), e["detail"].as_str().unwrap()))
        .collect();
    assert_eq!(
        mine,
        [
            ("signed_in", "enrolment_only"),
            ("second_factor_enrolled", "sessions=1"),
            ("sign_in_failed", "second_factor_missing"),
            ("sign_in_failed", "wrong_code"),
            ("signed_in", "password+totp"),
            ("sign_in_failed", "wrong_code"),
            ("sign_in_failed", "wrong_code"),
            ("signed_in", "password+totp"),
            ("recovery_code_used", ""),
            ("signed_in", "password+recovery_code"),
            ("sign_in_failed", "wrong_code"),
        ]
    );
}

#[tokio::test]
async fn bank_staff_must_enrol_others_may_and_admins_reset_a_lost_device() {
    let app = TestApp::spawn_with(|s| {
        with_second_factor(s);
        s.config.staff.second_factor.required_for_admins = false;
    })
    .await;
    let (_, required) = session(sign_in(&app, "bank-op", None).await).await;
    assert!(required, "bank lines need a second factor");
    let (_, required) = session(sign_in(&app, "fraud-op", None).await).await;
    assert!(required);
    let (admin, required) = session(sign_in(&app, "admin", None).await).await;
    assert!(!required, "configured off for admins here");
    let (op, required) = session(sign_in(&app, "operator", None).await).await;
    assert!(!required);

    // Enrolling from a full session keeps it and ends the others.
    let (other, _) = session(sign_in(&app, "operator", None).await).await;
    let (secret, confirmed) = enrol(&app, &op).await;
    assert_eq!(confirmed["sign_in_again"], false);
    assert_eq!(
        app.get("/api/v1/tickets", &op).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.get("/api/v1/auth/me", &other).await.status(),
        StatusCode::UNAUTHORIZED
    );
    app.clock.advance(jiff::SignedDuration::from_secs(30));
    let code = app_code(&secret, app.clock.now().as_second());
    session(sign_in(&app, "operator", Some(&code)).await).await;

    let op_id = app
        .get("/api/v1/auth/me", &op)
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let reset = format!("/api/v1/staff/{op_id}/totp/reset");
    assert_eq!(
        app.post(&reset, &op, json!({})).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.post(&reset, &admin, json!({})).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.get("/api/v1/auth/me", &op).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let (_, required) = session(sign_in(&app, "operator", None).await).await;
    assert!(!required, "the factor is gone; password only again");
}
