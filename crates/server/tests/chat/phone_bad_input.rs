//! Bad input to the CTI API (issue 11): a clear error or a safe decision,
//! nothing stored twice, nothing lost — unknown numbers, wrong tokens,
//! malformed bodies, reused call ids, events that are replayed, late or out
//! of order, caller ids that are withheld or not numbers, and calls the PBX
//! never finishes.

use jiff::SignedDuration;
use serde_json::json;

use crate::phone::*;
use crate::support::*;

#[tokio::test]
async fn the_pbx_must_bring_its_token() {
    let app = phone_node().await;
    let body = json!({"call_id": "x-1", "to": TOLL_FREE, "from": BUYER});
    let (s, p) = app
        .post("/api/v1/cti/calls", "wrong-token", body.clone())
        .await;
    assert_eq!((s, p["code"].as_str()), (401, Some("cti_token_invalid")));
    let r = app
        .http
        .post(format!("{}/api/v1/cti/calls", app.base))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    // Staff sessions are not PBX tokens.
    let staff = app.login("admin").await;
    let (s, _) = app.post("/api/v1/cti/calls", &staff, body.clone()).await;
    assert_eq!(s, 401);
    // Nothing was decided: the real call afterwards is the first.
    let (_, d) = offer(&app, "x-1", TOLL_FREE, Some(BUYER)).await;
    assert_eq!(d["repeated"], false);

    // Without a configured token the CTI API is off.
    let plain = single().await;
    let (s, p) = plain.post("/api/v1/cti/calls", CTI, body).await;
    assert_eq!((s, p["code"].as_str()), (403, Some("cti_not_configured")));
}

#[tokio::test]
async fn malformed_questions_get_clear_errors_and_store_nothing() {
    let app = phone_node().await;
    let staff = app.login("supervisor").await;
    let (s, p) = offer(&app, "u-1", "+74990000000", Some(BUYER)).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (422, Some("unknown_number")),
        "{p}"
    );
    let (s, p) = offer(&app, "u-2", "not a number", Some(BUYER)).await;
    assert_eq!((s, p["code"].as_str()), (422, Some("unknown_number")));
    for bad in ["", "has space", &"x".repeat(129), "звонок"] {
        let (s, p) = offer(&app, bad, TOLL_FREE, Some(BUYER)).await;
        assert_eq!(s, 422, "{bad:?}: {p}");
    }
    let r = app
        .http
        .post(format!("{}/api/v1/cti/calls", app.base))
        .bearer_auth(CTI)
        .header("content-type", "application/json")
        .body("{\"call_id\": \"u-3\", \"to\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let (s, _) = app
        .post(
            "/api/v1/cti/calls",
            CTI,
            json!({"call_id": "u-4", "to": TOLL_FREE, "extra": 1}),
        )
        .await;
    assert_eq!(s, 400);
    let (s, calls) = app
        .get("/api/v1/phone/calls?customer=buyer-1001", &staff)
        .await;
    assert_eq!(s, 200);
    assert_eq!(calls.as_array().unwrap().len(), 0, "{calls}");
}

#[tokio::test]
async fn a_call_id_reused_for_another_call_is_refused() {
    let app = phone_node().await;
    let _op = app.console("operator").await;
    let (_, first) = offer(&app, "r-1", TOLL_FREE, Some(BUYER)).await;
    let (s, p) = offer(&app, "r-1", TOLL_FREE, Some("+79031112233")).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (409, Some("call_id_reused")),
        "{p}"
    );
    let (s, p) = offer(&app, "r-1", "+74952500505", Some(BUYER)).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (409, Some("call_id_reused")),
        "{p}"
    );
    let (_, again) = offer(&app, "r-1", TOLL_FREE, Some(BUYER)).await;
    assert_eq!(again["customer"], first["customer"]);
    assert_eq!(again["repeated"], true);
}

