use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::*;

#[tokio::test]
async fn health_readiness_metrics_and_openapi() {
    let app = TestApp::spawn().await;
    let r = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let ready: Value = app
        .client
        .get(app.url("/readyz"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ready["status"], "ready");
    assert_eq!(
        ready["backend"],
        format!("{:?}", switchboard_store::testing::backend_under_test()).to_lowercase()
    );

    app.open_ticket("buyer-1001", delivery_form()).await;
    let metrics = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("switchboard_tickets_created_total{channel=\"form\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("switchboard_outbox_pending 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("route=\"/api/v1/customer/tickets\""),
        "{metrics}"
    );

    let doc: Value = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    for path in [
        "/api/v1/customer/tickets",
        "/api/v1/tickets/{number}/take",
        "/api/v1/auth/login",
        "/readyz",
    ] {
        assert!(
            doc["paths"][path].is_object(),
            "{path} missing from the OpenAPI document"
        );
    }
    assert!(doc["components"]["securitySchemes"]["customer"].is_object());
}

#[tokio::test]
async fn the_catalog_offers_lines_topics_and_problems_in_both_languages() {
    let app = TestApp::spawn().await;
    let lines: Vec<Value> = app
        .client
        .get(app.url("/api/v1/catalog"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let bank = lines.iter().find(|l| l["code"] == "bank_retail").unwrap();
    assert_eq!(
        bank["name"]["ru"].as_str().map(|s| !s.is_empty()),
        Some(true)
    );
    assert_eq!(
        bank["name"]["en"].as_str().map(|s| !s.is_empty()),
        Some(true)
    );
    let suspicious = bank["topics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["always_urgent"] == true)
        .unwrap();
    assert_eq!(suspicious["step_up"], true);
    let partners = lines.iter().find(|l| l["code"] == "partners").unwrap();
    assert_eq!(partners["support"], false);
}
