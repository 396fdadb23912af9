//! The staff pages' sign-in form goes through the API's sign-in (password,
//! second factor, lockout, audit) and keeps the session in the `sb_staff`
//! cookie; sign-out ends it, and only the site's own pages may sign out.

use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, ORIGIN, RETRY_AFTER, SET_COOKIE};
use serde_json::Value;

use crate::helpers::*;

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn submit(app: &TestApp, login: &str, password: &str, code: &str) -> reqwest::Response {
    browser()
        .post(app.url("/staff/sign-in"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "login={}&password={}&code={}&next=%2Fstaff%3Fq%3Dx",
            enc(login),
            enc(password),
            enc(code)
        ))
        .send()
        .await
        .unwrap()
}

fn enc(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The session token the answer's cookie carries, with its attributes.
fn session_cookie(r: &reqwest::Response) -> Option<(String, String)> {
    let v = r.headers().get(SET_COOKIE)?.to_str().ok()?.to_owned();
    let token = v.strip_prefix("sb_staff=")?.split(';').next()?.to_owned();
    Some((token, v))
}

async fn audit(app: &TestApp, operator: i64) -> Vec<(String, String)> {
    let admin = app.login("admin").await;
    let r = app
        .get(
            &format!("/api/v1/staff/audit?operator={operator}&limit=50"),
            &admin,
        )
        .await;
    let entries: Vec<Value> = r.json().await.unwrap();
    entries
        .iter()
        .rev()
        .map(|e| {
            (
                e["kind"].as_str().unwrap().into(),
                e["detail"].as_str().unwrap().into(),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_form_signs_in_through_the_api_sign_in_and_sign_out_ends_the_session() {
    let app = TestApp::spawn().await;
    // Unsigned, the console sends to the form and back.
    let r = browser().get(app.url("/staff")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()[LOCATION],
        "/staff/sign-in?reason=none&next=/staff"
    );

    let r = submit(&app, "operator", "guess", "").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(session_cookie(&r).is_none());
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Неверный логин или пароль")
    );

    let r = submit(&app, "operator", "operator-demo", "").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[LOCATION], "/staff?q=x");
    let (token, cookie) = session_cookie(&r).expect("the session cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let me: Value = app
        .get("/api/v1/auth/me", &token)
        .await
        .json()
        .await
        .unwrap();
    let page = browser()
        .get(app.url("/staff"))
        .header(COOKIE, format!("sb_staff={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(
        html.contains(me["name"].as_str().unwrap()),
        "the console names who is signed in"
    );

    // Another site cannot sign the operator out…
    let r = browser()
        .post(app.url("/staff/sign-out"))
        .header(COOKIE, format!("sb_staff={token}"))
        .header(ORIGIN, "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.get("/api/v1/auth/me", &token).await.status(),
        StatusCode::OK
    );
    // …the console's own form does, and the cookie is forgotten.
    let r = browser()
        .post(app.url("/staff/sign-out"))
        .header(COOKIE, format!("sb_staff={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (cleared, _) = session_cookie(&r).expect("the cookie is cleared");
    assert!(cleared.is_empty());
    assert_eq!(
        app.get("/api/v1/auth/me", &token).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let id = me["id"].as_i64().unwrap();
    let kinds = audit(&app, id).await;
    for expected in [
        ("sign_in_failed", "wrong_password"),
        ("signed_in", "password"),
        ("signed_out", ""),
    ] {
        assert!(
            kinds.contains(&(expected.0.into(), expected.1.into())),
            "{expected:?} in {kinds:?}"
        );
    }
}

#[tokio::test]
async fn the_form_asks_for_the_second_factor_and_locks_like_the_api() {
    let app = TestApp::spawn_with(with_second_factor).await;
    // An admin must enrol a second factor first: the form says so and
    // gives no session.
    let r = submit(&app, "admin", "admin-demo", "").await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(session_cookie(&r).is_none());
    assert!(r.text().await.unwrap().contains("второй фактор"));
    // Enrolled, the password alone is not enough.
    app.sign_in("admin", "admin-demo").await;
    let r = submit(&app, "admin", "admin-demo", "").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(session_cookie(&r).is_none());
    assert!(r.text().await.unwrap().contains("аутентификатора"));

    // Failures on the form count as on the API: the fifth locks.
    for _ in 0..5 {
        submit(&app, "supervisor", "guess", "").await;
    }
    let r = submit(&app, "supervisor", "supervisor-demo", "").await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.headers()[RETRY_AFTER], "60");
    assert!(session_cookie(&r).is_none());
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Слишком много неудачных попыток")
    );
}

/// The language a sign-in answer sets for the browser, if any.
fn lang_cookie(r: &reqwest::Response) -> Option<String> {
    r.headers().get_all(SET_COOKIE).iter().find_map(|v| {
        let v = v.to_str().ok()?;
        Some(v.strip_prefix("sb_lang=")?.split(';').next()?.to_owned())
    })
}

async fn console_html(app: &TestApp, cookies: &str) -> String {
    let page = browser()
        .get(app.url("/staff"))
        .header(COOKIE, cookies)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    page.text().await.unwrap()
}

#[tokio::test]
async fn a_language_chosen_on_a_staff_page_follows_the_account_to_another_browser() {
    let app = TestApp::spawn().await;
    let r = submit(&app, "operator", "operator-demo", "").await;
    let (token, _) = session_cookie(&r).expect("signed in");
    assert_eq!(
        lang_cookie(&r),
        None,
        "nothing chosen yet: the browser's choice stands"
    );
    assert!(
        console_html(&app, &format!("sb_staff={token}"))
            .await
            .contains("lang=\"ru\"")
    );

    // The operator switches the console to English…
    let page = browser()
        .get(app.url("/staff?lang=en"))
        .header(COOKIE, format!("sb_staff={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("lang=\"en\""));
    let me: Value = app
        .get("/api/v1/auth/me", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["language"], "en");

    // …and a sign-in from a fresh browser opens in English.
    let r = submit(&app, "operator", "operator-demo", "").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(lang_cookie(&r).as_deref(), Some("en"));
    let (other, _) = session_cookie(&r).expect("the session cookie comes first");
    assert!(
        console_html(&app, &format!("sb_staff={other}; sb_lang=en"))
            .await
            .contains("lang=\"en\"")
    );

    // Back to Russian from that browser: the account follows.
    browser()
        .get(app.url("/staff?lang=ru"))
        .header(COOKIE, format!("sb_staff={other}; sb_lang=en"))
        .send()
        .await
        .unwrap();
    let me: Value = app
        .get("/api/v1/auth/me", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["language"], "ru");
    let r = submit(&app, "operator", "operator-demo", "").await;
    assert_eq!(lang_cookie(&r).as_deref(), Some("ru"));
}
