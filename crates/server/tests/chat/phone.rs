//! The phone channel through the CTI API (issue 11): the PBX asks what to
//! do with each call and reports what happened; operators' consoles pop up
//! the caller; calls land in the customer's history and a ticket's audit
//! log; missed and off-hours calls become callback tasks; an operator on the
//! phone takes no chat.

use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};
use switchboard_server::clock::Clock;

use crate::support::*;

pub const CTI: &str = "cti-test-token-0123456789";
pub const TOLL_FREE: &str = "+78002500505";
pub const TRAVEL: &str = "+78002500707";
/// buyer-1001's phone in the demo profile.
pub const BUYER: &str = "+79161234567";

/// A node with the CTI API on and the stale-call sweeper stepped by hand.
pub async fn phone_node() -> Node {
    phone_node_at(office_hours()).await
}

pub async fn phone_node_at(at: Timestamp) -> Node {
    phone_node_on(at, |_| {}).await
}

pub async fn phone_node_with(tune: impl FnOnce(&mut switchboard_server::Config)) -> Node {
    phone_node_on(office_hours(), tune).await
}

async fn phone_node_on(at: Timestamp, tune: impl FnOnce(&mut switchboard_server::Config)) -> Node {
    let clock = std::sync::Arc::new(switchboard_server::clock::ManualClock::new(at));
    node_with_clock(
        switchboard_store::testing::fresh_store().await,
        clock,
        |c| {
            c.phone.cti_token = Some(serde_json::from_value(json!(CTI)).unwrap());
            c.phone.run_sweeper = false;
            c.phone.operator_uri = "sip:{login}@127.0.0.1:5070".into();
            // The tests move the clock by minutes between calls; the console's
            // presence lease is renewed on wall-clock ticks, so a 60-second
            // lease could lapse between a jump and the next renewal.
            c.chat.presence_lease_secs = 24 * 3600;
            tune(c);
        },
    )
    .await
}

pub async fn offer(app: &Node, call_id: &str, to: &str, from: Option<&str>) -> (u16, Value) {
    app.post(
        "/api/v1/cti/calls",
        CTI,
        json!({"call_id": call_id, "to": to, "from": from}),
    )
    .await
}

pub async fn event(app: &Node, call_id: &str, kind: &str, operator: Option<&str>) -> (u16, Value) {
    app.post(
        &format!("/api/v1/cti/calls/{call_id}/events"),
        CTI,
        json!({"type": kind, "operator": operator}),
    )
    .await
}

pub async fn callbacks(app: &Node, staff: &str, query: &str) -> Vec<Value> {
    let (status, list) = app
        .get(&format!("/api/v1/phone/callbacks?{query}"), staff)
        .await;
    assert_eq!(status, 200, "{list}");
    list.as_array().unwrap().clone()
}

/// A Saturday noon in Moscow after `from`: the Moscow office is closed.
pub fn saturday_noon(from: Timestamp) -> Timestamp {
    let mut day = from.in_tz("Europe/Moscow").unwrap().date();
    while day.weekday() != jiff::civil::Weekday::Saturday {
        day = day.tomorrow().unwrap();
    }
    day.at(12, 0, 0, 0)
        .in_tz("Europe/Moscow")
        .unwrap()
        .timestamp()
}

