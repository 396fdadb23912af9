//! Routing, priorities and deadlines end to end (issue 4): the demo profile's
//! priority rules and SLA policies as the API shows them, the clock pausing
//! while the customer has the ball, and at-risk and breach escalations raised
//! by the deadline worker's step with their events, supervisor alerts and
//! actions. The manual clock drives everything; nothing sleeps.

use jiff::civil::date;
use jiff::{SignedDuration, Timestamp};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, delivery_form, first_problem};

fn msk(y: i16, m: i8, d: i8, h: i8, min: i8) -> Timestamp {
    date(y, m, d)
        .at(h, min, 0, 0)
        .in_tz("Europe/Moscow")
        .unwrap()
        .timestamp()
}

fn ts(v: &Value) -> Timestamp {
    v.as_str()
        .unwrap_or_else(|| panic!("not a time: {v}"))
        .parse()
        .unwrap()
}

async fn staff_view(app: &TestApp, token: &str, number: &str) -> Value {
    let r = app.get(&format!("/api/v1/tickets/{number}"), token).await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

fn form(line: &str, topic: &str, order: Option<&str>) -> Value {
    json!({
        "line": line,
        "topic": topic,
        "problem": first_problem(line, topic),
        "order_number": order,
        "description": format!("Вопрос о разделе «{topic}» направления «{line}»: {}", match topic {
            "security" => "кто-то вошёл в мой аккаунт и сменил пароль",
            "claims" => "товар пришёл с браком, требую замену",
            "payouts" => "выплата за прошлую неделю не поступила на счёт",
            _ => "нужна консультация по бронированию отеля",
        }),
        "reply_channel": "email"
    })
}

/// Opens a form ticket at `at` and returns its staff view.
async fn open_at(app: &TestApp, staff: &str, customer: &str, f: Value, at: Timestamp) -> Value {
    app.clock.set(at);
    let t = app.open_ticket(customer, f).await;
    staff_view(app, staff, t["number"].as_str().unwrap()).await
}

fn next(v: &Value) -> (String, Timestamp, Timestamp) {
    let d = &v["sla"]["next_deadline"];
    (
        d["target"].as_str().unwrap().to_owned(),
        ts(&d["at_risk_at"]),
        ts(&d["due_at"]),
    )
}

#[tokio::test]
async fn form_deadlines_follow_the_demo_policies() {
    let app = TestApp::spawn().await;
    let staff = app.login("supervisor").await;
    // Monday 2 November 2026, 15:00 in Moscow: Tuesday is a shortened day,
    // Wednesday 4 November a public holiday.
    let monday = msk(2026, 11, 2, 15, 0);

    // Standard: 24 hours, at risk at 80%.
    let std = open_at(
        &app,
        &staff,
        "buyer-1002",
        delivery_form_of("MP-10005"),
        monday,
    )
    .await;
    assert_eq!(std["sla"]["policy"], "standard");
    assert_eq!(std["sla"]["state"], "ok");
    assert_eq!(std["priority"], "normal");
    assert_eq!(std["priority_rule"], Value::Null);
    let (target, risk, due) = next(&std);
    assert_eq!(target, "first_response");
    assert_eq!(due, monday + SignedDuration::from_hours(24));
    assert_eq!(risk, monday + SignedDuration::from_mins(24 * 60 * 8 / 10));
    assert_eq!(ts(&std["due_at"]), due);

    // Urgent, where the topic allows it: 2 hours.
    let mut urgent = delivery_form_of("MP-10004");
    urgent["urgent"] = json!(true);
    urgent["description"] = json!("Курьер не приехал, а я уезжаю вечером — срочно!");
    let u = open_at(&app, &staff, "buyer-1001", urgent, monday).await;
    assert_eq!(u["priority"], "urgent");
    assert_eq!(u["priority_rule"], "urgent_requested");
    assert_eq!(u["sla"]["policy"], "urgent");
    assert_eq!(next(&u).2, monday + SignedDuration::from_hours(2));

    // A hijacked account is urgent whatever the customer chose.
    let s = open_at(
        &app,
        &staff,
        "buyer-1001",
        form("marketplace", "security", None),
        monday,
    )
    .await;
    assert_eq!(s["priority"], "urgent");
    assert_eq!(s["priority_rule"], "urgent_topic");

    // Complex: 3 business days of 9 hours on the Moscow office calendar —
    // Monday 3 h, shortened Tuesday 8 h, the holiday nothing, Thursday 9 h,
    // Friday 7 h: Friday 6 November 16:00.
    let c = open_at(
        &app,
        &staff,
        "buyer-1001",
        form("marketplace", "claims", Some("MP-10002")),
        monday,
    )
    .await;
    assert_eq!(c["sla"]["policy"], "complex");
    assert_eq!(next(&c).2, msk(2026, 11, 6, 16, 0));

    // A pre-trial claim: 10 calendar days from the claim.
    let number = std["number"].as_str().unwrap();
    app.clock.set(monday + SignedDuration::from_hours(1));
    let customer = app.customer_token("buyer-1002");
    let r = app
        .post(
            &format!("/api/v1/customer/tickets/{number}/claim"),
            &customer,
            json!({"body": "Требую вернуть деньги по закону"}),
        )
        .await;
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    let claim = staff_view(&app, &staff, number).await;
    assert_eq!(claim["sla"]["policy"], "claim");
    assert_eq!(
        next(&claim).2,
        monday + SignedDuration::from_hours(1) + SignedDuration::from_hours(240)
    );
    // The customer sees when the reply is due.
    let mine = app
        .get(&format!("/api/v1/customer/tickets/{number}"), &customer)
        .await;
    let mine: Value = mine.json().await.unwrap();
    assert_eq!(ts(&mine["reply_due_at"]), next(&claim).2);
    assert!(mine.get("sla").is_none(), "no staff fields for customers");
}

fn delivery_form_of(order: &str) -> Value {
    let mut f = delivery_form();
    f["order_number"] = json!(order);
    f
}

#[tokio::test]
async fn priority_rules_for_premium_sellers_and_travellers() {
    let app = TestApp::spawn().await;
    let staff = app.login("supervisor").await;
    let now = msk(2026, 11, 2, 12, 0);
    let seller = open_at(
        &app,
        &staff,
        "seller-2002",
        form("sellers", "payouts", None),
        now,
    )
    .await;
    assert_eq!(seller["priority"], "high");
    assert_eq!(seller["priority_rule"], "premium_seller");
    let plain = open_at(
        &app,
        &staff,
        "seller-2001",
        form("sellers", "payouts", None),
        now,
    )
    .await;
    assert_eq!(plain["priority"], "normal");

    // A hotel booking puts the traveller in the priority queue.
    let hotel = app.get("/api/v1/customers/traveller-4001", &staff).await;
    let hotel: Value = hotel.json().await.unwrap();
    let reference = hotel["bookings"][0]["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    let t = open_at(
        &app,
        &staff,
        "traveller-4001",
        form("travel", "booking", Some(&reference)),
        now,
    )
    .await;
    assert_eq!(t["priority"], "high");
    assert!(t["priority_rule"].as_str().unwrap().starts_with("travel_"));
}

#[tokio::test]
async fn the_clock_pauses_while_waiting_for_the_customer() {
    let app = TestApp::spawn().await;
    let op = app.login("operator").await;
    let start = msk(2026, 11, 2, 10, 0);
    let t = open_at(&app, &op, "buyer-1001", delivery_form(), start).await;
    let number = t["number"].as_str().unwrap().to_owned();

    app.clock.set(start + SignedDuration::from_hours(1));
    let r = app
        .post(
            &format!("/api/v1/tickets/{number}/replies"),
            &op,
            json!({"body": "Пришлите, пожалуйста, фото коробки"}),
        )
        .await;
    assert!(r.status().is_success());
    let waiting = staff_view(&app, &op, &number).await;
    assert_eq!(waiting["status"], "waiting_for_customer");
    assert_eq!(waiting["sla"]["state"], "paused");
    assert_eq!(waiting["due_at"], Value::Null);

    // Three days later the customer answers: a next response is owed within
    // 24 hours from now; the days spent waiting did not count.
    let back = start + SignedDuration::from_hours(73);
    app.clock.set(back);
    let r = app
        .post(
            &format!("/api/v1/customer/tickets/{number}/messages"),
            &app.customer_token("buyer-1001"),
            json!({"body": "Вот фото"}),
        )
        .await;
    assert!(r.status().is_success());
    let owed = staff_view(&app, &op, &number).await;
    assert_eq!(owed["sla"]["state"], "ok");
    let (target, _, due) = next(&owed);
    assert_eq!(target, "next_response");
    assert_eq!(due, back + SignedDuration::from_hours(24));
}

#[tokio::test]
async fn at_risk_and_breach_fire_through_the_worker_with_alerts_and_actions() {
    let app = TestApp::spawn().await;
    let boss = app.login("supervisor").await;
    let start = msk(2026, 11, 2, 10, 0);
    let t = open_at(&app, &boss, "buyer-1001", delivery_form(), start).await;
    let number = t["number"].as_str().unwrap().to_owned();
    assert!(app.deadlines.run_once().await.unwrap().is_empty());
    assert_eq!(app.deadlines.tracked().await.unwrap(), 1);

    // 80% of 24 hours: at risk.
    app.clock
        .set(start + SignedDuration::from_mins(19 * 60 + 12));
    let raised = app.deadlines.run_once().await.unwrap();
    assert_eq!(raised.len(), 1, "{raised:?}");
    let risky = app.get("/api/v1/tickets?sla=at_risk", &boss).await;
    let risky: Vec<Value> = risky.json().await.unwrap();
    assert_eq!(risky.len(), 1);
    assert_eq!(risky[0]["number"], number.as_str());
    assert_eq!(risky[0]["sla"]["state"], "at_risk");
    // Raised once: another step raises nothing.
    assert!(app.deadlines.run_once().await.unwrap().is_empty());

    // Past 24 hours: breached; the policy raises the priority.
    app.clock.set(start + SignedDuration::from_hours(24));
    let raised = app.deadlines.run_once().await.unwrap();
    assert_eq!(raised.len(), 1, "{raised:?}");
    let late = staff_view(&app, &boss, &number).await;
    assert_eq!(late["sla"]["state"], "breached");
    assert_eq!(late["priority"], "high");
    let breached = app.get("/api/v1/tickets?sla=breached", &boss).await;
    let breached: Vec<Value> = breached.json().await.unwrap();
    assert_eq!(breached.len(), 1);

    // The audit log has both crossings with the target and the due time.
    let events = app
        .get(&format!("/api/v1/tickets/{number}/events"), &boss)
        .await;
    let events: Value = events.json().await.unwrap();
    let kinds: Vec<String> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(kinds.contains(&"sla_at_risk".to_owned()), "{kinds:?}");
    assert!(kinds.contains(&"sla_breached".to_owned()), "{kinds:?}");
    let breach = events
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "sla_breached")
        .unwrap();
    assert_eq!(breach["data"]["target"], "first_response");
    assert_eq!(
        ts(&breach["data"]["due_at"]),
        start + SignedDuration::from_hours(24)
    );

    // The supervisor was told twice, and the e-mails wait in the outbox
    // (not among what the customer was sent).
    let alerts = app.get("/api/v1/staff/alerts", &boss).await;
    let alerts: Vec<Value> = alerts.json().await.unwrap();
    let kinds: Vec<&str> = alerts.iter().map(|a| a["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, vec!["sla_breached", "sla_at_risk"]);
    assert_eq!(alerts[0]["ticket"], number.as_str());
    assert_eq!(app.store.pending_outbound().await.unwrap(), 3);
    let op = app.login("operator").await;
    let mine = app.get("/api/v1/staff/alerts", &op).await;
    assert_eq!(mine.json::<Vec<Value>>().await.unwrap().len(), 0);
}

#[tokio::test]
async fn the_deadline_worker_rebuilds_from_the_store() {
    let app = TestApp::spawn().await;
    let start = msk(2026, 11, 2, 10, 0);
    app.clock.set(start);
    app.open_ticket("buyer-1001", delivery_form()).await;
    // A second worker over the same store (another node, or a restart).
    let rules = switchboard_core::rules::Rules::load(
        &Default::default(),
        std::sync::Arc::new(switchboard_server::demo::load_catalog(None).unwrap()),
    )
    .unwrap();
    let other = switchboard_core::deadlines::DeadlineWorker::start(
        app.store.clone(),
        app.clock.clone(),
        rules,
        std::time::Duration::from_secs(1),
    )
    .await
    .unwrap();
    assert_eq!(other.tracked().await.unwrap(), 1);
    app.clock.set(start + SignedDuration::from_hours(20));
    // Both step: the crossing is raised once in all.
    let a = app.deadlines.run_once().await.unwrap();
    let b = other.run_once().await.unwrap();
    assert_eq!(a.len() + b.len(), 1, "{a:?} {b:?}");
}

#[tokio::test]
async fn off_hours_form_tickets_say_when_a_person_replies() {
    let app = TestApp::spawn().await;
    // Saturday evening: the marketplace works Monday to Friday 09–18.
    let saturday = msk(2026, 11, 7, 20, 0);
    app.clock.set(saturday);
    let t = app.open_ticket("buyer-1001", delivery_form()).await;
    let number =
        switchboard_domain::ids::TicketNumber::parse(t["number"].as_str().unwrap()).unwrap();
    let sent = app.store.ticket_outbound(number.id()).await.unwrap();
    let body = &sent[0].outbound.text;
    assert!(
        body.contains("09.11.2026 09:00"),
        "the confirmation names Monday 09:00: {body}"
    );
}

#[tokio::test]
async fn staff_have_a_shift_calendar_and_an_alert_address() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let r = app
        .post(
            "/api/v1/staff",
            &admin,
            json!({"login": "night-boss", "name": "Ночной старший", "role": "supervisor",
                   "password": "starry sky above", "email": "night@demo.example",
                   "calendar": "moscow_office"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["email"], "night@demo.example");
    assert_eq!(v["calendar"], "moscow_office");
    let r = app
        .post(
            "/api/v1/staff",
            &admin,
            json!({"login": "lost-op", "name": "Без календаря", "role": "operator",
                   "password": "far away from earth", "calendar": "mars_base"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // The demo's office-hours operator has her calendar from profile.toml.
    let all = app.get("/api/v1/staff", &admin).await;
    let all: Vec<Value> = all.json().await.unwrap();
    let partners = all.iter().find(|o| o["login"] == "partners-op").unwrap();
    assert_eq!(partners["calendar"], "moscow_office");
}
