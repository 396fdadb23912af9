//! SPEC §4's priority rules written out plainly, as an oracle for the
//! configurable rules of `profiles/demo/priority.toml`: urgent when the topic
//! is always urgent or the customer chose urgent where allowed; high for
//! premium sellers and for travellers who qualify for the priority queue.

use jiff::{SignedDuration, Timestamp};
use switchboard_domain::catalog::Topic;
use switchboard_domain::customer::{BookingKind, Customer, CustomerKind, TravelPackage};
use switchboard_domain::ticket::Priority;

pub fn spec_priority(
    topic: &Topic,
    customer: &Customer,
    urgent_requested: bool,
    now: Timestamp,
) -> Priority {
    if topic.always_urgent || (urgent_requested && topic.urgent_allowed) {
        return Priority::Urgent;
    }
    if customer.kind == CustomerKind::Seller && customer.flags.premium_seller {
        return Priority::High;
    }
    if customer.kind == CustomerKind::Traveller && travel_priority(customer, now) {
        return Priority::High;
    }
    Priority::Normal
}

/// Hotel bookings, corporate clients, paid "Priority" or "All inclusive"
/// packages and trips starting within 24 hours go to the travel priority queue.
pub fn travel_priority(customer: &Customer, now: Timestamp) -> bool {
    if customer.flags.corporate {
        return true;
    }
    let soon = now + SignedDuration::from_hours(24);
    customer.bookings.iter().any(|b| {
        let upcoming = b.starts_at >= now;
        upcoming
            && (b.kind == BookingKind::Hotel
                || matches!(
                    b.package,
                    Some(TravelPackage::Priority | TravelPackage::AllInclusive)
                )
                || b.starts_at <= soon)
    })
}
