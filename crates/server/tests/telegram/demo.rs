//! The demo profile's bot (issue 10): configured by default, polled from a
//! local Bot API server when one runs. With nothing listening the service
//! starts cleanly and the bot waits without being reported as failing; once
//! a server answers on that address, the bot is polled.

use switchboard_channels::Secret;
use switchboard_channels::telegram::{BotConfig, DEMO_BOT, TelegramConfig};

use super::fake_api::{FakeTelegram, TOKEN, text};
use super::helpers::TestApp;

#[test]
fn the_default_configuration_has_the_demo_bot_on_a_local_address() {
    let t = TelegramConfig::default();
    assert!(t.is_enabled());
    assert_eq!(t.bots[0].name, DEMO_BOT);
    assert!(t.api_url.starts_with("http://127.0.0.1:"), "{}", t.api_url);
}

#[tokio::test]
async fn a_bot_whose_api_is_not_there_waits_quietly_and_is_polled_once_it_is() {
    // A free port, closed again: nothing listens there yet.
    let addr = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let app = TestApp::spawn_with(|s| {
        s.config.telegram = TelegramConfig {
            api_url: format!("http://{addr}"),
            poll_timeout_secs: 1,
            bots: vec![BotConfig {
                name: DEMO_BOT.into(),
                token: Secret::new(TOKEN),
            }],
            ..TelegramConfig::default()
        };
        s.config.outbox.run_worker = true;
        s.config.outbox.poll_interval_ms = 20;
    })
    .await;
    super::readyz(&app).await;

    let fake = FakeTelegram::start_on(&addr.to_string()).await;
    let tg = &fake.api;
    tg.push(text(901, 1, "/start"));
    tg.message_to(901, "Выберите, с чем нужна помощь").await;
    let ready = super::readyz(&app).await;
    assert_eq!(ready["telegram"], "ok", "{ready}");
}
