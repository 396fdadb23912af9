//! Linking a Telegram account from the cabinet (issue 10): a one-time code
//! or the deep link, sent to the bot; what a contact may ask before; the
//! SMS step-up after; unlinking; two bots are two ways in. Through the real
//! app, its cabinet pages and the local Bot API server.

use reqwest::StatusCode;
use serde_json::{Value, json};
use switchboard_channels::Secret;
use switchboard_channels::telegram::{BotConfig, UpdateMode};

use super::fake_api::{FakeTelegram, TOKEN, press, text};
use super::helpers::TestApp;
use super::{BOT, app_with, buttons, open_conversation, tickets_seen_by};

/// The customer's browser in the cabinet: the session cookie, no redirects
/// followed (so a redirect's target can be checked).
pub struct Cabinet {
    client: reqwest::Client,
    cookie: String,
    base: String,
}

impl Cabinet {
    pub async fn sign_in(app: &TestApp, customer: &str) -> Cabinet {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let r = client
            .post(app.url("/account/signin"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("token={}", app.customer_token(customer)))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let cookie = r.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        Cabinet {
            client,
            cookie,
            base: app.base.clone(),
        }
    }

    async fn get(&self, path: &str) -> String {
        let r = self
            .client
            .get(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        r.text().await.unwrap()
    }

    async fn post(&self, path: &str, form: &str) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form.to_owned())
            .send()
            .await
            .unwrap()
    }