#[tokio::test]
async fn a_call_rings_free_operators_with_the_skill_and_pops_their_console() {
    let app = phone_node().await;
    let mut op = app.console("operator").await;
    let _bank = app.console("bank-op").await;
    let (status, d) = offer(&app, "call-1", TOLL_FREE, Some(BUYER)).await;
    assert_eq!(status, 200, "{d}");
    assert_eq!(d["action"], "connect");
    assert_eq!(d["repeated"], false);
    let logins: Vec<&str> = d["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["login"].as_str().unwrap())
        .collect();
    // The bank operator lacks the skill and is not rung.
    assert_eq!(logins, ["operator"]);
    assert_eq!(d["uri"], "sip:operator@127.0.0.1:5070");
    assert_eq!(d["ring_timeout_secs"], 20);
    assert_eq!(d["customer"], "buyer-1001");
    assert_eq!(d["line"], "marketplace");

    let pop = op.expect("screen_pop").await;
    assert_eq!(pop["call_id"], "call-1");
    assert_eq!(pop["customer"], "buyer-1001");
    assert_eq!(pop["caller"], BUYER);
    assert!(pop["name"].as_str().unwrap().len() > 3, "{pop}");
    assert!(
        pop["orders"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o.as_str().unwrap().starts_with("MP-10001")),
        "{pop}"
    );

    // The PBX asking again gets the same answer, and no second pop.
    let (status, again) = offer(&app, "call-1", TOLL_FREE, Some(BUYER)).await;
    assert_eq!(status, 200);
    assert_eq!(again["repeated"], true);
    assert_eq!(again["targets"], d["targets"]);
}

#[tokio::test]
async fn an_answered_call_is_in_the_customers_history_with_who_and_how_long() {
    let app = phone_node().await;
    let _op = app.console("operator").await;
    offer(&app, "call-2", TOLL_FREE, Some(BUYER)).await;
    let (s, r) = event(&app, "call-2", "ringing", Some("operator")).await;
    assert_eq!((s, r["result"].as_str()), (200, Some("applied")), "{r}");
    let (s, r) = event(&app, "call-2", "answered", Some("operator")).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["call"]["state"], "answered");
    app.clock.advance(SignedDuration::from_secs(95));
    let (s, r) = event(&app, "call-2", "hangup", None).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["call"]["outcome"], "answered");
    assert!(r["callback_id"].is_null());

    let staff = app.login("supervisor").await;
    let (s, history) = app
        .get("/api/v1/phone/calls?customer=buyer-1001", &staff)
        .await;
    assert_eq!(s, 200, "{history}");
    let call = &history[0];
    assert_eq!(call["call_id"], "call-2");
    assert_eq!(call["number"], TOLL_FREE);
    assert_eq!(call["outcome"], "answered");
    assert!(call["operator_id"].as_i64().is_some());
    let answered: Timestamp = call["answered_at"].as_str().unwrap().parse().unwrap();
    let ended: Timestamp = call["ended_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        ended.duration_since(answered),
        SignedDuration::from_secs(95)
    );
    assert!(callbacks(&app, &staff, "").await.is_empty());
}

#[tokio::test]
async fn a_missed_call_becomes_a_callback_an_operator_takes_and_completes() {
    let app = phone_node().await;
    let _op = app.console("operator").await;
    offer(&app, "call-3", TOLL_FREE, Some(BUYER)).await;
    let (s, r) = event(&app, "call-3", "missed", None).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["call"]["outcome"], "missed");
    let id = r["callback_id"].as_i64().expect("a callback");

    let op = app.login("operator").await;
    let open = callbacks(&app, &op, "line=marketplace&status=open").await;
    assert_eq!(open.len(), 1);
    assert_eq!(open[0]["phone"], BUYER);
    assert_eq!(open[0]["customer"], "buyer-1001");
    // Due within the number's two business hours.
    let due: Timestamp = open[0]["due_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        due.duration_since(app.clock.now()),
        SignedDuration::from_hours(2)
    );

    // Someone without the line's skill may not take it.
    let bank = app.login("bank-op").await;
    let (s, p) = app
        .post(
            &format!("/api/v1/phone/callbacks/{id}/take"),
            &bank,
            json!({}),
        )
        .await;
    assert_eq!((s, p["code"].as_str()), (403, Some("not_your_queue")));
    // Nor see it, nor the caller's call history (banking secrecy works
    // both ways: each side sees its own lines' calls and customers).
    assert!(callbacks(&app, &bank, "status=open").await.is_empty());
    let (s, _) = app
        .get("/api/v1/phone/calls?customer=buyer-1001", &bank)
        .await;
    assert_eq!(s, 403);
    let (s, history) = app
        .get("/api/v1/phone/calls?customer=buyer-1001", &op)
        .await;
    assert_eq!(
        (s, history.as_array().map(Vec::len)),
        (200, Some(1)),
        "{history}"
    );
    // Completing before taking is refused.
    let (s, p) = app
        .post(
            &format!("/api/v1/phone/callbacks/{id}/complete"),
            &op,
            json!({"outcome": "reached"}),
        )
        .await;
    assert_eq!((s, p["code"].as_str()), (409, Some("callback_not_taken")));

    let (s, taken) = app
        .post(
            &format!("/api/v1/phone/callbacks/{id}/take"),
            &op,
            json!({}),
        )
        .await;
    assert_eq!(
        (s, taken["status"].as_str()),
        (200, Some("taken")),
        "{taken}"
    );
    app.clock.advance(SignedDuration::from_mins(30));
    let (s, done) = app
        .post(
            &format!("/api/v1/phone/callbacks/{id}/complete"),
            &op,
            json!({"outcome": "reached", "note": "Курьер приедет завтра"}),
        )
        .await;
    assert_eq!(s, 200, "{done}");
    assert_eq!(done["status"], "done");
    assert_eq!(done["outcome"], "reached");
    assert_eq!(done["in_time"], true);
    assert!(callbacks(&app, &op, "status=open").await.is_empty());
}

