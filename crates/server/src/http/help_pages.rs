//! The public help centre as plain server-rendered HTML: `/help`,
//! `/help/sections/{code}`, `/help/articles/{id}`, `/help/search?q=`.
//! Russian by default, English with `?lang=en` (kept on every link). No
//! JavaScript; every piece of text is HTML-escaped, and the only markup that
//! comes from elsewhere is the search's snippet, which the search escapes
//! itself before adding `<mark>`.

use std::fmt::Write as _;

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use switchboard_domain::i18n::Locale;

use crate::http::help::{
    ApiQuery, HelpSearchQuery, LangQuery, locale_of, published, published_in, search,
    visible_sections,
};
use crate::state::AppState;

/// Text made safe for HTML content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Percent-encodes a query-string value.
fn url_value(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

struct Words {
    title: &'static str,
    search: &'static str,
    placeholder: &'static str,
    sections: &'static str,
    results_for: &'static str,
    nothing_found: &'static str,
    not_found: &'static str,
    back: &'static str,
    other_lang: (&'static str, &'static str),
    updated: &'static str,
}

fn words(locale: Locale) -> Words {
    match locale {
        Locale::Ru => Words {
            title: "Центр помощи",
            search: "Найти",
            placeholder: "Опишите вопрос",
            sections: "Разделы",
            results_for: "Результаты поиска",
            nothing_found: "Ничего не нашлось. Попробуйте сказать иначе или напишите нам в чат.",
            not_found: "Такой страницы нет.",
            back: "Все разделы",
            other_lang: ("English", "en"),
            updated: "Обновлено",
        },
        Locale::En => Words {
            title: "Help centre",
            search: "Search",
            placeholder: "Describe your question",
            sections: "Sections",
            results_for: "Search results",
            nothing_found: "Nothing found. Try other words or write to us in chat.",
            not_found: "There is no such page.",
            back: "All sections",
            other_lang: ("Русский", "ru"),
            updated: "Updated",
        },
    }
}

/// The query-string suffix that keeps the language on links.
fn lang_suffix(locale: Locale, first: bool) -> &'static str {
    match (locale, first) {
        (Locale::Ru, _) => "",
        (Locale::En, true) => "?lang=en",
        (Locale::En, false) => "&lang=en",
    }
}

fn page(
    locale: Locale,
    status: StatusCode,
    title: &str,
    query: &str,
    body: &str,
    here: &str,
) -> Response {
    let w = words(locale);
    let (other_name, other_code) = w.other_lang;
    let sep = if here.contains('?') { '&' } else { '?' };
    let html = format!(
        "<!doctype html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} — {site}</title>\
         <style>body{{font-family:sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.5}}\
         mark{{background:#ffe58a}}form{{margin:1rem 0}}input[type=search]{{width:70%}}\
         .snippet{{color:#333}}nav{{font-size:.9rem}}</style></head><body>\
         <nav><a href=\"/help{home}\">{site}</a> · <a href=\"{here}{sep}lang={other_code}\">{other_name}</a></nav>\
         <form action=\"/help/search\" method=\"get\" role=\"search\">\
         <input type=\"search\" name=\"q\" value=\"{query}\" placeholder=\"{placeholder}\" maxlength=\"500\">\
         {lang_field}<button type=\"submit\">{search}</button></form>\
         <main>{body}</main></body></html>",
        lang = locale.as_str(),
        title = esc(title),
        site = w.title,
        home = lang_suffix(locale, true),
        here = esc(here),
        query = esc(query),
        placeholder = w.placeholder,
        lang_field = if locale == Locale::En {
            "<input type=\"hidden\" name=\"lang\" value=\"en\">"
        } else {
            ""
        },
        search = w.search,
    );
    let mut response = (status, html).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response.headers_mut().insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(locale.as_str()),
    );
    response
}

fn not_found(locale: Locale, here: &str) -> Response {
    let w = words(locale);
    let body = format!(
        "<h1>{}</h1><p><a href=\"/help{}\">{}</a></p>",
        w.not_found,
        lang_suffix(locale, true),
        w.back
    );
    page(locale, StatusCode::NOT_FOUND, w.not_found, "", &body, here)
}

