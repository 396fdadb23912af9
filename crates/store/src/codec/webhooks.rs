//! Webhook endpoints and deliveries from their rows.

use super::{Columns, code, count, from_json, opt_time, parse_delivery, time};
use crate::{Result, Webhook, WebhookDelivery, WebhookStatus};

pub(crate) fn webhook(r: &impl Columns) -> Result<Webhook> {
    let id = r.int("id")?;
    let place = &format!("webhook_endpoints #{id}");
    Ok(Webhook {
        id,
        url: r.text("url")?,
        events: from_json(place, "events", r.text("events")?)?,
        description: r.text("description")?,
        status: code(place, "status", r.text("status")?, |s| match s {
            "active" => Some(WebhookStatus::Active),
            "paused" => Some(WebhookStatus::Paused),
            _ => None,
        })?,
        failures: count(r, place, "failures")?,
        created_at: time(r, place, "created_at")?,
        paused_at: opt_time(r, place, "paused_at")?,
    })
}

pub(crate) fn webhook_delivery(r: &impl Columns) -> Result<WebhookDelivery> {
    let id = r.int("id")?;
    let place = &format!("webhook_deliveries #{id}");
    Ok(WebhookDelivery {
        id,
        endpoint: r.int("endpoint_id")?,
        event: r.text("event")?,
        payload: r.text("payload")?,
        status: code(place, "status", r.text("status")?, parse_delivery)?,
        attempts: count(r, place, "attempts")?,
        last_status: r
            .opt_int("last_status")?
            .map(|n| u16::try_from(n).map_err(|_| super::corrupt(place, "last_status", n)))
            .transpose()?,
        last_response: r.opt_text("last_response")?,
        last_error: r.opt_text("last_error")?,
        replay_of: r.opt_int("replay_of")?,
        created_at: time(r, place, "created_at")?,
        delivered_at: opt_time(r, place, "delivered_at")?,
    })
}
