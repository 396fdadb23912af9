//! The screen pop: who is calling, their orders, bookings and open tickets,
//! sent to the consoles of the operators a call rings.

use switchboard_domain::customer::Customer;
use switchboard_domain::phone::{Call, NumberConfig, Target};
use switchboard_domain::ticket::Requester;
use switchboard_store::ScreenPop;

use crate::{Core, CoreResult};

/// Items of each list in a pop (keeps it within one feed notice).
const ITEMS: usize = 5;
/// Characters of a title kept.
const TITLE: usize = 80;

fn short(s: &str) -> String {
    s.chars().take(TITLE).collect()
}

impl Core {
    pub(crate) async fn screen_pop(
        &self,
        call: &Call,
        number: &NumberConfig,
        customer: Option<&Customer>,
        targets: &[Target],
    ) -> CoreResult<ScreenPop> {
        let mut pop = ScreenPop {
            call_id: call.call_id.clone(),
            number: call.number.as_str().to_owned(),
            number_name: number.name.ru.clone(),
            line: call.line.clone(),
            caller: call.caller.number().map(|n| n.as_str().to_owned()),
            customer: None,
            name: None,
            orders: Vec::new(),
            bookings: Vec::new(),
            open_tickets: Vec::new(),
            operators: targets.iter().map(|t| t.operator).collect(),
        };
        if let Some(c) = customer {
            pop.customer = Some(c.id.as_str().to_owned());
            pop.name = Some(short(&c.name));
            pop.orders = self
                .store
                .customer_orders(&c.id)
                .await?
                .iter()
                .take(ITEMS)
                .map(|o| format!("{}: {} ({})", o.number, short(&o.title), short(&o.status)))
                .collect();
            pop.bookings = c
                .bookings
                .iter()
                .take(ITEMS)
                .map(|b| format!("{}: {:?}, {}", b.reference, b.kind, b.starts_at))
                .collect();
        }
        if let Some(r) = &call.requester {
            if let Requester::Contact(_) = r {
                pop.name = None;
            }
            pop.open_tickets = self
                .store
                .open_tickets_of(r, ITEMS as u32)
                .await?
                .iter()
                .map(|t| format!("{}: {}/{} ({})", t.number, t.line, t.topic, t.status))
                .collect();
        }
        Ok(pop)
    }
}