/// `GET /help`: the sections and their articles.
pub async fn home(State(state): State<AppState>, ApiQuery(q): ApiQuery<LangQuery>) -> Response {
    let locale = locale_of(q.lang.as_deref(), None);
    let w = words(locale);
    let mut body = format!("<h1>{}</h1><h2>{}</h2>", w.title, w.sections);
    for (s, _) in visible_sections(&state) {
        let _ = write!(
            body,
            "<section><h3><a href=\"/help/sections/{code}{lang}\">{name}</a></h3><ul>",
            code = url_value(&s.code),
            lang = lang_suffix(locale, true),
            name = esc(s.name.get(locale)),
        );
        for a in published_in(&state, &s.code, locale) {
            let _ = write!(
                body,
                "<li><a href=\"/help/articles/{id}{lang}\">{title}</a></li>",
                id = url_value(&a.id),
                lang = lang_suffix(locale, true),
                title = esc(a.title.get(locale)),
            );
        }
        body.push_str("</ul></section>");
    }
    page(locale, StatusCode::OK, w.title, "", &body, "/help")
}

/// `GET /help/sections/{code}`.
pub async fn section(
    State(state): State<AppState>,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<LangQuery>,
) -> Response {
    let locale = locale_of(q.lang.as_deref(), None);
    let here = format!("/help/sections/{}", url_value(&code));
    let Some(s) = state.kb.section(&code) else {
        return not_found(locale, &here);
    };
    let w = words(locale);
    let name = s.name.get(locale);
    let mut body = format!("<h1>{}</h1><ul>", esc(name));
    for a in published_in(&state, &s.code, locale) {
        let _ = write!(
            body,
            "<li><a href=\"/help/articles/{id}{lang}\">{title}</a></li>",
            id = url_value(&a.id),
            lang = lang_suffix(locale, true),
            title = esc(a.title.get(locale)),
        );
    }
    let _ = write!(
        body,
        "</ul><p><a href=\"/help{}\">{}</a></p>",
        lang_suffix(locale, true),
        w.back
    );
    page(locale, StatusCode::OK, name, "", &body, &here)
}

/// `GET /help/articles/{id}`: published articles only.
pub async fn article(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<LangQuery>,
) -> Response {
    let locale = locale_of(q.lang.as_deref(), None);
    let here = format!("/help/articles/{}", url_value(&id));
    let Some(a) = published(&state, &id) else {
        return not_found(locale, &here);
    };
    let w = words(locale);
    let title = a.title.get(locale);
    let mut body = String::new();
    if let Some(s) = state.kb.section(&a.section) {
        let _ = write!(
            body,
            "<p><a href=\"/help/sections/{code}{lang}\">{name}</a></p>",
            code = url_value(&s.code),
            lang = lang_suffix(locale, true),
            name = esc(s.name.get(locale)),
        );
    }
    let _ = write!(body, "<article><h1>{}</h1>", esc(title));
    for paragraph in a
        .body
        .get(locale)
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let _ = write!(body, "<p>{}</p>", esc(paragraph).replace('\n', "<br>"));
    }
    let _ = write!(
        body,
        "<p><small>{} {}</small></p></article>",
        w.updated,
        esc(&a.updated_at.strftime("%Y-%m-%d").to_string())
    );
    page(locale, StatusCode::OK, title, "", &body, &here)
}

/// `GET /help/search?q=…`.
pub async fn search_page(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<HelpSearchQuery>,
) -> Response {
    let locale = locale_of(q.lang.as_deref(), None);
    let w = words(locale);
    // A bad filter shows no results rather than an error page.
    let (text, hits) = search(&state, &q, locale).unwrap_or_default();
    let mut body = format!("<h1>{}</h1>", w.results_for);
    if hits.is_empty() {
        let _ = write!(body, "<p>{}</p>", w.nothing_found);
    } else {
        body.push_str("<ol>");
        for h in &hits {
            let _ = write!(
                body,
                "<li><a href=\"/help/articles/{id}{lang}\">{title}</a><p class=\"snippet\">{snippet}</p></li>",
                id = url_value(h.article_id.as_str()),
                lang = lang_suffix(locale, true),
                title = esc(&h.title),
                // Escaped by the search, with <mark> around the matches.
                snippet = h.snippet_html,
            );
        }
        body.push_str("</ol>");
    }
    let here = format!("/help/search?q={}", url_value(&text));
    page(locale, StatusCode::OK, w.results_for, &text, &body, &here)
}
