//! The operator console: status and capacity, the live queue and "mine"
//! with filters and search, and the open conversation (the whole dialogue
//! with notes apart, the customer's profile, the composer and the actions).
//!
//! The page is rendered here; `assets/js/staff-console.js` keeps it live
//! over the console socket (new messages, typing, queue changes — the lists
//! are re-fetched as a server-rendered fragment from `/staff/lists`) and acts
//! through the JSON API.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use switchboard_domain::i18n::Locale;
use switchboard_domain::ids::{CustomerId, OrderNumber, TicketNumber};
use switchboard_domain::ticket::{Channel, Priority, Ticket};
use switchboard_store::{AssigneeFilter, TicketFilter};

use crate::error::ApiError;
use crate::state::AppState;
use crate::web::staff::conversation::{Conversation, conversation};
use crate::web::staff::rows::{Names, Row, row};
use crate::web::staff::session::StaffSignedIn;
use crate::web::staff::text::{Words, words};
use crate::web::{Area, Page, PageCtx, render, see_other};

/// How many tickets each list shows.
const LIST_LIMIT: u32 = 200;

#[derive(Debug, Default, Deserialize)]
pub struct Filters {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub channel: String,
    #[serde(default)]
    pub priority: String,
}

impl Filters {
    fn channel(&self) -> Option<Channel> {
        Channel::parse(&self.channel)
    }
    fn priority(&self) -> Option<Priority> {
        Priority::parse(&self.priority)
    }
    /// The query string that keeps these filters on links.
    pub fn query(&self) -> String {
        use crate::web::customer::session::url_value;
        format!(
            "q={}&channel={}&priority={}",
            url_value(self.q.trim()),
            url_value(&self.channel),
            url_value(&self.priority)
        )
    }
}

/// What a search box entry means: a ticket number, a customer account, or
/// an order number.
enum Search {
    None,
    /// Nothing a search can name: no ticket matches.
    Nothing,
    Ticket(TicketNumber),
    Customer(CustomerId),
    Order(String),
}

fn search(q: &str) -> Search {
    let q = q.trim();
    if q.is_empty() {
        return Search::None;
    }
    if let Ok(n) = TicketNumber::parse(q) {
        return Search::Ticket(n);
    }
    if q.contains('-')
        && q.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && let Ok(c) = CustomerId::parse(q)
    {
        return Search::Customer(c);
    }
    match OrderNumber::parse(q) {
        Ok(o) => Search::Order(o.as_str().to_owned()),
        Err(_) => Search::Nothing,
    }
}

/// A ticket the member of staff may see (`core::access`), or none: one
/// out of their scope is as absent as one that does not exist.
async fn open_ticket(state: &AppState, me: &StaffSignedIn, n: &TicketNumber) -> Option<Ticket> {
    state.core.staff_ticket(&me.operator, n.id()).await.ok()
}

/// The ticket a path's `{number}` names, if the member of staff may see it.
async fn by_number(state: &AppState, me: &StaffSignedIn, number: &str) -> Option<Ticket> {
    let n = TicketNumber::parse(number).ok()?;
    open_ticket(state, me, &n).await
}

pub struct Lists {
    pub queue: Vec<Row>,
    pub mine: Vec<Row>,
}

impl Lists {
    /// Both lists with their element id and heading, for the template.
    pub fn sections<'a>(
        &'a self,
        w: &'static Words,
    ) -> [(&'static str, &'static str, &'a [Row]); 2] {
        [
            ("queue", w.queue, &self.queue),
            ("mine", w.mine, &self.mine),
        ]
    }
}

async fn list(
    state: &AppState,
    me: &StaffSignedIn,
    filter: TicketFilter,
    search: &Search,
) -> Result<Vec<Ticket>, ApiError> {
    let mut filter = filter;
    match search {
        Search::None => {}
        Search::Nothing => return Ok(Vec::new()),
        Search::Ticket(n) => {
            return Ok(open_ticket(state, me, n).await.into_iter().collect());
        }
        Search::Customer(c) => filter.customer = Some(c.clone()),
        Search::Order(o) => filter.order_number = Some(o.clone()),
    }
    Ok(state.store.list_tickets(&filter).await?)
}

