//! "Messengers" in the cabinet (`/account/messengers`): the customer's
//! linked Telegram and VK accounts with "unlink", and "get a code" — a
//! one-time code to send to the bot, with the Telegram deep link
//! `https://t.me/<bot>?start=<code>` for each bot (see
//! `switchboard_core::messenger::link`). Plain forms, no script; a form
//! posted from another site is refused (and the session cookie is
//! `SameSite=Lax` besides).

use axum::Form;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use switchboard_core::CoreError;
use switchboard_core::messenger::link::{CODE_VALID_MINUTES, IssuedCode};
use switchboard_domain::i18n::Locale;
use switchboard_domain::ticket::Channel;

use crate::state::AppState;
use crate::web::customer::session::{SignedIn, same_origin};
use crate::web::{Area, PageCtx, error_page, render, see_other};

pub struct MessengersText {
    pub card: &'static str,
    pub card_text: &'static str,
    pub title: &'static str,
    pub intro: &'static str,
    pub linked_title: &'static str,
    pub none_linked: &'static str,
    pub unlink: &'static str,
    pub unlinked: &'static str,
    pub not_linked: &'static str,
    pub get_code: &'static str,
    pub code_title: &'static str,
    pub code_valid: &'static str,
    pub open_telegram: &'static str,
    pub send_to_vk: &'static str,
    pub no_channels: &'static str,
}

const RU: MessengersText = MessengersText {
    card: "Мессенджеры",
    card_text: "Привяжите Telegram или VK, чтобы бот и оператор узнавали вас там",
    title: "Мессенджеры",
    intro: "Привяжите свой аккаунт в Telegram или VK: тогда в мессенджере оператор увидит ваш профиль и заказы, а по заказам и банковским продуктам можно будет спрашивать и там.",
    linked_title: "Привязанные аккаунты",
    none_linked: "Пока ни одного.",
    unlink: "Отвязать",
    unlinked: "Аккаунт отвязан.",
    not_linked: "Этот аккаунт уже не привязан.",
    get_code: "Получить код",
    code_title: "Ваш код",
    code_valid: "Отправьте его боту одним сообщением. Код действует минут:",
    open_telegram: "Открыть в Telegram",
    send_to_vk: "В VK отправьте код в личные сообщения сообщества",
    no_channels: "Мессенджеры пока не подключены.",
};

const EN: MessengersText = MessengersText {
    card: "Messengers",
    card_text: "Link Telegram or VK so that the bot and operators know you there",
    title: "Messengers",
    intro: "Link your Telegram or VK account: the operator then sees your profile and orders in the messenger, and you can ask about orders and bank products there too.",
    linked_title: "Linked accounts",
    none_linked: "None yet.",
    unlink: "Unlink",
    unlinked: "The account is unlinked.",
    not_linked: "That account is no longer linked.",
    get_code: "Get a code",
    code_title: "Your code",
    code_valid: "Send it to the bot in one message. Minutes it stays valid:",
    open_telegram: "Open in Telegram",
    send_to_vk: "In VK, send the code in a private message to the community",
    no_channels: "No messengers are connected yet.",
};

pub fn messengers_text(locale: Locale) -> &'static MessengersText {
    match locale {
        Locale::Ru => &RU,
        Locale::En => &EN,
    }
}

struct Linked {
    channel: &'static str,
    channel_name: &'static str,
    address: String,
}

struct Deep {
    bot: String,
    url: String,
}

struct ShownCode {
    display: String,
    minutes: i64,
    telegram: Vec<Deep>,
}

#[derive(askama::Template)]
#[template(path = "customer/messengers.html")]
struct MessengersPage<'a> {
    page: &'a crate::web::Page,
    w: &'static MessengersText,
    linked: Vec<Linked>,
    code: Option<ShownCode>,
    vk: Vec<String>,
    notice: Option<&'static str>,
    any_channel: bool,
}

#[derive(Debug, Deserialize)]
pub struct Shown {
    done: Option<String>,
}

/// `GET /account/messengers`.
pub async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: SignedIn,
    query: Result<Query<Shown>, QueryRejection>,
) -> Response {
    let w = messengers_text(ctx.locale());
    let notice = match query.as_ref().ok().and_then(|q| q.done.as_deref()) {
        Some("unlinked") => Some(w.unlinked),
        Some("not_linked") => Some(w.not_linked),
        _ => None,
    };
    show(&state, &ctx, &me, None, notice).await
}

/// `POST /account/messengers/code`: a new code, shown once.
pub async fn code(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    me: SignedIn,
) -> Response {
    if !same_origin(&headers) {
        return StatusCode::FORBIDDEN.into_response_plain();
    }
    match state.core.issue_link_code(&me.customer.id).await {
        Ok(issued) => show(&state, &ctx, &me, Some(issued), None).await,
        Err(e) => {
            tracing::error!(error = %e, "issuing a link code");
            error_page(&ctx, Area::Customer)
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct UnlinkForm {
    channel: String,
    address: String,
}

/// `POST /account/messengers/unlink` (form: `channel`, `address`).
pub async fn unlink(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    me: SignedIn,
    form: Result<Form<UnlinkForm>, FormRejection>,
) -> Response {
    if !same_origin(&headers) {
        return StatusCode::FORBIDDEN.into_response_plain();
    }
    let Ok(Form(form)) = form else {
        return see_other("/account/messengers?done=not_linked");
    };
    let Some(channel) = Channel::parse(&form.channel) else {
        return see_other("/account/messengers?done=not_linked");
    };
    match state
        .core
        .unlink_messenger(&me.customer.id, channel, form.address.trim())
        .await
    {
        Ok(()) => see_other("/account/messengers?done=unlinked"),
        Err(CoreError::NotFound) => see_other("/account/messengers?done=not_linked"),
        Err(e) => {
            tracing::error!(error = %e, "unlinking a messenger account");
            error_page(&ctx, Area::Customer)
        }
    }
}

async fn show(
    state: &AppState,
    ctx: &PageCtx,
    me: &SignedIn,
    issued: Option<IssuedCode>,
    notice: Option<&'static str>,
) -> Response {
    let w = messengers_text(ctx.locale());
    let linked = match state.core.linked_messengers(&me.customer.id).await {
        Ok(l) => l,
        Err(e) => {
            tracing::error!(error = %e, "reading linked messengers");
            return error_page(ctx, Area::Customer);
        }
    };
    let linked = linked
        .into_iter()
        .map(|i| Linked {
            channel: i.channel.as_str(),
            channel_name: match i.channel {
                Channel::Vk => "VK",
                _ => "Telegram",
            },
            address: i.address,
        })
        .collect();
    let bots = state
        .telegram
        .as_ref()
        .map(|t| t.bot_names())
        .unwrap_or_default();
    let code = issued.map(|c| ShownCode {
        display: c.code.display(),
        minutes: CODE_VALID_MINUTES,
        telegram: bots
            .iter()
            .map(|bot| Deep {
                bot: bot.clone(),
                url: format!("https://t.me/{bot}?start={}", c.code.as_str()),
            })
            .collect(),
    });
    let page = me.page(ctx, w.title);
    render(
        &page,
        StatusCode::OK,
        &MessengersPage {
            page: &page,
            w,
            linked,
            code,
            vk: state.vk_communities.clone(),
            notice,
            any_channel: !bots.is_empty() || !state.vk_communities.is_empty(),
        },
    )
}

trait Plain {
    fn into_response_plain(self) -> Response;
}

impl Plain for StatusCode {
    fn into_response_plain(self) -> Response {
        axum::response::IntoResponse::into_response(self)
    }
}