#[tokio::test]
async fn events_replayed_late_or_out_of_order_change_nothing_twice() {
    let app = phone_node().await;
    let _op = app.console("operator").await;
    let staff = app.login("supervisor").await;
    let (s, p) = event(&app, "nobody", "hangup", None).await;
    assert_eq!(s, 404, "{p}");
    offer(&app, "e-1", TOLL_FREE, Some(BUYER)).await;
    let (s, p) = event(&app, "e-1", "picked_up", None).await;
    assert_eq!(s, 422, "{p}");
    let (s, p) = event(&app, "e-1", "answered", None).await;
    assert_eq!((s, p["code"].as_str()), (422, Some("operator_required")));
    let (s, p) = event(&app, "e-1", "answered", Some("bank-op")).await;
    assert_eq!((s, p["code"].as_str()), (422, Some("not_a_target")));
    // Hang-up before any answer: the caller gave up (abandoned), a callback.
    let (s, r) = event(&app, "e-1", "hangup", None).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["call"]["outcome"], "abandoned");
    assert!(r["callback_id"].as_i64().is_some());
    // The same hang-up again, and a late "missed": nothing new.
    let (_, r) = event(&app, "e-1", "hangup", None).await;
    assert_eq!(r["result"], "repeat");
    let (_, r) = event(&app, "e-1", "missed", None).await;
    assert_eq!(r["result"], "stale");
    let (_, r) = event(&app, "e-1", "ringing", Some("operator")).await;
    assert_eq!(r["result"], "stale");
    // An answer after the end is a contradiction.
    let (s, p) = event(&app, "e-1", "answered", Some("operator")).await;
    assert_eq!((s, p["code"].as_str()), (409, Some("call_ended")));
    let cbs = callbacks(&app, &staff, "").await;
    assert_eq!(cbs.len(), 1);
    assert_eq!(cbs[0]["calls"], 1);
    let (_, calls) = app
        .get("/api/v1/phone/calls?customer=buyer-1001", &staff)
        .await;
    assert_eq!(calls[0]["outcome"], "abandoned");

    // Answered twice by the same operator: one answer.
    offer(&app, "e-2", TOLL_FREE, Some(BUYER)).await;
    let (_, r) = event(&app, "e-2", "answered", Some("operator")).await;
    assert_eq!(r["result"], "applied");
    let answered_at = r["call"]["answered_at"].clone();
    app.clock.advance(SignedDuration::from_secs(5));
    let (_, r) = event(&app, "e-2", "answered", Some("operator")).await;
    assert_eq!(r["result"], "repeat");
    assert_eq!(r["call"]["answered_at"], answered_at);
    // A "missed" after the answer is late news.
    let (_, r) = event(&app, "e-2", "missed", None).await;
    assert_eq!(r["result"], "stale");
    assert_eq!(r["call"]["state"], "answered");
}

#[tokio::test]
async fn withheld_and_odd_caller_ids_are_served_but_not_called_back() {
    let app = phone_node().await;
    let _op = app.console("operator").await;
    let staff = app.login("supervisor").await;
    for (id, from) in [
        ("w-1", None),
        ("w-2", Some("anonymous")),
        ("w-3", Some("sip:alice@example.org")),
        ("w-4", Some("<script>")),
    ] {
        let (s, d) = offer(&app, id, TOLL_FREE, from).await;
        assert_eq!(s, 200, "{from:?}: {d}");
        assert_eq!(d["action"], "connect");
        assert!(d["caller"].is_null(), "{d}");
        assert!(d["customer"].is_null(), "{d}");
        let (_, r) = event(&app, id, "missed", None).await;
        assert_eq!(r["call"]["outcome"], "missed");
        assert!(r["callback_id"].is_null(), "nobody to call back: {r}");
    }
    // A national 8… number and a SIP URI with a number are understood.
    let (_, d) = offer(&app, "w-5", "sip:+78002500505@pbx", Some("89161234567")).await;
    assert_eq!(d["customer"], "buyer-1001", "{d}");
    assert!(callbacks(&app, &staff, "").await.is_empty());
}

#[tokio::test]
async fn calls_the_pbx_never_finishes_close_themselves() {
    let app = phone_node().await;
    let _op = app.console("operator").await;
    let staff = app.login("supervisor").await;
    offer(&app, "s-1", TOLL_FREE, Some(BUYER)).await;
    offer(&app, "s-2", TOLL_FREE, Some("+79031112233")).await;
    event(&app, "s-2", "answered", Some("operator")).await;
    app.clock.advance(SignedDuration::from_mins(9));
    assert_eq!(app.chat.close_stale_calls().await.unwrap(), 0);
    // Ringing for ten minutes: missed, with a callback.
    app.clock.advance(SignedDuration::from_mins(1));
    assert_eq!(app.chat.close_stale_calls().await.unwrap(), 1);
    let (_, calls) = app
        .get("/api/v1/phone/calls?customer=buyer-1001", &staff)
        .await;
    assert_eq!(calls[0]["outcome"], "missed");
    assert_eq!(calls[0]["timed_out"], true);
    assert_eq!(callbacks(&app, &staff, "status=open").await.len(), 1);
    // Talking for four hours without a hang-up: closed as answered.
    app.clock.advance(SignedDuration::from_hours(4));
    assert_eq!(app.chat.close_stale_calls().await.unwrap(), 1);
    let (_, calls) = app
        .get("/api/v1/phone/calls?customer=buyer-1002", &staff)
        .await;
    assert_eq!(calls[0]["outcome"], "answered");
    assert_eq!(calls[0]["timed_out"], true);
    assert_eq!(app.chat.close_stale_calls().await.unwrap(), 0);
    // The PBX's late hang-up is a repeat.
    let (_, r) = event(&app, "s-2", "hangup", None).await;
    assert_eq!(r["result"], "repeat");
}
