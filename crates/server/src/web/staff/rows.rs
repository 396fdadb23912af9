//! What the console's lists and conversation show of a ticket: plain values
//! computed on the server (names, waiting time, the deadline's colour and
//! mark), which the templates escape.

use std::collections::HashMap;

use jiff::{SignedDuration, Timestamp};
use switchboard_domain::catalog::Catalog;
use switchboard_domain::deadline::SlaState;
use switchboard_domain::i18n::Locale;
use switchboard_domain::ids::CustomerId;
use switchboard_domain::ticket::{Requester, Ticket};
use switchboard_store::Store;

use crate::state::AppState;
use crate::web::staff::text::Words;

/// One line of a ticket list.
pub struct Row {
    pub number: String,
    pub channel: &'static str,
    pub topic: String,
    pub subject: String,
    pub priority: &'static str,
    /// The priority rule that set it, when one did.
    pub reason: Option<String>,
    pub customer: String,
    pub waiting: String,
    pub due: Due,
    pub selected: bool,
}

/// The next deadline as the lists show it.
pub struct Due {
    /// `ok`, `at-risk`, `breached`, `paused`, `met` or `none`: the CSS modifier.
    pub class: &'static str,
    pub text: String,
    /// A word beside the colour, so the state is not told by colour alone.
    pub mark: Option<&'static str>,
}

/// "5 мин", "2 ч 10 мин", "3 д 4 ч".
pub fn span(d: SignedDuration, locale: Locale) -> String {
    let mins = d.as_secs().max(0) / 60;
    let (m, h, dd) = match locale {
        Locale::Ru => ("мин", "ч", "д"),
        Locale::En => ("min", "h", "d"),
    };
    match mins {
        0..60 => format!("{mins} {m}"),
        60..1440 => format!("{} {h} {} {m}", mins / 60, mins % 60),
        _ => format!("{} {dd} {} {h}", mins / 1440, (mins % 1440) / 60),
    }
}

pub fn due(state: &AppState, t: &Ticket, now: Timestamp, w: &Words, locale: Locale) -> Due {
    let Some(sla) = state.rules().sla_view(t, now) else {
        return Due {
            class: "none",
            text: w.no_deadline.into(),
            mark: None,
        };
    };
    let (class, mark) = match sla.state {
        SlaState::Breached => ("breached", Some(w.breached)),
        SlaState::AtRisk => ("at-risk", Some(w.at_risk)),
        SlaState::Ok => ("ok", None),
        SlaState::Paused => ("paused", None),
        SlaState::Met => ("met", None),
    };
    let text = match sla.next {
        Some(d) if d.due_at > now => span(d.due_at.duration_since(now), locale),
        Some(d) => format!("−{}", span(now.duration_since(d.due_at), locale)),
        None => w.no_deadline.into(),
    };
    Due { class, text, mark }
}

/// Customer names for a page of tickets, each looked up once.
#[derive(Default)]
pub struct Names(HashMap<String, String>);

impl Names {
    pub async fn of(&mut self, store: &dyn Store, requester: &Requester) -> String {
        let key = match requester {
            Requester::Customer(c) => format!("c:{c}"),
            Requester::Contact(c) => format!("k:{}", c.0),
        };
        if let Some(name) = self.0.get(&key) {
            return name.clone();
        }
        let name = match requester {
            Requester::Customer(c) => customer_name(store, c).await,
            Requester::Contact(c) => store
                .contact(*c)
                .await
                .map(|k| k.name)
                .unwrap_or_else(|_| format!("#{}", c.0)),
        };
        self.0.insert(key, name.clone());
        name
    }
}

async fn customer_name(store: &dyn Store, id: &CustomerId) -> String {
    store
        .customer(id)
        .await
        .map(|c| c.name)
        .unwrap_or_else(|_| id.to_string())
}

pub fn topic_name(catalog: &Catalog, t: &Ticket, locale: Locale) -> String {
    catalog
        .topic(&t.line, &t.topic)
        .map(|(_, tp)| tp.name.get(locale).to_owned())
        .unwrap_or_else(|| t.topic.clone())
}

#[allow(clippy::too_many_arguments)]
pub async fn row(
    state: &AppState,
    names: &mut Names,
    t: &Ticket,
    now: Timestamp,
    w: &Words,
    locale: Locale,
    selected: bool,
) -> Row {
    Row {
        number: t.number.to_string(),
        channel: t.channel.as_str(),
        topic: topic_name(&state.catalog(), t, locale),
        subject: t.subject.clone(),
        priority: t.priority.as_str(),
        reason: t.priority_rule.clone(),
        customer: names.of(state.store.as_ref(), &t.requester).await,
        waiting: span(now.duration_since(t.created_at), locale),
        due: due(state, t, now, w, locale),
        selected,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_read_in_minutes_hours_and_days() {
        let s = SignedDuration::from_secs;
        assert_eq!(span(s(59), Locale::Ru), "0 мин");
        assert_eq!(span(s(5 * 60), Locale::Ru), "5 мин");
        assert_eq!(span(s(130 * 60), Locale::En), "2 h 10 min");
        assert_eq!(span(s(3 * 86_400 + 4 * 3600), Locale::En), "3 d 4 h");
        assert_eq!(span(s(-10), Locale::En), "0 min");
    }
}
