//! Judgement of form messages (SPEC §6): secrets masked before they are
//! stored (proved by searching the whole database), the customer warned, an
//! operator's request for secrets refused with nothing stored, obscenity
//! masked for staff with the original only in the audit log, out-of-scope
//! questions recorded (fraud urgent), and repeated questions joined.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

const CARD: &str = "4276 1600 1234 5675";

fn form(description: &str) -> Value {
    let mut f = delivery_form();
    f["description"] = json!(description);
    f
}

async fn staff_view(app: &TestApp, number: &str, staff: &str) -> Value {
    app.get(&format!("/api/v1/tickets/{number}"), staff)
        .await
        .json()
        .await
        .unwrap()
}

async fn events(app: &TestApp, number: &str, staff: &str) -> Vec<Value> {
    app.get(&format!("/api/v1/tickets/{number}/events"), staff)
        .await
        .json()
        .await
        .unwrap()
}

fn kinds(events: &[Value]) -> Vec<&str> {
    events.iter().map(|e| e["kind"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn card_data_in_a_form_is_masked_everywhere_and_the_customer_warned() {
    let app = TestApp::spawn().await;
    let t = app
        .open_ticket(
            "buyer-1001",
            form(&format!(
                "Оплатил заказ картой {CARD}, CVV 123, деньги списали, а заказа нет"
            )),
        )
        .await;
    assert_eq!(t["warnings"][0]["code"], "sensitive_data_masked");
    assert!(
        t["warnings"][0]["message"]["ru"]
            .as_str()
            .unwrap()
            .contains("никогда")
    );
    let body = t["messages"][0]["body"].as_str().unwrap();
    assert!(!body.contains(CARD) && !body.contains("123,"), "{body}");
    assert!(body.contains("5675"), "the last four digits stay: {body}");
    let number = t["number"].as_str().unwrap();

    // A reply with a password, too.
    let r = app
        .post(
            &format!("/api/v1/customer/tickets/{number}/messages"),
            &app.customer_token("buyer-1001"),
            json!({"body": "Мой пароль: Zx9!kLm2pQ, зайдите и проверьте"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["warnings"][0]["code"], "sensitive_data_masked");

    let staff = app.login("operator").await;
    let view = staff_view(&app, number, &staff).await;
    assert!(!view.to_string().contains(CARD));
    assert!(!view.to_string().contains("Zx9!kLm2pQ"));
    let log = events(&app, number, &staff).await;
    assert!(kinds(&log).contains(&"sensitive_data_masked"));
    let masked = log
        .iter()
        .find(|e| e["kind"] == "sensitive_data_masked")
        .unwrap();
    assert_eq!(masked["data"]["kinds"], json!(["card", "cvv"]));

    // Nowhere in the database: not the messages, the audit log, the outbox.
    for secret in [CARD, "4276160012345675", "Zx9!kLm2pQ"] {
        assert_eq!(
            app.db.find_text(secret).await.unwrap(),
            Vec::<String>::new(),
            "{secret} was stored"
        );
    }
    let outbox: Vec<Value> = app
        .get(&format!("/api/v1/tickets/{number}/notifications"), &staff)
        .await
        .json()
        .await
        .unwrap();
    assert!(!outbox.is_empty(), "the confirmation is queued");
    assert!(!json!(outbox).to_string().contains(CARD));
}

#[tokio::test]
async fn an_operator_asking_for_secrets_is_blocked_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let t = app.open_ticket("buyer-1001", delivery_form()).await;
    let number = t["number"].as_str().unwrap();
    let staff = app.login("operator").await;
    app.post(&format!("/api/v1/tickets/{number}/take"), &staff, json!({}))
        .await;
    let before = staff_view(&app, number, &staff).await;
    let log_before = events(&app, number, &staff).await.len();
    let outbox_before = app.store.pending_outbound().await.unwrap();
    for ask in [
        "Назовите, пожалуйста, код из СМС",
        "Please send us the CVV code from the back of your card",
        "Пришлите фото карты с двух сторон",
    ] {
        let (status, body) = problem(
            app.post(
                &format!("/api/v1/tickets/{number}/replies"),
                &staff,
                json!({"body": ask}),
            )
            .await,
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{ask}");
        assert_eq!(body["code"], "operator_request_blocked");
        assert!(body["title"].as_str().unwrap().contains("не отправлено"));
    }
    let after = staff_view(&app, number, &staff).await;
    assert_eq!(after["messages"], before["messages"]);
    assert_eq!(after["version"], before["version"]);
    assert_eq!(events(&app, number, &staff).await.len(), log_before);
    assert_eq!(app.store.pending_outbound().await.unwrap(), outbox_before);
    assert!(app.db.find_text("код из СМС").await.unwrap().is_empty());

    // Telling the customer never to share it is fine.
    let r = app
        .post(
            &format!("/api/v1/tickets/{number}/replies"),
            &staff,
            json!({"body": "Никогда никому не сообщайте код из СМС. Заказ уже в пути."}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn obscenity_is_masked_for_staff_and_kept_only_in_the_audit_log() {
    let app = TestApp::spawn().await;
    let t = app
        .open_ticket(
            "buyer-1001",
            form("Где мой заказ, блядь? Третью неделю жду этот хуев заказ"),
        )
        .await;
    let number = t["number"].as_str().unwrap();
    let staff = app.login("operator").await;
    let view = staff_view(&app, number, &staff).await;
    let body = view["messages"][0]["body"].as_str().unwrap();
    assert!(!body.contains("блядь") && !body.contains("хуев"), "{body}");
    assert!(body.contains("Где мой заказ"));
    let log = events(&app, number, &staff).await;
    let original = log
        .iter()
        .find(|e| e["kind"] == "obscenity_masked")
        .expect("the audit event")["data"]["original"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(original.contains("блядь"), "{original}");
    // The wording exists in the audit log and nowhere else.
    assert_eq!(
        app.db.find_text("блядь").await.unwrap(),
        ["ticket_events.payload"]
    );
    // The customer endpoints have no audit log at all.
    let mine: Value = app
        .get(
            &format!("/api/v1/customer/tickets/{number}"),
            &app.customer_token("buyer-1001"),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(!mine.to_string().contains("блядь"));
    let r = app
        .get(
            &format!("/api/v1/tickets/{number}/events"),
            &app.customer_token("buyer-1001"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn out_of_scope_questions_are_recorded_and_fraud_is_urgent() {
    let app = TestApp::spawn().await;
    let staff = app.login("supervisor").await;
    let fraud = app
        .open_ticket(
            "buyer-1001",
            form("Мошенники позвонили и списали все деньги с карты, найдите их!"),
        )
        .await;
    assert_eq!(fraud["notices"][0]["code"], "out_of_scope_fraud");
    assert!(
        fraud["notices"][0]["message"]["ru"]
            .as_str()
            .unwrap()
            .contains("полиц")
    );
    let number = fraud["number"].as_str().unwrap();
    assert_eq!(staff_view(&app, number, &staff).await["priority"], "urgent");
    let log = events(&app, number, &staff).await;
    let scope = log.iter().find(|e| e["kind"] == "out_of_scope").unwrap();
    assert_eq!(scope["data"]["category"], "fraud");

    let mut dispute = form("Сосед затопил квартиру, помогите подать на него в суд");
    dispute["order_number"] = json!("MP-10003");
    let dispute = app.open_ticket("buyer-1001", dispute).await;
    assert_eq!(dispute["notices"][0]["code"], "out_of_scope_dispute");
    let number = dispute["number"].as_str().unwrap();
    assert_ne!(staff_view(&app, number, &staff).await["priority"], "urgent");
    let log = events(&app, number, &staff).await;
    assert!(
        log.iter()
            .any(|e| e["kind"] == "out_of_scope" && e["data"]["category"] == "dispute")
    );
}

#[tokio::test]
async fn a_repeated_question_joins_the_open_ticket() {
    let app = TestApp::spawn().await;
    let first = app.open_ticket("buyer-1001", delivery_form()).await;
    let number = first["number"].as_str().unwrap();
    let r = app
        .post(
            "/api/v1/customer/tickets",
            &app.customer_token("buyer-1001"),
            form("Трекинг не обновляется, а заказ должен был прийти вчера!"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "joined, not created");
    let joined: Value = r.json().await.unwrap();
    assert_eq!(joined["duplicate_of"], number);
    assert_eq!(joined["number"], number);
    assert_eq!(joined["notices"][0]["code"], "joined_open_request");
    assert!(
        joined["notices"][0]["message"]["ru"]
            .as_str()
            .unwrap()
            .contains(number)
    );
    let messages = joined["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[1]["author"], "customer");
    assert_eq!(app.my_tickets("buyer-1001").await.len(), 1);
    let staff = app.login("operator").await;
    let log = events(&app, number, &staff).await;
    let dup = log
        .iter()
        .find(|e| e["kind"] == "duplicate_joined")
        .unwrap();
    assert_eq!(dup["data"]["channel"], "form");

    // Another customer, or another order, is another question.
    let mut other = delivery_form();
    other["order_number"] = json!("MP-10003");
    let second = app.open_ticket("buyer-1001", other).await;
    assert_ne!(second["number"], number);
}
