//! Reports end to end (issue 14): a day of work through the API, then every
//! report checked against the same numbers recomputed here from the raw
//! audit events and message logs; a late change shows up at once; CSV;
//! access and bad parameters.

use jiff::civil::date;
use jiff::{SignedDuration, Timestamp};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, delivery_form, first_problem};

fn msk(d: i8, h: i8, min: i8) -> Timestamp {
    date(2026, 11, d)
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

fn form(customer_text: &str) -> Value {
    let mut f = delivery_form();
    f["description"] = json!(customer_text);
    f
}

struct Day {
    app: TestApp,
    op: String,
    sup: String,
    numbers: Vec<String>,
}

async fn at_do(app: &TestApp, at: Timestamp, path: &str, token: &str, body: Value) -> Value {
    app.clock.set(at);
    let r = app.post(path, token, body).await;
    let status = r.status();
    let v: Value = r.json().await.unwrap();
    assert!(status.is_success(), "{path}: {status} {v}");
    v
}

async fn open(app: &TestApp, at: Timestamp, customer: &str, text: &str) -> String {
    app.clock.set(at);
    let mut f = form(text);
    f["order_number"] = json!(match customer {
        "buyer-1002" => "MP-10005",
        "buyer-1003" => "MP-10007",
        _ => "MP-10001",
    });
    f["problem"] = json!(first_problem("marketplace", "delivery"));
    app.open_ticket(customer, f).await["number"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Tuesday 10 November 2026, Moscow: three tickets worked through the API.
async fn a_day() -> Day {
    let app = TestApp::spawn().await;
    let op = app.login("operator").await;
    let sup = app.login("supervisor").await;
    let a = open(
        &app,
        msk(10, 9, 0),
        "buyer-1001",
        "Заказ не пришёл, трекинг стоит",
    )
    .await;
    let b = open(
        &app,
        msk(10, 9, 1),
        "buyer-1002",
        "Курьер не позвонил перед доставкой",
    )
    .await;
    let c = open(
        &app,
        msk(10, 17, 50),
        "buyer-1003",
        "Посылка пришла пустая, нужна помощь",
    )
    .await;
    let cust = |id: &str| app.customer_token(id);
    // A: first answer in 12 minutes, a next answer in 20, resolved, reopened, answered in 10.
    at_do(
        &app,
        msk(10, 9, 5),
        &format!("/api/v1/tickets/{a}/take"),
        &op,
        json!({}),
    )
    .await;
    at_do(
        &app,
        msk(10, 9, 12),
        &format!("/api/v1/tickets/{a}/replies"),
        &op,
        json!({"body": "Проверяем"}),
    )
    .await;
    at_do(
        &app,
        msk(10, 9, 30),
        &format!("/api/v1/customer/tickets/{a}/messages"),
        &cust("buyer-1001"),
        json!({"body": "Есть новости?"}),
    )
    .await;
    at_do(
        &app,
        msk(10, 9, 50),
        &format!("/api/v1/tickets/{a}/replies"),
        &op,
        json!({"body": "Заказ у курьера"}),
    )
    .await;
    at_do(
        &app,
        msk(10, 10, 0),
        &format!("/api/v1/tickets/{a}/resolve"),
        &op,
        json!({}),
    )
    .await;
    at_do(
        &app,
        msk(10, 10, 30),
        &format!("/api/v1/customer/tickets/{a}/reopen"),
        &cust("buyer-1001"),
        json!({"body": "Так и не пришёл"}),
    )
    .await;
    at_do(
        &app,
        msk(10, 10, 40),
        &format!("/api/v1/tickets/{a}/replies"),
        &op,
        json!({"body": "Оформили возврат"}),
    )
    .await;
    at_do(
        &app,
        msk(10, 10, 50),
        &format!("/api/v1/tickets/{a}/resolve"),
        &op,
        json!({}),
    )
    .await;
    // B: first answer in 40 minutes, moved to the courier queue, resolved by the supervisor.
    at_do(
        &app,
        msk(10, 9, 41),
        &format!("/api/v1/tickets/{b}/replies"),
        &op,
        json!({"body": "Передадим курьерской службе"}),
    )
    .await;
    at_do(
        &app,
        msk(10, 9, 45),
        &format!("/api/v1/tickets/{b}/transfer"),
        &op,
        json!({"line": "delivery", "topic": "delivery"}),
    )
    .await;
    at_do(
        &app,
        msk(10, 12, 1),
        &format!("/api/v1/tickets/{b}/resolve"),
        &sup,
        json!({}),
    )
    .await;
    // C: arrives ten minutes before closing, answered at 09:10 next morning
    // (20 working minutes), then turned into a claim.
    at_do(
        &app,
        msk(11, 9, 10),
        &format!("/api/v1/tickets/{c}/replies"),
        &op,
        json!({"body": "Разбираемся"}),
    )
    .await;
    at_do(
        &app,
        msk(11, 9, 20),
        &format!("/api/v1/customer/tickets/{c}/claim"),
        &cust("buyer-1003"),
        json!({"body": "Требую вернуть деньги"}),
    )
    .await;
    // Much later: the deadline worker raises whatever is overdue.
    app.clock.set(msk(25, 12, 0));
    app.deadlines.run_once().await.unwrap();
    Day {
        numbers: vec![a, b, c],
        app,
        op,
        sup,
    }
}

async fn report(app: &TestApp, token: &str, name: &str, extra: &str) -> Value {
    let r = app
        .get(
            &format!(
                "/api/v1/reports/{name}?from=2026-11-10&to=2026-11-10&tz=Europe/Moscow{extra}"
            ),
            token,
        )
        .await;
    let status = r.status();
    let v: Value = r.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{name}: {v}");
    v
}

/// What one ticket's raw logs say, computed here without the server's code.
#[derive(Debug, Default)]
struct FromLogs {
    first_ms: Option<i64>,
    next_ms: Vec<i64>,
    resolution_ms: Option<i64>,
    breached: Vec<String>,
    reopens: u64,
    transfers: u64,
    claim: bool,
}

async fn from_logs(app: &TestApp, token: &str, number: &str) -> FromLogs {
    let t: Value = app
        .get(&format!("/api/v1/tickets/{number}"), token)
        .await
        .json()
        .await
        .unwrap();
    let events: Vec<Value> = app
        .get(&format!("/api/v1/tickets/{number}/events"), token)
        .await
        .json()
        .await
        .unwrap();
    let created = ts(&t["created_at"]);
    let mut out = FromLogs::default();
    let mut resolved_at = None;
    for e in &events {
        match e["kind"].as_str().unwrap() {
            "status_changed" if e["data"]["to"] == "resolved" => resolved_at = Some(ts(&e["at"])),
            "sla_breached" => out
                .breached
                .push(e["data"]["target"].as_str().unwrap().to_owned()),
            "reopened" => out.reopens += 1,
            "topic_changed" => out.transfers += 1,
            "assigned" if !e["data"]["from"].is_null() && !e["data"]["to"].is_null() => {
                out.transfers += 1
            }
            "claim_filed" => out.claim = true,
            _ => {}
        }
    }
    if matches!(t["status"].as_str(), Some("resolved" | "closed")) {
        out.resolution_ms =
            resolved_at.map(|r| (r - created).total(jiff::Unit::Millisecond).unwrap() as i64);
    }
    let mut waiting: Option<Timestamp> = None;
    for m in t["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["visibility"] == "public")
    {
        let at = ts(&m["created_at"]);
        match m["author"]["kind"].as_str().unwrap() {
            "operator" if out.first_ms.is_none() => {
                out.first_ms = Some(ms(at.duration_since(created)))
            }
            "operator" => {
                if let Some(w) = waiting.take() {
                    out.next_ms.push(ms(at.duration_since(w)));
                }
            }
            "customer" if out.first_ms.is_some() => {
                waiting.get_or_insert(at);
            }
            _ => {}
        }
    }
    out
}

fn ms(d: SignedDuration) -> i64 {
    d.as_millis() as i64
}

#[tokio::test]
async fn reports_agree_with_the_audit_logs_and_follow_late_changes() {
    let day = a_day().await;
    let (app, sup) = (&day.app, &day.sup);
    let mut logs = Vec::new();
    for n in &day.numbers {
        logs.push(from_logs(app, sup, n).await);
    }
    // The scenario, as the raw logs tell it.
    assert_eq!(logs[0].first_ms, Some(12 * 60_000));
    assert_eq!(logs[0].next_ms, [20 * 60_000, 10 * 60_000]);
    assert_eq!(logs[1].first_ms, Some(40 * 60_000));

    let r = report(app, sup, "responses", "").await;
    let mut firsts: Vec<i64> = logs.iter().filter_map(|l| l.first_ms).collect();
    firsts.sort();
    let fr = &r["first_response"];
    assert_eq!(fr["count"], firsts.len());
    assert_eq!(fr["median_ms"], firsts[firsts.len().div_ceil(2) - 1]);
    assert_eq!(fr["p90_ms"], *firsts.last().unwrap());
    let bucketed: u64 = fr["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["tickets"].as_u64().unwrap())
        .sum();
    assert_eq!(bucketed, firsts.len() as u64);
    let nexts: Vec<i64> = logs.iter().flat_map(|l| l.next_ms.clone()).collect();
    assert_eq!(r["next_response"]["count"], nexts.len());
    assert_eq!(
        r["next_response"]["mean_ms"],
        nexts.iter().sum::<i64>() / nexts.len() as i64
    );
    let mut resolutions: Vec<i64> = logs.iter().filter_map(|l| l.resolution_ms).collect();
    resolutions.sort();
    assert_eq!(r["resolution"]["count"], resolutions.len());
    assert_eq!(r["resolution"]["median_ms"], resolutions[0]);
    assert_eq!(r["period"]["time_zone"], "Europe/Moscow");

    // Business time: C waited 15 h 20 min on the clock, 20 working minutes.
    let biz = report(app, sup, "responses", "&time=business").await;
    assert_eq!(biz["period"]["time"], "business");
    let c_calendar = logs[2].first_ms.unwrap();
    assert_eq!(c_calendar, (15 * 60 + 20) * 60_000);
    assert_eq!(
        biz["first_response"]["p90_ms"],
        40 * 60_000,
        "C's 20 working minutes are not the longest"
    );
    assert_eq!(biz["first_response"]["median_ms"], 20 * 60_000);

    let sla = report(app, sup, "sla", "&group=topic").await;
    let breached = |target: &str| {
        logs.iter()
            .filter(|l| l.breached.iter().any(|b| b == target))
            .count()
    };
    assert_eq!(sla["overall"]["tickets"], 3);
    assert_eq!(
        sla["overall"]["first_response"]["breached"],
        breached("first_response")
    );
    assert_eq!(
        sla["overall"]["resolution"]["breached"],
        breached("resolution")
    );
    let keys: Vec<&str> = sla["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["delivery/delivery", "marketplace/delivery"]);

    let tr = report(app, sup, "transfers", "").await;
    assert_eq!(
        tr["transfers"],
        logs.iter().map(|l| l.transfers).sum::<u64>()
    );
    assert_eq!(
        tr["reopened"],
        logs.iter().filter(|l| l.reopens > 0).count()
    );
    assert_eq!(tr["resolved"], 2);
    assert_eq!(tr["reopen_rate"], 0.5);

    let claims = report(app, sup, "claims", "").await;
    assert_eq!(claims["filed"], logs.iter().filter(|l| l.claim).count());
    assert_eq!(claims["open"], 1);

    let vol = report(app, sup, "volume", "").await;
    assert_eq!(vol["total"], 3);
    assert_eq!(vol["by_hour"][9], 2, "hours are Moscow hours");
    assert_eq!(vol["by_hour"][17], 1);
    assert_eq!(vol["by_channel"][0], json!({"key": "form", "tickets": 3}));

    let backlog = report(app, sup, "backlog", "").await;
    assert_eq!(backlog["open"], 1);

    // A late change: B is reopened two weeks on; the reports follow at once.
    let b = &day.numbers[1];
    at_do(
        app,
        msk(25, 12, 5),
        &format!("/api/v1/customer/tickets/{b}/reopen"),
        &app.customer_token("buyer-1002"),
        json!({"body": "Курьер так и не приехал"}),
    )
    .await;
    let tr = report(app, sup, "transfers", "").await;
    assert_eq!(tr["reopened"], 2);
    assert_eq!(tr["resolved"], 1);
    let backlog = report(app, sup, "backlog", "").await;
    assert_eq!(backlog["open"], 2);
}

#[tokio::test]
async fn reports_come_as_csv_and_the_month_export_has_a_row_per_ticket() {
    let day = a_day().await;
    let (app, sup) = (&day.app, &day.sup);
    let r = app
        .get("/api/v1/reports/sla?from=2026-11-01&to=2026-11-30&tz=Europe/Moscow&format=csv&group=channel", sup)
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let body = r.text().await.unwrap();
    assert!(body.starts_with("metric,value\r\n"), "{body}");
    assert!(body.contains("overall.tickets,3\r\n"), "{body}");
    assert!(body.contains("groups.form.tickets,3\r\n"), "{body}");

    let r = app
        .get(
            "/api/v1/reports/tickets?from=2026-11-01&to=2026-11-30&tz=Europe/Moscow",
            sup,
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let body = r.text().await.unwrap();
    let lines: Vec<&str> = body.lines().collect();
    assert_eq!(lines.len(), 4, "{body}");
    assert!(lines[0].starts_with("number,created_at,channel"));
    assert!(
        lines[1].starts_with(&format!(
            "{},2026-11-10T09:00:00+03:00,form,marketplace,delivery",
            day.numbers[0]
        )),
        "{}",
        lines[1]
    );
    assert!(
        lines[1].contains(",720000,2,900000,"),
        "first response 12 min, two next answers averaging 15: {}",
        lines[1]
    );
}

#[tokio::test]
async fn reports_are_for_supervisors_and_refuse_bad_parameters() {
    let day = a_day().await;
    let (app, op, sup) = (&day.app, &day.op, &day.sup);
    let r = app.get("/api/v1/reports/responses", op).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app.get("/api/v1/reports/responses", "nonsense").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    for (query, field) in [
        ("from=2026-02-30", "from"),
        ("to=tomorrow", "to"),
        ("tz=Mars/Base", "tz"),
        ("time=lunar", "time"),
        ("from=2026-12-01&to=2026-11-01", "from"),
        ("from=2024-01-01&to=2026-01-01", "to"),
        ("format=xml", "format"),
    ] {
        let r = app
            .get(&format!("/api/v1/reports/responses?{query}"), sup)
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        let v: Value = r.json().await.unwrap();
        assert!(
            v.to_string().contains(&format!("\"{field}\"")),
            "{query}: {v}"
        );
    }
    let r = app.get("/api/v1/reports/sla?group=weather", sup).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
