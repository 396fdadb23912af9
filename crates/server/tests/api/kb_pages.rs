//! The knowledge base editor's pages: admins only; every article, drafts
//! included, listed by section; an article's page shows the saved text as
//! the help centre will, with whatever anyone typed shown as text.

use reqwest::StatusCode;
use reqwest::header::COOKIE;
use serde_json::json;

use crate::helpers::*;

async fn page(app: &TestApp, token: &str, path: &str) -> (StatusCode, String) {
    let r = reqwest::Client::new()
        .get(app.url(path))
        .header(COOKIE, format!("sb_staff={token}"))
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

#[tokio::test]
async fn admins_edit_drafts_and_see_them_as_the_help_centre_will() {
    let app = TestApp::spawn().await;
    let operator = app.login("operator").await;
    assert_eq!(
        page(&app, &operator, "/staff/admin/kb").await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        page(&app, &operator, "/staff/admin/kb/new").await.0,
        StatusCode::FORBIDDEN
    );

    let admin = app.login("admin").await;
    let sections: serde_json::Value = app
        .get("/api/v1/kb/sections", &admin)
        .await
        .json()
        .await
        .unwrap();
    let section = sections[0]["code"].as_str().unwrap().to_owned();
    let hostile = "<script>alert(1)</script> & <b>bold</b>";
    let r = app
        .post(
            "/api/v1/kb/articles",
            &admin,
            json!({
                "id": "draft-one",
                "section": section,
                "title": { "ru": format!("Черновик {hostile}"), "en": "A draft" },
                "body": { "ru": "Первый абзац\nсо второй строкой\n\nВторой абзац", "en": "" },
            }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);

    let (status, list) = page(&app, &admin, "/staff/admin/kb").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        list.contains(r#"data-kb-article="draft-one""#),
        "drafts are listed"
    );
    assert!(list.contains("Черновик &#60;script&#62;") || list.contains("Черновик &lt;script&gt;"));
    assert!(
        !list.contains("<script>alert(1)"),
        "typed markup stays text"
    );

    let (status, edit) = page(&app, &admin, "/staff/admin/kb/articles/draft-one").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!edit.contains("<script>alert(1)"));
    let preview = &edit[edit.find("data-kb-preview").expect("a preview")..];
    assert!(
        preview.contains("<p>Первый абзац<br>со второй строкой</p>"),
        "{preview}"
    );
    assert!(preview.contains("<p>Второй абзац</p>"));
    assert_eq!(
        app.get("/help/articles/draft-one", &admin).await.status(),
        StatusCode::NOT_FOUND,
        "a draft is not on the help centre"
    );

    // English by choice: the English title, the Russian text where none.
    let (_, en) = page(&app, &admin, "/staff/admin/kb/articles/draft-one?lang=en").await;
    assert!(en.contains("As customers see it") && en.contains("<h3>A draft</h3>"));
    assert!(en.contains("<p>Второй абзац</p>"));

    let (status, _) = page(&app, &admin, "/staff/admin/kb/articles/no-such").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, new) = page(&app, &admin, "/staff/admin/kb/new?lang=ru").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        new.contains(r#"name="id""#),
        "a new article asks for its id"
    );
}