#[tokio::test]
async fn off_hours_calls_hear_when_the_line_opens_and_leave_one_callback() {
    let app = phone_node_at(saturday_noon(office_hours())).await;
    let (s, d) = offer(&app, "call-4", TOLL_FREE, Some(BUYER)).await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["action"], "announce");
    assert_eq!(d["sip_code"], 480);
    let a = &d["announcement"];
    assert_eq!(a["code"], "off_hours");
    assert_eq!(a["locale"], "ru");
    assert_eq!(a["sound"], "off_hours.ru");
    assert_eq!(a["offer_callback"], true);
    // Monday 09:00 Moscow time (the demo office), said in the text.
    let opens: Timestamp = a["opens_at"].as_str().unwrap().parse().unwrap();
    let local = opens.in_tz("Europe/Moscow").unwrap();
    assert_eq!(local.weekday(), jiff::civil::Weekday::Monday);
    assert_eq!((local.hour(), local.minute()), (9, 0));
    assert!(a["text"].as_str().unwrap().contains("09:00"), "{a}");
    assert_eq!(d["outcome"], "off_hours");

    // Calling again while the callback waits adds to it.
    offer(&app, "call-5", TOLL_FREE, Some(BUYER)).await;
    let staff = app.login("supervisor").await;
    let list = callbacks(&app, &staff, "status=open").await;
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0]["calls"], 2);
    // Due two business hours after the office opens.
    let due: Timestamp = list[0]["due_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(due, opens + SignedDuration::from_hours(2));
    // A hang-up after the announcement changes nothing.
    let (s, r) = event(&app, "call-4", "hangup", None).await;
    assert_eq!((s, r["result"].as_str()), (200, Some("repeat")));
    assert_eq!(callbacks(&app, &staff, "").await.len(), 1);
}

#[tokio::test]
async fn travel_serves_eligible_clients_from_the_booking_phone_only() {
    let app = phone_node().await;
    let _travel = app.console("travel-op").await;
    // A hotel booking with the Priority package, from the booking's phone.
    let (_, d) = offer(&app, "t-1", TRAVEL, Some("+79167778899")).await;
    assert_eq!(d["action"], "connect", "{d}");
    assert_eq!(d["targets"][0]["login"], "travel-op");
    // A basic rail trip weeks ahead: not eligible.
    let (_, d) = offer(&app, "t-2", TRAVEL, Some("+79054443322")).await;
    assert_eq!(d["action"], "announce", "{d}");
    assert_eq!(d["announcement"]["code"], "not_eligible");
    assert_eq!(d["announcement"]["offer_callback"], false);
    assert_eq!(d["outcome"], "rejected");
    // A buyer with no booking, and a withheld number: not eligible either.
    let (_, d) = offer(&app, "t-3", TRAVEL, Some(BUYER)).await;
    assert_eq!(d["announcement"]["code"], "not_eligible");
    let (_, d) = offer(&app, "t-4", TRAVEL, Some("anonymous")).await;
    assert_eq!(d["announcement"]["code"], "not_eligible");
    assert!(d["caller"].is_null());
    let staff = app.login("supervisor").await;
    assert!(callbacks(&app, &staff, "").await.is_empty());
}

