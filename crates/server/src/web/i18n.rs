//! The pages' language and their shared words.
//!
//! Russian by default, English by choice: `?lang=en` (or `ru`) on any page
//! chooses, and the choice is kept in the `sb_lang` cookie for a year; without
//! either the page is Russian. The words are a typed catalogue: one struct of
//! `&'static str` per area, one `const` per language, so a missing
//! translation is a compile error, not a blank on the page. This file holds
//! the words every page shares ([`Common`]); each area keeps its own struct
//! beside its pages (`web/customer/text.rs`, `web/staff/…`).

use axum::extract::FromRequestParts;
use axum::http::HeaderValue;
use axum::http::request::Parts;
use switchboard_domain::i18n::Locale;

use crate::web::cookie;

pub const LANG_COOKIE: &str = "sb_lang";

/// The language of a page request, and whether the request chose it (then
/// the response keeps the choice in the cookie).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageLocale {
    pub locale: Locale,
    pub chosen: bool,
}

/// The cookie that keeps a language for a year.
pub fn lang_cookie(locale: Locale) -> Option<HeaderValue> {
    HeaderValue::from_str(&format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        locale.as_str()
    ))
    .ok()
}

/// The `lang` parameter of a raw query string, if it names a language we speak.
pub fn lang_param(query: Option<&str>) -> Option<Locale> {
    query?
        .split('&')
        .filter_map(|pair| pair.strip_prefix("lang="))
        .find_map(Locale::parse)
}

impl<S: Send + Sync> FromRequestParts<S> for PageLocale {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        if let Some(locale) = lang_param(parts.uri.query()) {
            return Ok(PageLocale {
                locale,
                chosen: true,
            });
        }
        let locale = cookie(&parts.headers, LANG_COOKIE)
            .and_then(Locale::parse)
            .unwrap_or(Locale::Ru);
        Ok(PageLocale {
            locale,
            chosen: false,
        })
    }
}

/// The href that shows the current page in the other language: the same
/// path and query, with `lang` replaced.
pub fn other_lang_href(path: &str, query: Option<&str>, other: Locale) -> String {
    let mut pairs: Vec<&str> = query
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("lang="))
        .collect();
    let lang = format!("lang={}", other.as_str());
    pairs.push(&lang);
    format!("{path}?{}", pairs.join("&"))
}

/// Words on every page.
pub struct Common {
    pub site: &'static str,
    pub skip_to_content: &'static str,
    /// The other language's own name, for the switch.
    pub other_lang_name: &'static str,
    pub other_lang: Locale,
    pub main_nav: &'static str,
    pub help: &'static str,
    pub account: &'static str,
    pub requests: &'static str,
    pub sign_in: &'static str,
    pub sign_out: &'static str,
    pub signed_in_as: &'static str,
    pub not_found_title: &'static str,
    pub not_found_text: &'static str,
    pub error_title: &'static str,
    pub error_text: &'static str,
}

const COMMON_RU: Common = Common {
    site: "Поддержка",
    skip_to_content: "Перейти к содержимому",
    other_lang_name: "English",
    other_lang: Locale::En,
    main_nav: "Основная навигация",
    help: "Центр помощи",
    account: "Мой кабинет",
    requests: "Мои обращения",
    sign_in: "Войти",
    sign_out: "Выйти",
    signed_in_as: "Вы вошли как",
    not_found_title: "Страница не найдена",
    not_found_text: "Такой страницы нет. Проверьте адрес или вернитесь на главную.",
    error_title: "Что-то пошло не так",
    error_text: "Мы уже знаем об ошибке. Попробуйте ещё раз через минуту.",
};

const COMMON_EN: Common = Common {
    site: "Support",
    skip_to_content: "Skip to content",
    other_lang_name: "Русский",
    other_lang: Locale::Ru,
    main_nav: "Main navigation",
    help: "Help centre",
    account: "My account",
    requests: "My requests",
    sign_in: "Sign in",
    sign_out: "Sign out",
    signed_in_as: "Signed in as",
    not_found_title: "Page not found",
    not_found_text: "There is no such page. Check the address or go back to the start.",
    error_title: "Something went wrong",
    error_text: "We know about the error. Please try again in a minute.",
};

pub fn common(locale: Locale) -> &'static Common {
    match locale {
        Locale::Ru => &COMMON_RU,
        Locale::En => &COMMON_EN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lang_parameter_wins_and_is_replaced_in_the_switch() {
        assert_eq!(lang_param(Some("q=x&lang=en")), Some(Locale::En));
        assert_eq!(lang_param(Some("lang=de")), None);
        assert_eq!(lang_param(None), None);
        assert_eq!(
            other_lang_href("/help/search", Some("q=%D0%B0&lang=en"), Locale::Ru),
            "/help/search?q=%D0%B0&lang=ru"
        );
        assert_eq!(other_lang_href("/help", None, Locale::En), "/help?lang=en");
    }
}
