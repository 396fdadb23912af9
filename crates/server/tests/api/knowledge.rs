//! The knowledge base through the API: admins edit it (validation, drafts,
//! publication, the edit log), the public help centre shows only published
//! articles, as JSON and as HTML, and its search understands word forms and
//! typos.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

async fn delete(app: &TestApp, path: &str, token: &str) -> reqwest::Response {
    app.client
        .delete(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

async fn public(app: &TestApp, path: &str) -> reqwest::Response {
    app.client.get(app.url(path)).send().await.unwrap()
}

/// `path` with a percent-encoded query string.
fn with_query(app: &TestApp, path: &str, params: &[(&str, &str)]) -> reqwest::Url {
    reqwest::Url::parse_with_params(&app.url(path), params).unwrap()
}

async fn search_ids(app: &TestApp, q: &str, lang: &str) -> Vec<String> {
    let r = app
        .client
        .get(with_query(
            app,
            "/api/v1/help/search",
            &[("q", q), ("lang", lang)],
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.unwrap();
    body["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["article_id"].as_str().unwrap().to_owned())
        .collect()
}

fn article(id: &str, title: &str) -> Value {
    json!({
        "id": id,
        "section": "kb-test",
        "topics": ["marketplace/returns"],
        "title": {"ru": title, "en": "Returning shoes that do not fit"},
        "body": {
            "ru": "Обувь, которая не подошла по размеру, можно вернуть в течение 14 дней.\n\nСохраните коробку и ярлыки.",
            "en": "Shoes that do not fit can be returned within 14 days.\n\nKeep the box and the tags."
        },
        "keywords": ["кроссовки", "ботинки"]
    })
}

#[tokio::test]
async fn admins_edit_the_knowledge_base_and_only_published_articles_are_public() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let operator = app.login("operator").await;

    let section = json!({"code": "kb-test", "line": "marketplace", "name": {"ru": "Проверка", "en": "Testing"}});
    let (status, body) = problem(
        app.post("/api/v1/kb/sections", &operator, section.clone())
            .await,
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("admin_only"))
    );
    let r = app
        .post("/api/v1/kb/sections", &admin, section.clone())
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let (status, body) = problem(app.post("/api/v1/kb/sections", &admin, section).await).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("section_exists"))
    );

    // Every field problem at once.
    let (status, body) = problem(
        app.post(
            "/api/v1/kb/articles",
            &admin,
            json!({"id": "Bad Id", "section": "nope", "topics": ["marketplace/nope"],
                   "title": {"ru": " "}, "body": {"ru": "текст"}}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_codes(&body),
        [
            ("id".to_owned(), "invalid".to_owned()),
            ("section".to_owned(), "unknown_section".to_owned()),
            ("topics".to_owned(), "unknown_topic".to_owned()),
            ("title".to_owned(), "required".to_owned()),
        ]
    );

    // A draft: visible to staff, absent from the help centre.
    let r = app
        .post(
            "/api/v1/kb/articles",
            &admin,
            article("kb-shoes", "Как вернуть обувь, которая не подошла"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let draft: Value = r.json().await.unwrap();
    assert_eq!(
        (draft["published"].as_bool(), draft["url"].is_null()),
        (Some(false), true)
    );
    assert_eq!(
        public(&app, "/api/v1/help/articles/kb-shoes")
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        public(&app, "/help/articles/kb-shoes").await.status(),
        StatusCode::NOT_FOUND
    );
    assert!(
        !search_ids(&app, "вернуть кроссовки", "ru")
            .await
            .contains(&"kb-shoes".to_owned())
    );
    let staff: Vec<Value> = app
        .get("/api/v1/kb/search?q=кроссовки", &operator)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        staff[0]["article_id"], "kb-shoes",
        "staff search includes drafts"
    );

    // Published: in the JSON, the HTML and the search.
    let r = app
        .post("/api/v1/kb/articles/kb-shoes/publish", &admin, json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let got: Value = public(&app, "/api/v1/help/articles/kb-shoes")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(got["title"], "Как вернуть обувь, которая не подошла");
    let got: Value = public(&app, "/api/v1/help/articles/kb-shoes?lang=en")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (got["title"].as_str(), got["lang"].as_str()),
        (Some("Returning shoes that do not fit"), Some("en"))
    );
    assert_eq!(
        search_ids(&app, "вернуть кроссовки", "ru").await[0],
        "kb-shoes"
    );

    // An edit is searchable at once; text is escaped in the HTML page.
    let mut edited = article("kb-shoes", "Обувь <не подошла> & что делать");
    edited["published"] = json!(true);
    let r = app
        .put("/api/v1/kb/articles/kb-shoes", &admin, edited)
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = public(&app, "/help/articles/kb-shoes").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Обувь &#60;не подошла&#62; &#38; что делать"),
        "{html}"
    );
    assert!(!html.contains("<не подошла>"));
    assert!(html.contains("<html lang=\"ru\">"));
    assert!(!html.contains("<script"));

    // Unpublished: gone from the help centre again.
    let r = app
        .post("/api/v1/kb/articles/kb-shoes/unpublish", &admin, json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        public(&app, "/api/v1/help/articles/kb-shoes")
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert!(
        !search_ids(&app, "вернуть кроссовки", "ru")
            .await
            .contains(&"kb-shoes".to_owned())
    );

    // A section with articles cannot go; once empty it can.
    let (status, body) = problem(delete(&app, "/api/v1/kb/sections/kb-test", &admin).await).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("section_not_empty"))
    );
    assert_eq!(
        delete(&app, "/api/v1/kb/articles/kb-shoes", &admin)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.get("/api/v1/kb/articles/kb-shoes", &admin)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        delete(&app, "/api/v1/kb/sections/kb-test", &admin)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );

    // Every edit is in the log, by the admin.
    let log: Vec<Value> = app
        .get("/api/v1/kb/events", &admin)
        .await
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = log
        .iter()
        .rev()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "seed",
            "create_section",
            "create_article",
            "publish_article",
            "update_article",
            "unpublish_article",
            "delete_article",
            "delete_section"
        ]
    );
    assert!(log[..7].iter().all(|e| e["actor"]["kind"] == "operator"));
    assert_eq!(
        app.get("/api/v1/kb/events", &operator).await.status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_help_centre_search_understands_word_forms_typos_and_english() {
    let app = TestApp::spawn().await;
    // Word forms: «заказов» finds the article about «заказ».
    let ids = search_ids(&app, "отмена заказов", "ru").await;
    assert!(ids[..3].contains(&"mp-cancel-order".to_owned()), "{ids:?}");
    // A typo: «атменить».
    let ids = search_ids(&app, "как атменить заказ", "ru").await;
    assert!(ids[..3].contains(&"mp-cancel-order".to_owned()), "{ids:?}");
    // English, and the snippet marks what matched.
    let r = app
        .client
        .get(app.url("/api/v1/help/search?q=cancel%20my%20order&lang=en"))
        .send()
        .await
        .unwrap();
    let body: Value = r.json().await.unwrap();
    let hit = body["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["article_id"] == "mp-cancel-order")
        .expect("the cancellation article")
        .clone();
    assert_eq!(hit["title"], "How to cancel an order");
    assert!(
        hit["snippet_html"].as_str().unwrap().contains("<mark>"),
        "{hit}"
    );

    // The HTML pages: sections, a section, the search form echoing the query escaped.
    let home = public(&app, "/help").await.text().await.unwrap();
    assert!(home.contains("Центр помощи") && home.contains("Заказы и оплата"));
    assert!(home.contains("action=\"/help/search\""));
    let en = public(&app, "/help?lang=en").await.text().await.unwrap();
    assert!(en.contains("Orders and payment") && en.contains("lang=en"));
    let section = public(&app, "/help/sections/mp-orders")
        .await
        .text()
        .await
        .unwrap();
    assert!(section.contains("/help/articles/mp-cancel-order"));
    let r = app
        .client
        .get(with_query(
            &app,
            "/help/search",
            &[("q", "<b>отменить</b> заказ")],
        ))
        .send()
        .await
        .unwrap();
    let page = r.text().await.unwrap();
    assert!(
        page.contains("value=\"&#60;b&#62;отменить&#60;/b&#62; заказ\""),
        "{page}"
    );
    assert!(page.contains("/help/articles/mp-cancel-order") && page.contains("<mark>"));
    assert!(!page.contains("<b>отменить"));

    // JSON sections list published ones with their counts.
    let sections: Vec<Value> = public(&app, "/api/v1/help/sections")
        .await
        .json()
        .await
        .unwrap();
    let orders = sections.iter().find(|s| s["code"] == "mp-orders").unwrap();
    assert!(orders["articles"].as_u64().unwrap() > 0);
    assert_eq!(
        public(&app, "/help/articles/no-such-article")
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_card_number_pasted_into_the_help_search_is_never_searched_or_echoed() {
    let app = TestApp::spawn().await;
    let r = app
        .client
        .get(with_query(
            &app,
            "/api/v1/help/search",
            &[("q", "списали с карты 4276 1600 1234 5675 без спроса")],
        ))
        .send()
        .await
        .unwrap();
    let body: Value = r.json().await.unwrap();
    let query = body["query"].as_str().unwrap();
    assert!(!query.contains("4276 1600 1234 5675"), "{query}");
    assert!(query.contains("5675"));
    let page = app
        .client
        .get(with_query(
            &app,
            "/help/search",
            &[("q", "списали с карты 4276 1600 1234 5675 без спроса")],
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("4276 1600 1234 5675"));
}