#[tokio::test]
async fn nobody_free_or_a_blocked_caller() {
    let app = phone_node().await;
    // Nobody online with the skill: the caller hears so and gets a callback.
    let (_, d) = offer(&app, "n-1", TOLL_FREE, Some(BUYER)).await;
    assert_eq!(d["announcement"]["code"], "no_operators", "{d}");
    assert_eq!(d["announcement"]["offer_callback"], true);
    assert_eq!(d["outcome"], "missed");
    let staff = app.login("supervisor").await;
    assert_eq!(callbacks(&app, &staff, "status=open").await.len(), 1);
    // A blocked number is rejected with 603.
    let (_, d) = offer(&app, "n-2", TOLL_FREE, Some("+7 999 000-00-00")).await;
    assert_eq!(d["action"], "reject", "{d}");
    assert_eq!(d["sip_code"], 603);
    assert_eq!(d["reason"], "blocked");
    assert_eq!(d["outcome"], "rejected");
    assert_eq!(callbacks(&app, &staff, "").await.len(), 1);
}

#[tokio::test]
async fn a_call_attached_to_a_ticket_is_in_its_audit_log() {
    let app = phone_node().await;
    let _op = app.console("operator").await;
    let mut c = app.customer("buyer-1001").await;
    let number = open_delivery_chat(&mut c, "Где мой заказ?").await;
    offer(&app, "call-6", TOLL_FREE, Some(BUYER)).await;
    event(&app, "call-6", "answered", Some("operator")).await;
    event(&app, "call-6", "hangup", None).await;
    let op = app.login("operator").await;
    let (s, call) = app
        .post(
            "/api/v1/phone/calls/call-6/ticket",
            &op,
            json!({"ticket": number}),
        )
        .await;
    assert_eq!(s, 200, "{call}");
    assert_eq!(call["ticket"], number);
    let (_, events) = app
        .get(&format!("/api/v1/tickets/{number}/events"), &op)
        .await;
    let entry = events
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "call")
        .unwrap_or_else(|| panic!("no call entry in {events}"))
        .clone();
    assert_eq!(entry["data"]["call_id"], "call-6", "{entry}");
    assert_eq!(entry["data"]["outcome"], "answered", "{entry}");
    assert_eq!(entry["data"]["number"], TOLL_FREE, "{entry}");
    assert_eq!(entry["actor"]["kind"], "operator", "{entry}");
    let (_, calls) = app
        .get(&format!("/api/v1/tickets/{number}/calls"), &op)
        .await;
    assert_eq!(calls[0]["call_id"], "call-6");
    // Once attached, it stays with that ticket.
    let (s, p) = app
        .post(
            "/api/v1/phone/calls/call-6/ticket",
            &op,
            json!({"ticket": "SB-999999"}),
        )
        .await;
    assert_eq!(s, 404, "{p}");
}

#[tokio::test]
async fn an_operator_on_the_phone_takes_no_chat_until_the_call_ends() {
    let app = phone_node().await;
    let mut op = app.console("operator").await;
    offer(&app, "call-7", TOLL_FREE, Some(BUYER)).await;
    op.expect("screen_pop").await;
    event(&app, "call-7", "answered", Some("operator")).await;
    // A second call finds nobody free.
    let (_, d) = offer(&app, "call-8", TOLL_FREE, Some("+79031112233")).await;
    assert_eq!(d["announcement"]["code"], "no_operators", "{d}");

    let mut c = app.customer("buyer-1002").await;
    c.expect("hello").await;
    c.send(json!({"type": "topic", "line": "marketplace", "topic": "delivery"}))
        .await;
    c.expect("order_required").await;
    c.send(json!({"type": "order", "number": "MP-10005"})).await;
    c.expect("ready").await;
    c.send(json!({"type": "message", "client_id": "q-1", "body": "Курьер не звонит"}))
        .await;
    let number = c.expect("ack").await["conversation"]
        .as_str()
        .unwrap()
        .to_owned();
    c.send(json!({"type": "call_operator", "conversation": number}))
        .await;
    c.until(|v| v["type"] == "conversation" && v["status"] == "queued")
        .await;
    app.chat.route_once().await.unwrap();
    let staff = app.login("supervisor").await;
    let (_, t) = app.get(&format!("/api/v1/tickets/{number}"), &staff).await;
    assert_eq!(t["status"], "queued", "on the phone: no chat");

    event(&app, "call-7", "hangup", None).await;
    let got = op.until(|v| v["type"] == "assigned").await;
    assert_eq!(got["conversation"], number);
}
