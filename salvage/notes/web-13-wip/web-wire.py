import re
root='/work/wt-web/crates/server/'
def edit(p, a, b, count=1):
    s=open(root+p).read()
    assert a in s, (p, a[:60])
    s=s.replace(a,b,count)
    open(root+p,'w').write(s)

# 1. modules and routes
edit('src/web/customer/mod.rs', "pub mod help;\npub mod session;\npub mod text;\n",
     "pub mod chat;\npub mod contact;\npub mod help;\npub mod requests;\npub mod session;\npub mod text;\n")
edit('src/web/customer/mod.rs', '''        .route("/account/signout", post(session::signout))''','''        .route("/account/signout", post(session::signout))
        .route("/account/contact", get(contact::page))
        .route("/account/requests", get(requests::list))
        .route("/account/requests/{number}", get(requests::show))
        .route("/chat", get(chat::page))
        .route("/chat/embed", get(chat::embed))''')
edit('src/web/customer/mod.rs', '''//! The customer's pages: sign-in (the host site's hand-over, the demo's
//! picker), the account, and the help centre. "Contact us", "My requests"
//! and the chat are built on the same pieces.''','''//! The customer's pages: sign-in (the host site's hand-over, the demo's
//! picker), the account, "Contact us", "My requests", the chat window (a
//! page and the widget's frame) and the help centre.''')

# 2. words
chat=open('/work/notes/web-13-wip/chat_text.rs').read()
s=open(root+'src/web/customer/text.rs').read()
s=s+chat
s=s.replace('''    pub help_card: &'static str,
    pub help_card_text: &'static str,''','''    pub help_card: &'static str,
    pub help_card_text: &'static str,
    pub contact_card: &'static str,
    pub contact_card_text: &'static str,
    pub requests_card: &'static str,
    pub requests_card_text: &'static str,
    pub chat_card: &'static str,
    pub chat_card_text: &'static str,''')
s=s.replace('''    help_card_text: "Ответы на частые вопросы о заказах, оплате, доставке и возвратах.",''','''    help_card_text: "Ответы на частые вопросы о заказах, оплате, доставке и возвратах.",
    contact_card: "Написать в поддержку",
    contact_card_text: "Форма с темой, заказом и файлами. Ответим по почте, SMS или в приложении.",
    requests_card: "Мои обращения",
    requests_card_text: "Статусы, сроки ответа и переписка по вашим обращениям.",
    chat_card: "Чат с поддержкой",
    chat_card_text: "Бот ответит сразу, оператор подключится, если нужно.",''')
s=s.replace('''    help_card_text: "Answers to common questions about orders, payment, delivery and returns.",''','''    help_card_text: "Answers to common questions about orders, payment, delivery and returns.",
    contact_card: "Contact support",
    contact_card_text: "A form with the topic, the order and files. We answer by e-mail, SMS or in the app.",
    requests_card: "My requests",
    requests_card_text: "Statuses, reply deadlines and the conversation of your requests.",
    chat_card: "Chat with support",
    chat_card_text: "The bot answers at once; an operator joins when needed.",''')
open(root+'src/web/customer/text.rs','w').write(s)

# 3. assets
edit('src/web/assets.rs','    asset!("js/dom.js", JS),\n','    asset!("js/dom.js", JS),\n    asset!("js/contact.js", JS),\n    asset!("js/requests.js", JS),\n    asset!("js/chat.js", JS),\n    asset!("js/widget.js", JS),\n')

# 4. base header block
edit('templates/base.html','''<body>
<a class="skip-link" href="#main">{{ page.t.skip_to_content }}</a>
<header class="site-header">''','''<body{% if page.is_embedded() %} class="embedded"{% endif %}>
{% block header %}
<a class="skip-link" href="#main">{{ page.t.skip_to_content }}</a>
<header class="site-header">''')
edit('templates/base.html','''  </div>
</header>
''','''  </div>
</header>
{% endblock %}
''')
edit('templates/customer/account.html','''  <li><a class="card" href="/help">''','''  <li><a class="card" href="/account/contact"><span class="card-title">{{ w.contact_card }}</span><p>{{ w.contact_card_text }}</p></a></li>
  <li><a class="card" href="/account/requests"><span class="card-title">{{ w.requests_card }}</span><p>{{ w.requests_card_text }}</p></a></li>
  <li><a class="card" href="/chat"><span class="card-title">{{ w.chat_card }}</span><p>{{ w.chat_card_text }}</p></a></li>
  <li><a class="card" href="/help">''')
edit('templates/customer/layout.html','''<a href="/account">{{ page.t.account }}</a>''','''<a href="/account">{{ page.t.account }}</a>
<a href="/account/requests">{{ page.t.requests }}</a>''')

# 5. web/mod.rs: error page, is_embedded, requests word
edit('src/web/mod.rs','''    pub fn is_customer(&self) -> bool {
        self.area == Area::Customer
    }''','''    pub fn is_customer(&self) -> bool {
        self.area == Area::Customer
    }

    pub fn is_embedded(&self) -> bool {
        self.area == Area::Embedded
    }''')
edit('src/web/mod.rs','''/// The "no such page" page of an area.''','''/// The "something went wrong" page of an area (the cause is logged).
pub fn error_page(ctx: &PageCtx, area: Area) -> Response {
    let t = i18n::common(ctx.locale());
    let page = Page::new(ctx, area, t.error_title);
    render(
        &page,
        StatusCode::INTERNAL_SERVER_ERROR,
        &MessagePage {
            page: &page,
            heading: t.error_title,
            text: t.error_text,
        },
    )
}

/// The "no such page" page of an area.''')
edit('src/web/i18n.rs','''    pub account: &'static str,
''','''    pub account: &'static str,
    pub requests: &'static str,
''')
edit('src/web/i18n.rs','''    account: "Мой кабинет",
''','''    account: "Мой кабинет",
    requests: "Мои обращения",
''')
edit('src/web/i18n.rs','''    account: "My account",
''','''    account: "My account",
    requests: "My requests",
''')

# 6. cookie auth for GET
edit('src/auth.rs','''    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(parts).ok_or_else(|| {
            ApiError::unauthorized(
                "identity_token_missing",''','''    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        // A page's <img> and download links carry the session cookie, not a
        // header; only reads take it, so no other site can make a change
        // with it (it is SameSite=Lax as well).
        let from_cookie = || {
            matches!(parts.method, Method::GET | Method::HEAD)
                .then(|| crate::web::cookie(&parts.headers, crate::web::customer::session::SESSION_COOKIE))
                .flatten()
        };
        let token = bearer(parts).or_else(from_cookie).ok_or_else(|| {
            ApiError::unauthorized(
                "identity_token_missing",''')
edit('src/auth.rs','use axum::http::header;\n','use axum::http::{Method, header};\n')

# 7. css
s=open(root+'assets/css/app.css').read()
add=open('/work/notes/web-13-wip/web-css-add.css').read()
s=s.replace("\n@media (min-width: 40rem) {", add+"\n@media (min-width: 40rem) {",1)
open(root+'assets/css/app.css','w').write(s)
print("wired")
