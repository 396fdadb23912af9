//! Merging tickets by hand and undoing it, with the audit log of both.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

async fn events(app: &TestApp, number: &str, staff: &str) -> Vec<Value> {
    app.get(&format!("/api/v1/tickets/{number}/events"), staff)
        .await
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn operators_merge_two_tickets_and_can_undo_it() {
    let app = TestApp::spawn().await;
    let target = app.open_ticket("buyer-1001", delivery_form()).await;
    let mut other = delivery_form();
    other["order_number"] = json!("MP-10003");
    other["description"] = json!("Посылка пришла помятой, внутри не тот цвет");
    let source = app.open_ticket("buyer-1001", other).await;
    let (s, t) = (
        source["number"].as_str().unwrap(),
        target["number"].as_str().unwrap(),
    );
    let staff = app.login("operator").await;

    let r = app
        .post(
            &format!("/api/v1/tickets/{s}/merge"),
            &staff,
            json!({"into": t}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let merged: Value = r.json().await.unwrap();
    assert_eq!(merged["source"]["status"], "closed");
    assert_eq!(merged["source"]["merged_into"], t);
    let shown = merged["target"]["messages"].as_array().unwrap();
    assert_eq!(shown.len(), 2, "the target shows the source's messages");
    let from_source = shown
        .iter()
        .find(|m| m["merged_from"] == s)
        .expect("a message from the source");
    assert!(from_source["body"].as_str().unwrap().contains("помятой"));
    // The customer sees it on the target too.
    let mine: Value = app
        .get(
            &format!("/api/v1/customer/tickets/{t}"),
            &app.customer_token("buyer-1001"),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["messages"].as_array().unwrap().len(), 2);

    let (status, body) = problem(
        app.post(
            &format!("/api/v1/tickets/{s}/merge"),
            &staff,
            json!({"into": t}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");

    let r = app
        .post(&format!("/api/v1/tickets/{s}/unmerge"), &staff, json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let undone: Value = r.json().await.unwrap();
    assert_eq!(undone["source"]["status"], "queued");
    assert!(undone["source"]["merged_into"].is_null());
    assert_eq!(undone["target"]["messages"].as_array().unwrap().len(), 1);

    for number in [s, t] {
        let log = events(&app, number, &staff).await;
        let merged = log.iter().find(|e| e["kind"] == "merged").expect("merged");
        assert_eq!(
            (
                merged["data"]["source"].as_str(),
                merged["data"]["target"].as_str()
            ),
            (Some(s), Some(t))
        );
        assert_eq!(merged["actor"]["kind"], "operator");
        assert!(log.iter().any(|e| e["kind"] == "unmerged"), "{number}");
    }

    let (status, body) = problem(
        app.post(&format!("/api/v1/tickets/{s}/unmerge"), &staff, json!({}))
            .await,
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("not_merged"))
    );
}

#[tokio::test]
async fn only_open_tickets_of_one_customer_can_be_merged() {
    let app = TestApp::spawn().await;
    let mine = app.open_ticket("buyer-1001", delivery_form()).await;
    let mut f = delivery_form();
    f["order_number"] = json!("MP-10005");
    let theirs = app.open_ticket("buyer-1002", f).await;
    let (a, b) = (
        mine["number"].as_str().unwrap(),
        theirs["number"].as_str().unwrap(),
    );
    let staff = app.login("supervisor").await;
    for (into, code) in [
        (b, "different_customer"),
        (a, "same_ticket"),
        ("SB-999999", "unknown_ticket"),
        ("nonsense", "invalid"),
    ] {
        let (status, body) = problem(
            app.post(
                &format!("/api/v1/tickets/{a}/merge"),
                &staff,
                json!({"into": into}),
            )
            .await,
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{into}");
        assert_eq!(field_codes(&body), [("into".to_owned(), code.to_owned())]);
    }
}