    /// "Get a code": the page shows it and the deep link; returns the
    /// code as the link carries it.
    pub async fn code(&self) -> String {
        let r = self.post("/account/messengers/code", "").await;
        assert_eq!(r.status(), StatusCode::OK);
        let page = r.text().await.unwrap();
        let link = format!("https://t.me/{BOT}?start=");
        let at = page.find(&link).expect("the deep link") + link.len();
        let code: String = page[at..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        assert_eq!(code.len(), 8, "{code}");
        let shown = format!("{}-{}", &code[..4], &code[4..]);
        assert!(page.contains(&shown), "the code is shown as {shown}");
        code
    }
}

async fn ticket(app: &TestApp, number: &str) -> Value {
    let sup = app.login("supervisor").await;
    let r = app.get(&format!("/api/v1/tickets/{number}"), &sup).await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

/// The buttons the bot showed `user` last under a message with `needle`.
async fn menu_after(tg: &FakeTelegram, user: i64, needle: &str, seen: usize) -> Vec<String> {
    let call = tg
        .wait_for(
            &format!("message {seen}+ to {user} with {needle:?}"),
            |calls| {
                calls
                    .iter()
                    .filter(|c| c.method == "sendMessage" && c.body["chat_id"] == json!(user))
                    .skip(seen)
                    .find(|c| c.body["text"].as_str().is_some_and(|t| t.contains(needle)))
                    .cloned()
            },
        )
        .await;
    buttons(&call)
}

fn sent_to(tg: &FakeTelegram, user: i64) -> usize {
    tg.calls("sendMessage")
        .iter()
        .filter(|c| c.body["chat_id"] == json!(user))
        .count()
}

#[tokio::test]
async fn a_customer_links_telegram_from_the_cabinet_and_the_operator_sees_their_orders() {
    let fake = FakeTelegram::start().await;
    let app = app_with(&fake, UpdateMode::Polling, true).await;
    let tg = &fake.api;
    // Before linking: a general question is fine, and the order step says how to link.
    let number = open_conversation(&app, tg, 701, "Как узнать, где посылка?").await;
    tg.message_to(701, "привяжите этот аккаунт к профилю").await;
    assert_eq!(ticket(&app, &number).await["customer_id"], Value::Null);

    let anna = Cabinet::sign_in(&app, "buyer-1001").await;
    assert!(anna.get("/account").await.contains("/account/messengers"));
    assert!(
        anna.get("/account/messengers")
            .await
            .contains("Пока ни одного")
    );
    // Another site cannot make the cabinet issue a code.
    let forged = anna
        .client
        .post(app.url("/account/messengers/code"))
        .header("cookie", &anna.cookie)
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let code = anna.code().await;

    let wrong = if code == "ABCD2345" {
        "ABCD2346"
    } else {
        "ABCD2345"
    };
    tg.push(text(701, 20, &format!("/start {wrong}")));
    tg.message_to(701, "Код не подошёл").await;
    // The deep link: Telegram sends "/start <code>".
    tg.push(text(701, 21, &format!("/start {code}")));
    tg.message_to(701, "привязан к профилю «Анна Смирнова»")
        .await;

    // The operator sees who it is: the conversation is Anna's, with her orders.
    let t = ticket(&app, &number).await;
    assert_eq!(t["customer_id"], "buyer-1001", "{t:#}");
    let sup = app.login("supervisor").await;
    let profile: Value = app
        .get("/api/v1/customers/buyer-1001", &sup)
        .await
        .json()
        .await
        .unwrap();
    assert!(profile.to_string().contains("MP-10001"), "{profile:#}");
    // "This helped" closes that one; her orders are offered in the bot now.
    tg.push(press(701, "h"));
    app.status_becomes(&sup, &number, "resolved").await;
    let seen = sent_to(tg, 701);
    tg.push(press(701, "t:marketplace:returns"));
    let orders = menu_after(tg, 701, "Вопрос про заказ?", seen).await;
    assert!(orders.contains(&"o:MP-10001".to_owned()), "{orders:?}");

    // A code works once: someone else sending it links nothing.
    tg.push(text(702, 1, &code.to_lowercase()));
    tg.message_to(702, "Код не подошёл").await;

    let page = anna.get("/account/messengers").await;
    assert!(page.contains("Telegram: 701"), "{page}");
    let r = anna
        .post("/account/messengers/unlink", "channel=telegram&address=701")
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/account/messengers?done=unlinked");
    let page = anna.get("/account/messengers?done=unlinked").await;
    assert!(page.contains("Аккаунт отвязан") && page.contains("Пока ни одного"));
    let again = anna
        .post("/account/messengers/unlink", "channel=telegram&address=701")
        .await;
    assert_eq!(
        again.headers()["location"],
        "/account/messengers?done=not_linked"
    );
    let bad = anna.post("/account/messengers/unlink", "channel=%FF").await;
    assert_eq!(bad.status(), StatusCode::SEE_OTHER);
    // Unlinked: no orders offered any more.
    let seen = sent_to(tg, 701);
    tg.push(press(701, "t:marketplace:returns"));
    let orders = menu_after(tg, 701, "Вопрос про заказ?", seen).await;
    assert!(!orders.iter().any(|b| b.starts_with("o:MP")), "{orders:?}");
}

#[tokio::test]
async fn wrong_codes_are_limited_and_a_code_expires() {
    let fake = FakeTelegram::start().await;
    let app = app_with(&fake, UpdateMode::Polling, true).await;
    let tg = &fake.api;
    let anna = Cabinet::sign_in(&app, "buyer-1001").await;
    let code = anna.code().await;
    for i in 0..5 {
        let seen = sent_to(tg, 703);
        tg.push(text(703, i, &format!("/link ZZZZ-{:04}", 2222 + i)));
        menu_after(tg, 703, "Код не подошёл", seen).await;
    }
    let seen = sent_to(tg, 703);
    tg.push(text(703, 10, &code));
    menu_after(tg, 703, "Слишком много неверных кодов", seen).await;

    // An hour later the counter starts over, but that code has expired.
    app.clock.advance(jiff::SignedDuration::from_mins(61));
    let seen = sent_to(tg, 703);
    tg.push(text(703, 11, &code));
    menu_after(tg, 703, "Код не подошёл", seen).await;
    let anna = Cabinet::sign_in(&app, "buyer-1001").await;
    let fresh = anna.code().await;
    let seen = sent_to(tg, 703);
    tg.push(text(703, 12, &fresh));
    menu_after(tg, 703, "привязан к профилю", seen).await;
    // Sending a code again once linked changes nothing.
    let seen = sent_to(tg, 703);
    tg.push(text(703, 13, &fresh));
    menu_after(tg, 703, "уже привязан", seen).await;
}

#[tokio::test]
async fn bank_topics_ask_to_link_first_and_then_need_the_sms_code() {
    let fake = FakeTelegram::start().await;
    let app = app_with(&fake, UpdateMode::Polling, true).await;
    let tg = &fake.api;
    tg.push(press(704, "t:bank_retail:cards"));
    let back = menu_after(tg, 704, "только после входа", 0).await;
    assert_eq!(back, vec!["m".to_owned()]);
    // In English for an English-speaking Telegram user.
    let mut english = press(705, "t:bank_retail:cards");
    english["callback_query"]["from"]["language_code"] = json!("en");
    tg.push(english);
    tg.message_to(705, "only once you are signed in").await;

    let irina = Cabinet::sign_in(&app, "bank-3001").await;
    let code = irina.code().await;
    tg.push(text(704, 1, &code));
    tg.message_to(704, "«Ирина Волкова»").await;
    let seen = sent_to(tg, 704);
    tg.push(press(704, "t:bank_retail:cards"));
    menu_after(tg, 704, "Напишите ваш вопрос", seen).await;
    tg.push(text(704, 2, "Карта не проходит оплату в магазине"));
    tg.wait_for("the bot's answer", |calls| {
        calls
            .iter()
            .find(|c| c.body["chat_id"] == json!(704) && buttons(c).contains(&"c".to_owned()))
            .cloned()
    })
    .await;
    tg.push(press(704, "c"));
    tg.message_to(704, "+7••••••6655").await;
    let (list, bank) = tickets_seen_by(&app, "bank-op").await;
    assert_eq!(bank.len(), 1, "{list:#?}");
    assert_eq!(bank[0]["customer_id"], "bank-3001");
    assert_eq!(
        bank[0]["status"], "with_bot",
        "no operator before the SMS code"
    );
}

/// Two bots: a webhook for each, updates posted as Telegram would.
async fn hook(app: &TestApp, bot: &str, update: Value, id: i64) {
    let mut update = update;
    update["update_id"] = json!(id);
    let r = app
        .client
        .post(app.url(&format!("/channels/telegram/{bot}")))
        .header("X-Telegram-Bot-Api-Secret-Token", "hook_secret-42")
        .json(&update)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn one_person_writing_to_two_bots_has_two_conversations() {
    let fake = FakeTelegram::start().await;
    let url = fake.url.clone();
    let app = TestApp::spawn_with(|s| {
        let t = &mut s.config.telegram;
        t.api_url = url;
        t.mode = UpdateMode::Webhook;
        t.public_url = "https://support.example".into();
        t.webhook_secret = Some(Secret::new("hook_secret-42"));
        t.bots = ["shop_help_bot", "travel_help_bot"]
            .into_iter()
            .map(|name| BotConfig {
                name: name.into(),
                token: Secret::new(TOKEN),
            })
            .collect();
        s.config.outbox.run_worker = true;
        s.config.outbox.poll_interval_ms = 20;
    })
    .await;
    let tg = &fake.api;
    let question = "Курьер не приехал, где моя посылка?";
    let mut id = 1;
    for bot in ["shop_help_bot", "travel_help_bot"] {
        for step in ["l:marketplace", "t:marketplace:delivery", "o:-"] {
            hook(&app, bot, press(706, step), id).await;
            id += 1;
        }
        hook(&app, bot, text(706, id, question), id).await;
        id += 1;
    }
    let (list, mine) = tickets_seen_by(&app, "supervisor").await;
    assert_eq!(mine.len(), 2, "one conversation per bot: {list:#?}");
    assert!(
        tg.calls("sendMessage").iter().all(|c| !c.body["text"]
            .as_str()
            .unwrap_or("")
            .contains("уже обращались")),
        "nothing was joined"
    );
}
