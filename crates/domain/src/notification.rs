//! What customers are told, and by which route: ticket confirmations,
//! replies, deadline alerts for staff. Every one is an [`Outbound`].
//!
//! Texts follow the customer's language (Russian by default). The route is
//! resolved here — the conversation's own outside thread when it has one,
//! else the channel the customer chose and the address in their profile —
//! so a message is either complete and deliverable or not produced at all.

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::conversation::{Medium, Outbound, OutboundKind, Route};
use crate::customer::Customer;
use crate::i18n::Locale;
use crate::ids::TicketNumber;
use crate::ticket::Ticket;
use crate::vocab::{Channel, ReplyChannel};

fn recipient(customer: &Customer, channel: ReplyChannel) -> Option<String> {
    match channel {
        ReplyChannel::Email => customer.email.as_ref().map(|e| e.as_str().to_owned()),
        ReplyChannel::Sms => customer.phone.as_ref().map(|p| p.as_str().to_owned()),
        ReplyChannel::Push => Some(customer.id.as_str().to_owned()),
    }
}

/// The route to the customer through the channel they chose and their profile.
pub fn profile_route(customer: &Customer, channel: ReplyChannel) -> Option<Route> {
    Some(Route {
        medium: Medium::from(channel),
        recipient: recipient(customer, channel)?,
        endpoint: None,
        thread: None,
    })
}

/// Where support's answers on `ticket` go: back through the conversation's
/// outside thread (a mail, a messenger chat), else by the reply channel the
/// customer chose (form, phone). A web chat has none: the customer reads it live.
pub fn reply_route(ticket: &Ticket, customer: Option<&Customer>) -> Option<Route> {
    if let (Some(medium), Some(origin)) = (Medium::of_channel(ticket.channel), &ticket.origin) {
        return Some(Route {
            medium,
            recipient: origin.address.clone(),
            endpoint: Some(origin.endpoint.clone()),
            thread: origin.thread.clone(),
        });
    }
    if ticket.channel == Channel::Chat {
        return None;
    }
    profile_route(customer?, ticket.reply_channel)
}

/// A time as customers read it in messages and pages: `dd.mm.yyyy HH:MM`
/// in the line's time zone.
pub fn local_time(at: Timestamp, tz: &TimeZone) -> String {
    at.to_zoned(tz.clone())
        .strftime("%d.%m.%Y %H:%M")
        .to_string()
}

/// "Your request is registered" with its number and reply deadline, by
/// `route`: the whole text by e-mail and messengers, a short one by SMS and
/// push. `name` is the customer's, when known.
pub fn ticket_confirmation(
    route: Route,
    locale: Locale,
    name: Option<&str>,
    number: TicketNumber,
    subject: &str,
    due_at: Option<Timestamp>,
    tz: &TimeZone,
) -> Outbound {
    let due = due_at.map(|d| local_time(d, tz));
    let short = matches!(route.medium, Medium::Sms | Medium::Push);
    let (title, body) = match (locale, short) {
        (Locale::Ru, true) => (
            format!("Обращение {number} принято"),
            match &due {
                Some(d) => format!("Обращение {number} принято. Ответим до {d} (МСК)."),
                None => format!("Обращение {number} принято."),
            },
        ),
        (Locale::En, true) => (
            format!("Request {number} received"),
            match &due {
                Some(d) => {
                    format!("Request {number} received. We will reply by {d} (Moscow time).")
                }
                None => format!("Request {number} received."),
            },
        ),
        (Locale::Ru, false) => (
            format!("Обращение {number} принято: {subject}"),
            format!(
                "Здравствуйте{}!\n\nМы получили ваше обращение и присвоили ему номер {number}.\nТема: {subject}\n{}\nОтвет придёт на этот адрес, а вся переписка — в разделе «Мои обращения».\n\nСлужба поддержки",
                name.map(|n| format!(", {n}")).unwrap_or_default(),
                due.map(|d| format!("Ответим до {d} (МСК).\n"))
                    .unwrap_or_default()
            ),
        ),
        (Locale::En, false) => (
            format!("Request {number} received: {subject}"),
            format!(
                "Hello{},\n\nWe have received your request and registered it as {number}.\nSubject: {subject}\n{}\nThe reply will come to this address; the whole conversation is under \"My requests\".\n\nCustomer support",
                name.map(|n| format!(" {n}")).unwrap_or_default(),
                due.map(|d| format!("We will reply by {d} (Moscow time).\n"))
                    .unwrap_or_default()
            ),
        ),
    };
    Outbound {
        kind: OutboundKind::Confirmation,
        route,
        subject: title,
        text: body,
        attachments: Vec::new(),
        sensitive: false,
        buttons: Vec::new(),
    }
}

