//! Reply deadlines (SPEC §5): standard 24 hours, urgent 2 hours, complex
//! 3 business days, pre-trial claims 10 calendar days.
//!
//! Business days follow a [`BusinessCalendar`]: a time zone, the working
//! weekdays and a list of holidays. Here a business day is a whole working
//! date, and a deadline N business days away keeps the time of day, moved past
//! weekends and holidays.
//!
//! This fixed policy is what the server uses today. Its configurable successor
//! is [`crate::deadline`] (policies by channel, topic and priority with first,
//! next and resolution targets, paused while waiting for the customer) on
//! [`crate::calendar`] (working hours, split shifts, per-line calendars); for
//! tickets opened in office hours the demo profile gives the same deadlines
//! (`tests/sla_demo.rs` checks it). A [`BusinessCalendar`] converts to a
//! [`crate::calendar::Calendar`] with `Calendar::try_from(&business_calendar)`.

use std::collections::BTreeSet;

use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use crate::catalog::SlaClass;
use crate::ticket::{Priority, Ticket, TicketKind};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessCalendar {
    pub time_zone: TimeZone,
    pub working_days: Vec<Weekday>,
    pub holidays: BTreeSet<Date>,
}

impl BusinessCalendar {
    /// Monday to Friday in the given zone, no holidays.
    pub fn weekdays(time_zone: TimeZone) -> Self {
        use Weekday::*;
        BusinessCalendar {
            time_zone,
            working_days: vec![Monday, Tuesday, Wednesday, Thursday, Friday],
            holidays: BTreeSet::new(),
        }
    }

    pub fn is_working_day(&self, d: Date) -> bool {
        self.working_days.contains(&d.weekday()) && !self.holidays.contains(&d)
    }

    /// `from` plus `days` working days, at the same local time of day. A start on
    /// a non-working day counts from the start (midnight) of the next working day.
    pub fn add_business_days(&self, from: Timestamp, days: u32) -> Timestamp {
        let local = from.to_zoned(self.time_zone.clone());
        let mut date = local.date();
        let mut time = local.time();
        let mut guard = 0u32;
        if !self.is_working_day(date) {
            time = jiff::civil::Time::midnight();
            while !self.is_working_day(date) {
                guard += 1;
                date = match date.tomorrow() {
                    Ok(d) if guard <= 3660 => d,
                    _ => return from + SignedDuration::from_hours(24 * i64::from(days)),
                };
            }
        }
        let mut left = days;
        while left > 0 {
            // A calendar with no working days at all would loop forever; give up after
            // ten years and fall back to calendar days.
            guard += 1;
            if guard > 3660 {
                return from + SignedDuration::from_hours(24 * i64::from(days));
            }
            date = match date.tomorrow() {
                Ok(d) => d,
                Err(_) => return from,
            };
            if self.is_working_day(date) {
                left -= 1;
            }
        }
        date.to_datetime(time)
            .to_zoned(self.time_zone.clone())
            .map(|z| z.timestamp())
            .unwrap_or(from)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlaPolicy {
    pub standard: SignedDuration,
    pub urgent: SignedDuration,
    pub complex_business_days: u32,
    pub claim_days: i64,
    pub calendar: BusinessCalendar,
}

impl SlaPolicy {
    /// SPEC §5 figures on a Moscow-time Monday-to-Friday calendar.
    pub fn spec_defaults() -> Self {
        let msk = jiff::tz::Offset::from_hours(3).unwrap_or(jiff::tz::Offset::UTC);
        SlaPolicy {
            standard: SignedDuration::from_hours(24),
            urgent: SignedDuration::from_hours(2),
            complex_business_days: 3,
            claim_days: 10,
            calendar: BusinessCalendar::weekdays(TimeZone::fixed(msk)),
        }
    }

    /// Deadline for an answer to a request of this class and priority, starting `now`.
    pub fn reply_due(
        &self,
        kind: TicketKind,
        class: SlaClass,
        priority: Priority,
        now: Timestamp,
    ) -> Timestamp {
        if kind == TicketKind::Claim {
            return self.claim_due(now);
        }
        if priority == Priority::Urgent {
            return now + self.urgent;
        }
        match class {
            SlaClass::Standard => now + self.standard,
            SlaClass::Complex => self
                .calendar
                .add_business_days(now, self.complex_business_days),
        }
    }

    pub fn next_reply_due(&self, ticket: &Ticket, class: SlaClass, now: Timestamp) -> Timestamp {
        self.reply_due(ticket.kind, class, ticket.priority, now)
    }

    /// Consumer-protection law gives ten calendar days for a pre-trial claim.
    pub fn claim_due(&self, now: Timestamp) -> Timestamp {
        now + SignedDuration::from_hours(24 * self.claim_days)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn msk(y: i16, m: i8, d: i8, h: i8) -> Timestamp {
        date(y, m, d)
            .at(h, 0, 0, 0)
            .to_zoned(TimeZone::fixed(jiff::tz::Offset::from_hours(3).unwrap()))
            .unwrap()
            .timestamp()
    }

    #[test]
    fn complex_tickets_skip_weekends_and_holidays() {
        let mut p = SlaPolicy::spec_defaults();
        // Thursday 2026-11-19 15:00 + 3 business days = Tuesday 24th 15:00.
        let due = p.reply_due(
            TicketKind::Request,
            SlaClass::Complex,
            Priority::Normal,
            msk(2026, 11, 19, 15),
        );
        assert_eq!(due, msk(2026, 11, 24, 15));
        // With Monday a holiday it moves to Wednesday.
        p.calendar.holidays.insert(date(2026, 11, 23));
        let due = p.reply_due(
            TicketKind::Request,
            SlaClass::Complex,
            Priority::Normal,
            msk(2026, 11, 19, 15),
        );
        assert_eq!(due, msk(2026, 11, 25, 15));
        // A Saturday request counts from the next working day's start (Tuesday, Monday being a
        // holiday): three full working days end on Friday 00:00.
        let due = p.reply_due(
            TicketKind::Request,
            SlaClass::Complex,
            Priority::Normal,
            msk(2026, 11, 21, 11),
        );
        assert_eq!(due, msk(2026, 11, 27, 0));
    }

    #[test]
    fn urgent_and_claims_and_standard() {
        let p = SlaPolicy::spec_defaults();
        let now = msk(2026, 11, 21, 10);
        assert_eq!(
            p.reply_due(
                TicketKind::Request,
                SlaClass::Standard,
                Priority::Urgent,
                now
            ),
            msk(2026, 11, 21, 12)
        );
        assert_eq!(
            p.reply_due(
                TicketKind::Request,
                SlaClass::Standard,
                Priority::Normal,
                now
            ),
            msk(2026, 11, 22, 10)
        );
        assert_eq!(
            p.reply_due(TicketKind::Claim, SlaClass::Standard, Priority::Urgent, now),
            msk(2026, 12, 1, 10)
        );
    }

    proptest::proptest! {
        #[test]
        fn business_deadlines_land_on_working_days_and_grow(secs in 1_700_000_000i64..1_900_000_000, days in 0u32..30) {
            let p = SlaPolicy::spec_defaults();
            let from = Timestamp::from_second(secs).unwrap();
            let due = p.calendar.add_business_days(from, days);
            proptest::prop_assert!(due >= from || days == 0);
            if days > 0 {
                let d = due.to_zoned(p.calendar.time_zone.clone()).date();
                proptest::prop_assert!(p.calendar.is_working_day(d));
                let more = p.calendar.add_business_days(from, days + 1);
                proptest::prop_assert!(more > due);
            }
        }
    }
}