pub async fn lists(
    state: &AppState,
    me: &StaffSignedIn,
    f: &Filters,
    locale: Locale,
    selected: Option<&str>,
) -> Result<Lists, ApiError> {
    let now = state.clock.now();
    let w = words(locale);
    let s = search(&f.q);
    let base = TicketFilter {
        channel: f.channel(),
        priority: f.priority(),
        limit: LIST_LIMIT,
        scope: switchboard_core::access::ticket_scope(&state.catalog, &me.operator),
        ..TicketFilter::default()
    };
    let mut queue = list(
        state,
        me,
        TicketFilter {
            assignee: Some(AssigneeFilter::Unassigned),
            waiting: true,
            oldest_first: true,
            ..base.clone()
        },
        &s,
    )
    .await?;
    queue.retain(|t| t.assignee.is_none() && t.status.as_str() != "resolved");
    // Within a priority, first come first served.
    queue.sort_by_key(|t| (std::cmp::Reverse(t.priority), t.id));
    let mut mine = list(
        state,
        me,
        TicketFilter {
            assignee: Some(AssigneeFilter::Operator(me.operator.id)),
            ..base
        },
        &s,
    )
    .await?;
    mine.retain(|t| t.assignee == Some(me.operator.id) && t.status.as_str() != "closed");
    let mut names = Names::default();
    let mut out: [Vec<Row>; 2] = [Vec::new(), Vec::new()];
    for (i, tickets) in [queue, mine].into_iter().enumerate() {
        for t in &tickets {
            let sel = selected == Some(t.number.to_string().as_str());
            out[i].push(row(state, &mut names, t, now, w, locale, sel).await);
        }
    }
    let [queue, mine] = out;
    Ok(Lists { queue, mine })
}

#[derive(Template)]
#[template(path = "staff/console.html")]
struct ConsolePage<'a> {
    page: &'a Page,
    w: &'static Words,
    me: &'a StaffSignedIn,
    supervisor: bool,
    filters: &'a Filters,
    lists: &'a Lists,
    channels: &'static [Channel],
    priorities: &'static [Priority],
    live_load: u32,
    status: &'static str,
    statuses: [(&'static str, &'static str); 3],
    conversation: Option<Conversation>,
}

#[derive(Template)]
#[template(path = "staff/lists.html")]
struct ListsFragment<'a> {
    w: &'static Words,
    lists: &'a Lists,
    filters: &'a Filters,
}

fn failed(ctx: &PageCtx, e: ApiError) -> Response {
    tracing::error!(error = %e, "rendering the console");
    let t = crate::web::i18n::common(ctx.locale());
    (StatusCode::INTERNAL_SERVER_ERROR, t.error_text).into_response()
}

/// The operator's presence as the routing sees it, and the live chats they
/// hold: the console shows what is, not what the page last chose.
async fn presence(state: &AppState, me: &StaffSignedIn) -> (&'static str, u32) {
    state
        .store
        .operator_states(state.clock.now())
        .await
        .ok()
        .and_then(|all| all.into_iter().find(|o| o.id == me.operator.id))
        .map_or(("offline", 0), |o| (o.status.as_str(), o.live_load))
}

