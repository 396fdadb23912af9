//! The supervisor dashboard's page and charts (issue 12): the page and its
//! live fragment for supervisors only, what anyone typed escaped, the charts
//! as SVG drawn from the store's figures, with those figures in words.

use jiff::SignedDuration;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, COOKIE};
use serde_json::json;

use crate::helpers::{TestApp, delivery_form, problem};

async fn page(app: &TestApp, path: &str, token: &str) -> (StatusCode, String) {
    let r = app
        .client
        .get(app.url(path))
        .header(COOKIE, format!("sb_staff={token}"))
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

#[tokio::test]
async fn supervisors_see_the_dashboard_page_with_escaped_text_and_charts_in_words() {
    let app = TestApp::spawn().await;
    let mut form = delivery_form();
    form["problem"] = json!("other");
    form["problem_text"] = json!("<script>alert(1)</script> посылка");
    let hostile = app.open_ticket("buyer-1001", form).await;
    let mut other = delivery_form();
    other["order_number"] = json!("MP-10005");
    let answered = app.open_ticket("buyer-1002", other).await;
    app.clock.advance(SignedDuration::from_mins(12));
    let operator = app.login("operator").await;
    let number = answered["number"].as_str().unwrap();
    for (path, body) in [
        ("take", json!({})),
        ("replies", json!({ "body": "Посылка уже в пути." })),
    ] {
        let r = app
            .post(&format!("/api/v1/tickets/{number}/{path}"), &operator, body)
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
    }

    let supervisor = app.login("supervisor").await;
    let (status, html) = page(&app, "/staff/dashboard", &supervisor).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(r#"data-queue="marketplace/delivery""#),
        "{html}"
    );
    let waiting = hostile["number"].as_str().unwrap();
    assert!(html.contains(&format!(r#"data-attention="{waiting}""#)));
    assert!(
        html.contains("&#60;script&#62;alert(1)"),
        "the subject is escaped: {html}"
    );
    assert!(!html.contains("<script>alert(1)"));
    // The operator's row: name, role, state, load.
    assert!(html.contains("Наталья Попова"));
    assert!(
        html.contains("1 / 6") || html.contains("0 / 6"),
        "load / capacity"
    );
    // The charts' figures in words: one first response within 15 minutes,
    // two form tickets in the last 24 hours.
    assert!(html.contains("≤15 мин: 1"), "{html}");
    assert!(html.contains("форма — "), "{html}");
    assert_eq!(
        html.matches("<img src=\"/api/v1/dashboard/charts/").count(),
        3
    );
    // The live fragment: the same figures, no page around them.
    let (status, fragment) = page(&app, "/staff/dashboard/figures?lang=en", &supervisor).await;
    assert_eq!(status, StatusCode::OK);
    assert!(fragment.contains("Waiting longest") && !fragment.contains("<html"));

    // Operators get no such page.
    for path in ["/staff/dashboard", "/staff/dashboard/figures"] {
        let (status, _) = page(&app, path, &operator).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn charts_are_svg_for_supervisors_with_their_words_in_the_chosen_language() {
    let app = TestApp::spawn().await;
    app.open_ticket("buyer-1001", delivery_form()).await;
    let supervisor = app.login("supervisor").await;
    for (kind, ru, en) in [
        (
            "first-response",
            "Время первого ответа",
            "First response time",
        ),
        ("sla", "Соблюдение сроков", "Deadlines met by line"),
        ("volume", "Обращения по каналам", "Tickets by channel"),
    ] {
        for (lang, title) in [("ru", ru), ("en", en)] {
            let r = app
                .get(
                    &format!("/api/v1/dashboard/charts/{kind}?lang={lang}"),
                    &supervisor,
                )
                .await;
            assert_eq!(r.status(), StatusCode::OK, "{kind}");
            assert_eq!(r.headers()[CONTENT_TYPE], "image/svg+xml");
            let svg = r.text().await.unwrap();
            assert!(
                svg.starts_with("<svg") && svg.contains(title),
                "{kind} {lang}"
            );
        }
    }
    let operator = app.login("operator").await;
    let (status, body) = problem(app.get("/api/v1/dashboard/charts/volume", &operator).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["code"], "supervisor_only");
    let (status, _) = problem(app.get("/api/v1/dashboard/charts/pie", &supervisor).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = problem(app.get("/api/v1/dashboard/charts/sla", "nonsense").await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