/// Support has answered: e-mail and messengers carry the answer; SMS and push
/// point to "My requests".
pub fn reply_notice(
    route: Route,
    locale: Locale,
    number: TicketNumber,
    subject: &str,
    reply: &str,
) -> Outbound {
    let (title, body) = match (locale, route.medium) {
        (_, Medium::Telegram | Medium::Vk) => (format!("{number}"), reply.to_owned()),
        (Locale::Ru, Medium::Email) => (
            format!("Ответ по обращению {number}: {subject}"),
            format!(
                "{reply}\n\n—\nОбращение {number}. Ответить можно в разделе «Мои обращения».\nСлужба поддержки"
            ),
        ),
        (Locale::En, Medium::Email) => (
            format!("Reply to request {number}: {subject}"),
            format!(
                "{reply}\n\n—\nRequest {number}. You can answer under \"My requests\".\nCustomer support"
            ),
        ),
        (Locale::Ru, _) => (
            format!("Ответ по обращению {number}"),
            format!("Поддержка ответила на обращение {number}. Ответ — в разделе «Мои обращения»."),
        ),
        (Locale::En, _) => (
            format!("Reply to request {number}"),
            format!("Support has replied to request {number}. See \"My requests\"."),
        ),
    };
    Outbound {
        kind: OutboundKind::Reply,
        route,
        subject: title,
        text: body,
        attachments: Vec::new(),
        sensitive: false,
        buttons: Vec::new(),
    }
}

/// What a line outside its working hours says at once (SPEC §3.5, issue 4):
/// when a person will reply. `from` is the line calendar's next working start.
pub fn off_hours_note(locale: Locale, from: Timestamp, tz: &TimeZone) -> String {
    let at = local_time(from, tz);
    let zone = tz.iana_name().unwrap_or("UTC");
    match locale {
        Locale::Ru => format!(
            "Сейчас нерабочее время этой линии поддержки. Специалист ответит, когда начнётся рабочий день: с {at} ({zone})."
        ),
        Locale::En => format!(
            "This support line is outside its working hours now. A person will reply when it opens: from {at} ({zone})."
        ),
    }
}

/// The e-mail a supervisor gets when a deadline is at risk or breached
/// (staff notifications are in Russian). `None` for any other event.
pub fn sla_alert_mail(
    to: &crate::ids::EmailAddress,
    number: TicketNumber,
    subject: &str,
    event: &crate::ticket::TicketEvent,
    tz: &TimeZone,
    locale: Locale,
) -> Option<Outbound> {
    use crate::deadline::TargetKind;
    use crate::ticket::TicketEvent;
    let (at_risk, target, due) = match event {
        TicketEvent::SlaAtRisk { target, due_at, .. } => (true, target, due_at),
        TicketEvent::SlaBreached { target, due_at, .. } => (false, target, due_at),
        _ => return None,
    };
    let due = local_time(*due, tz);
    let (subject_line, text) = match locale {
        Locale::Ru => {
            let what = if at_risk {
                "под угрозой"
            } else {
                "нарушен"
            };
            let target = match target {
                TargetKind::FirstResponse => "первый ответ",
                TargetKind::NextResponse => "следующий ответ",
                TargetKind::Resolution => "решение",
            };
            (
                format!("SLA {what}: {number} — {target} до {due}"),
                format!(
                    "Обращение {number} ({subject}): срок «{target}» {what}, срок — {due}.\nОткройте обращение в консоли поддержки."
                ),
            )
        }
        Locale::En => {
            let what = if at_risk { "at risk" } else { "breached" };
            let target = match target {
                TargetKind::FirstResponse => "first response",
                TargetKind::NextResponse => "next response",
                TargetKind::Resolution => "resolution",
            };
            (
                format!("SLA {what}: {number} — {target} due {due}"),
                format!(
                    "Request {number} ({subject}): the {target} deadline is {what}; it is due {due}.\nOpen the request in the support console."
                ),
            )
        }
    };
    Some(Outbound {
        kind: OutboundKind::StaffAlert,
        route: Route {
            medium: Medium::Email,
            recipient: to.as_str().to_owned(),
            endpoint: None,
            thread: None,
        },
        subject: subject_line,
        text,
        attachments: Vec::new(),
        sensitive: false,
        buttons: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deadline::TargetKind;
    use crate::ids::EmailAddress;
    use crate::ticket::TicketEvent;

    #[test]
    fn sla_alert_mails_speak_the_supervisors_language() {
        let to = EmailAddress::parse("boss@example.org").expect("address");
        let breached = TicketEvent::SlaBreached {
            target: TargetKind::FirstResponse,
            due_at: "2026-12-04T09:30:00Z".parse().expect("time"),
            actions: Vec::new(),
        };
        let tz = TimeZone::get("Europe/Moscow").expect("zone");
        let mail = |locale| {
            sla_alert_mail(
                &to,
                TicketNumber::from_id(crate::ids::TicketId(42)),
                "Где заказ",
                &breached,
                &tz,
                locale,
            )
            .expect("a breach is mailed")
        };
        let ru = mail(Locale::Ru);
        assert!(ru.subject.starts_with("SLA нарушен"), "{}", ru.subject);
        assert!(
            ru.text.contains("первый ответ") && ru.text.contains("12:30"),
            "{}",
            ru.text
        );
        let en = mail(Locale::En);
        assert!(en.subject.starts_with("SLA breached"), "{}", en.subject);
        assert!(
            en.text.contains("first response") && en.text.contains("Где заказ"),
            "{}",
            en.text
        );
        assert_eq!(en.route.recipient, "boss@example.org");
        let note = TicketEvent::SlaPolicyChanged {
            from: None,
            to: Some("standard".into()),
        };
        assert!(
            sla_alert_mail(
                &to,
                TicketNumber::from_id(crate::ids::TicketId(42)),
                "x",
                &note,
                &tz,
                Locale::En
            )
            .is_none()
        );
    }
}