async fn console_page(
    state: &AppState,
    ctx: &PageCtx,
    me: &StaffSignedIn,
    filters: &Filters,
    open: Option<Ticket>,
) -> Response {
    let w = words(ctx.locale());
    let selected = open.as_ref().map(|t| t.number.to_string());
    let lists = match lists(state, me, filters, ctx.locale(), selected.as_deref()).await {
        Ok(l) => l,
        Err(e) => return failed(ctx, e),
    };
    let conversation = match open {
        Some(t) => match conversation(state, me, &t, ctx.locale()).await {
            Ok(c) => Some(c),
            Err(e) => return failed(ctx, e),
        },
        None => None,
    };
    let title = conversation
        .as_ref()
        .map(|c| format!("{} — {}", c.number, w.console))
        .unwrap_or_else(|| w.console.to_owned());
    let page = me.page(ctx, title);
    let (status, live_load) = presence(state, me).await;
    render(
        &page,
        StatusCode::OK,
        &ConsolePage {
            page: &page,
            w,
            me,
            supervisor: me.is_supervisor(),
            filters,
            lists: &lists,
            channels: Channel::ALL,
            priorities: Priority::ALL,
            live_load,
            status,
            statuses: [
                ("online", w.status_online),
                ("away", w.status_away),
                ("offline", w.status_offline),
            ],
            conversation,
        },
    )
}

fn filters(q: Result<Query<Filters>, QueryRejection>) -> Filters {
    q.map(|q| q.0).unwrap_or_default()
}

/// `GET /staff`: the console with no conversation open; a search for a
/// ticket number opens it.
pub async fn console(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StaffSignedIn,
    q: Result<Query<Filters>, QueryRejection>,
) -> Response {
    let f = filters(q);
    if let Search::Ticket(n) = search(&f.q)
        && open_ticket(&state, &me, &n).await.is_some()
    {
        return see_other(&format!("/staff/tickets/{n}"));
    }
    console_page(&state, &ctx, &me, &f, None).await
}

/// `GET /staff/tickets/{number}`: the console with a conversation open.
pub async fn ticket(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StaffSignedIn,
    Path(number): Path<String>,
    q: Result<Query<Filters>, QueryRejection>,
) -> Response {
    let t = by_number(&state, &me, &number).await;
    let Some(t) = t else {
        return crate::web::not_found(&ctx, Area::Staff);
    };
    console_page(&state, &ctx, &me, &filters(q), Some(t)).await
}

#[derive(Debug, Deserialize)]
pub struct FragmentQuery {
    #[serde(flatten)]
    filters: Filters,
    #[serde(default)]
    selected: Option<String>,
}

/// `GET /staff/lists`: the queue and "mine" as an HTML fragment, for the
/// console's live refresh.
pub async fn lists_fragment(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StaffSignedIn,
    q: Result<Query<FragmentQuery>, QueryRejection>,
) -> Response {
    let q = q.map(|q| q.0).unwrap_or(FragmentQuery {
        filters: Filters::default(),
        selected: None,
    });
    let lists = match lists(&state, &me, &q.filters, ctx.locale(), q.selected.as_deref()).await {
        Ok(l) => l,
        Err(e) => return failed(&ctx, e),
    };
    let html = ListsFragment {
        w: words(ctx.locale()),
        lists: &lists,
        filters: &q.filters,
    }
    .render();
    fragment(&ctx, html)
}

#[derive(Template)]
#[template(path = "staff/pane.html")]
struct PaneFragment<'a> {
    w: &'static Words,
    c: &'a Conversation,
}

/// An HTML fragment answered to the console's scripts, never cached.
fn fragment(ctx: &PageCtx, html: askama::Result<String>) -> Response {
    match html {
        Ok(html) => (
            [
                (axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (axum::http::header::CACHE_CONTROL, "no-store"),
            ],
            html,
        )
            .into_response(),
        Err(e) => failed(ctx, ApiError::Internal(e.into())),
    }
}

/// `GET /staff/pane/{number}`: the conversation pane alone, so the console
/// opens a conversation without reloading (its socket, and with it the
/// operator's presence, stays up).
pub async fn pane(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StaffSignedIn,
    Path(number): Path<String>,
) -> Response {
    let t = by_number(&state, &me, &number).await;
    let Some(t) = t else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match conversation(&state, &me, &t, ctx.locale()).await {
        Ok(c) => fragment(
            &ctx,
            PaneFragment {
                w: words(ctx.locale()),
                c: &c,
            }
            .render(),
        ),
        Err(e) => failed(&ctx, e),
    }
}
