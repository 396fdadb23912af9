//! The knowledge base and the bot's suggestions.

use switchboard_domain::ids::TicketId;

use super::{Columns, actor, code, from_json, opt_time, time};
use crate::Result;

pub(crate) fn kb_section(r: &impl Columns) -> Result<crate::KbSection> {
    let code = r.text("code")?;
    Ok(crate::KbSection {
        line: r.text("line")?,
        name: switchboard_domain::i18n::Text::new(r.text("name_ru")?, r.text("name_en")?),
        position: r.int("position")?,
        deleted: r.flag("deleted")?,
        revision: r.int("revision")?,
        updated_at: time(r, &format!("kb_sections {code:?}"), "updated_at")?,
        code,
    })
}

pub(crate) fn kb_article(r: &impl Columns) -> Result<crate::KbArticle> {
    let id = r.text("id")?;
    let place = &format!("kb_articles {id:?}");
    Ok(crate::KbArticle {
        section: r.text("section")?,
        topics: from_json(place, "topics", r.text("topics")?)?,
        title: switchboard_domain::i18n::Text::new(r.text("title_ru")?, r.text("title_en")?),
        body: switchboard_domain::i18n::Text::new(r.text("body_ru")?, r.text("body_en")?),
        keywords: from_json(place, "keywords", r.text("keywords")?)?,
        published: r.flag("published")?,
        deleted: r.flag("deleted")?,
        revision: r.int("revision")?,
        updated_at: time(r, place, "updated_at")?,
        id,
    })
}

pub(crate) fn kb_event(r: &impl Columns) -> Result<crate::KbEvent> {
    let id = r.int("id")?;
    let place = &format!("kb_events #{id}");
    Ok(crate::KbEvent {
        id,
        actor: actor(place, r.text("actor_kind")?, r.opt_text("actor_id")?)?,
        action: code(place, "action", r.text("action")?, crate::KbAction::parse)?,
        target_kind: r.text("target_kind")?,
        target: r.text("target")?,
        revision: r.int("revision")?,
        payload: from_json(place, "payload", r.text("payload")?)?,
        at: time(r, place, "at")?,
    })
}

pub(crate) fn kb_suggestion(r: &impl Columns) -> Result<crate::KbSuggestion> {
    let ticket_id = TicketId(r.int("ticket_id")?);
    let place = &format!("kb_suggestions of ticket #{}", ticket_id.0);
    Ok(crate::KbSuggestion {
        ticket_id,
        article_id: r.text("article_id")?,
        shown_at: time(r, place, "shown_at")?,
        feedback: r
            .opt_text("feedback")?
            .map(|f| code(place, "feedback", f, crate::Feedback::parse))
            .transpose()?,
        feedback_at: opt_time(r, place, "feedback_at")?,
    })
}
