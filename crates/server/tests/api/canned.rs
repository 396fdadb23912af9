//! Canned replies (issue 12): shared ones managed by supervisors, personal
//! ones by their owner, found by words and filled for a ticket.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, delivery_form, problem};

#[tokio::test]
async fn shared_and_personal_replies_are_listed_searched_and_filled() {
    let app = TestApp::spawn().await;
    let t = app.open_ticket("buyer-1001", delivery_form()).await;
    let number = t["number"].as_str().unwrap();
    let supervisor = app.login("supervisor").await;
    let operator = app.login("operator").await;
    let other = app.login("seller-op").await;

    // Operators cannot add shared replies; supervisors can.
    let body = json!({"title": "Приветствие", "body": "Здравствуйте, {name}! Заказ {order}, обращение {ticket}.", "shared": true});
    let (status, p) = problem(app.post("/api/v1/canned", &operator, body.clone()).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{p}");
    let r = app.post("/api/v1/canned", &supervisor, body).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let shared: Value = r.json().await.unwrap();
    let r = app
        .post(
            "/api/v1/canned",
            &operator,
            json!({"title": "Мой <b>шаблон</b>", "body": "Проверю и вернусь"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let mine: Value = r.json().await.unwrap();

    let list: Vec<Value> = app
        .get(&format!("/api/v1/canned?ticket={number}"), &operator)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list.len(), 2);
    let greeting = list.iter().find(|c| c["shared"] == true).unwrap();
    assert_eq!(
        greeting["filled"],
        format!("Здравствуйте, Анна Смирнова! Заказ MP-10001, обращение {number}.")
    );
    // Words narrow the list; another operator does not see my personal one.
    let found: Vec<Value> = app
        .get("/api/v1/canned?q=ПРОВЕРЮ", &operator)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["title"], "Мой <b>шаблон</b>");
    let theirs: Vec<Value> = app
        .get("/api/v1/canned", &other)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(theirs.len(), 1);
    // A ticket out of their scope fills nothing for them.
    let r = app
        .get(&format!("/api/v1/canned?ticket={number}"), &other)
        .await;
    assert!(r.status().is_client_error(), "{}", r.status());
    let r = app.get("/api/v1/canned?ticket=nonsense", &operator).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // Only the owner edits a personal reply; a shared one only supervisors.
    let mine_path = format!("/api/v1/canned/{}", mine["id"]);
    let (status, _) = problem(
        app.put(&mine_path, &other, json!({"title": "x", "body": "y"}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let shared_path = format!("/api/v1/canned/{}", shared["id"]);
    let (status, _) = problem(
        app.put(&shared_path, &operator, json!({"title": "x", "body": "y"}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, p) = problem(
        app.put(&mine_path, &operator, json!({"title": " ", "body": "y"}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    let r = app
        .put(
            &mine_path,
            &operator,
            json!({"title": "Вернусь", "body": "Скоро вернусь"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = app
        .client
        .delete(app.url(&mine_path))
        .bearer_auth(&operator)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let left: Vec<Value> = app
        .get("/api/v1/canned", &operator)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(left.len(), 1);
}
