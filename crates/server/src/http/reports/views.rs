//! The reports as JSON (and CSV) views, built from the store's sums and
//! values for a period. Durations are milliseconds; rates are 0..1 and absent
//! when nothing was counted.

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use switchboard_core::reports::ReportQuery;
use switchboard_domain::report::quantile;
use switchboard_store::{BacklogRow, FactGroup, VolumeBucket};
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct PeriodView {
    /// First day included (`YYYY-MM-DD`, in `time_zone`).
    pub from: String,
    /// Last day included.
    pub to: String,
    pub time_zone: String,
    /// `calendar` or `business` (working time of each ticket's line).
    pub time: &'static str,
}

impl PeriodView {
    pub fn of(q: &ReportQuery) -> Self {
        PeriodView {
            from: q.from.to_string(),
            to: q.to.to_string(),
            time_zone: q.zone.iana_name().unwrap_or("UTC").to_owned(),
            time: if q.business { "business" } else { "calendar" },
        }
    }
}

/// Upper bounds of the distribution's buckets.
const BUCKETS_MS: [i64; 12] = [
    60_000,
    5 * 60_000,
    10 * 60_000,
    15 * 60_000,
    30 * 60_000,
    3_600_000,
    2 * 3_600_000,
    4 * 3_600_000,
    8 * 3_600_000,
    24 * 3_600_000,
    3 * 86_400_000,
    10 * 86_400_000,
];

#[derive(Debug, Serialize, ToSchema)]
pub struct Bucket {
    /// Values up to this many milliseconds (absent: the rest).
    pub up_to_ms: Option<i64>,
    pub tickets: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Distribution {
    pub count: u64,
    pub median_ms: Option<i64>,
    pub p90_ms: Option<i64>,
    pub mean_ms: Option<i64>,
    pub buckets: Vec<Bucket>,
}

impl Distribution {
    /// From ascending values.
    pub fn of(sorted: &[i64]) -> Self {
        let mut buckets = Vec::with_capacity(BUCKETS_MS.len() + 1);
        let mut below = 0;
        for bound in BUCKETS_MS {
            let upto = sorted.partition_point(|v| *v <= bound);
            buckets.push(Bucket {
                up_to_ms: Some(bound),
                tickets: (upto - below) as u64,
            });
            below = upto;
        }
        buckets.push(Bucket {
            up_to_ms: None,
            tickets: (sorted.len() - below) as u64,
        });
        let sum: i128 = sorted.iter().map(|v| i128::from(*v)).sum();
        Distribution {
            count: sorted.len() as u64,
            median_ms: quantile(sorted, 0.5),
            p90_ms: quantile(sorted, 0.9),
            mean_ms: (!sorted.is_empty()).then(|| (sum / sorted.len() as i128) as i64),
            buckets,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeanView {
    pub count: u64,
    pub mean_ms: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResponsesReport {
    pub period: PeriodView,
    pub first_response: Distribution,
    /// Each later wait from a customer's message to the next answer.
    pub next_response: MeanView,
    /// From intake to resolution, for tickets resolved now.
    pub resolution: Distribution,
}

pub fn next_response(g: Option<&FactGroup>, business: bool) -> MeanView {
    let (count, total) = g.map_or((0, 0), |g| {
        let total = if business {
            g.next_total_business_ms
        } else {
            g.next_total_ms
        };
        (g.next_responses, total)
    });
    MeanView {
        count,
        mean_ms: (count > 0).then(|| total / count as i64),
    }
}

pub(crate) fn rate(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Compliance {
    pub met: u64,
    pub breached: u64,
    /// met / (met + breached)
    pub rate: Option<f64>,
}

impl Compliance {
    fn of(met: u64, breached: u64) -> Self {
        Compliance {
            met,
            breached,
            rate: rate(met, met + breached),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SlaRow {
    /// The group: a line, `line/topic`, a channel, a priority, an operator's
    /// login ("" when nobody), or `all`.
    pub key: String,
    pub tickets: u64,
    pub first_response: Compliance,
    pub next_response: Compliance,
    pub resolution: Compliance,
}

impl SlaRow {
    pub fn of(g: &FactGroup) -> Self {
        SlaRow {
            key: g.key.clone(),
            tickets: g.tickets,
            first_response: Compliance::of(g.sla_first_met, g.sla_first_breached),
            next_response: Compliance::of(g.sla_next_met, g.sla_next_breached),
            resolution: Compliance::of(g.sla_resolution_met, g.sla_resolution_breached),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SlaReport {
    pub period: PeriodView,
    /// `line`, `topic`, `channel`, `priority` or `operator`.
    pub group_by: String,
    pub overall: SlaRow,
    pub groups: Vec<SlaRow>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Count {
    pub key: String,
    pub tickets: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgeCount {
    /// Open for longer than this (`1h`, `4h`, `1d`, `3d`, `7d`, `30d`).
    pub older_than: &'static str,
    pub tickets: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BacklogReport {
    pub at: String,
    pub open: u64,
    pub by_status: Vec<Count>,
    pub by_channel: Vec<Count>,
    pub age: Vec<AgeCount>,
    pub oldest_created_at: Option<String>,
}

/// The ages the backlog report counts, with their labels.
pub const AGES: [(&str, i64); 6] = [
    ("1h", 1),
    ("4h", 4),
    ("1d", 24),
    ("3d", 72),
    ("7d", 168),
    ("30d", 720),
];

pub fn age_bounds(now: Timestamp) -> Vec<Timestamp> {
    AGES.iter()
        .map(|(_, h)| now - SignedDuration::from_hours(*h))
        .collect()
}

fn counts(pairs: impl Iterator<Item = (String, u64)>) -> Vec<Count> {
    let mut map = std::collections::BTreeMap::<String, u64>::new();
    for (k, n) in pairs {
        *map.entry(k).or_default() += n;
    }
    map.into_iter()
        .map(|(key, tickets)| Count { key, tickets })
        .collect()
}

pub fn backlog(now: Timestamp, rows: &[BacklogRow]) -> BacklogReport {
    BacklogReport {
        at: now.to_string(),
        open: rows.iter().map(|r| r.tickets).sum(),
        by_status: counts(rows.iter().map(|r| (r.status.clone(), r.tickets))),
        by_channel: counts(rows.iter().map(|r| (r.channel.clone(), r.tickets))),
        age: AGES
            .iter()
            .enumerate()
            .map(|(i, (label, _))| AgeCount {
                older_than: label,
                tickets: rows.iter().map(|r| r.older_than[i]).sum(),
            })
            .collect(),
        oldest_created_at: rows
            .iter()
            .filter_map(|r| r.oldest)
            .min()
            .map(|t| t.to_string()),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VolumeReport {
    pub period: PeriodView,
    pub total: u64,
    pub by_channel: Vec<Count>,
    /// Hours of the day 0–23 in the viewer's time zone.
    pub by_hour: Vec<u64>,
    /// Days of the period in the viewer's time zone.
    pub by_day: Vec<Count>,
}

/// Buckets a quarter of an hour long: every time zone's offset is a multiple of it.
pub const VOLUME_BUCKET_MS: i64 = 15 * 60_000;

pub fn volume(q: &ReportQuery, buckets: &[VolumeBucket]) -> VolumeReport {
    let mut by_hour = vec![0u64; 24];
    let zone: &TimeZone = &q.zone;
    let zoned: Vec<_> = buckets
        .iter()
        .map(|b| (b.start.to_zoned(zone.clone()), b))
        .collect();
    for (z, b) in &zoned {
        by_hour[z.hour() as usize] += b.tickets;
    }
    VolumeReport {
        period: PeriodView::of(q),
        total: buckets.iter().map(|b| b.tickets).sum(),
        by_channel: counts(buckets.iter().map(|b| (b.channel.clone(), b.tickets))),
        by_hour,
        by_day: counts(zoned.iter().map(|(z, b)| (z.date().to_string(), b.tickets))),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BotReport {
    pub period: PeriodView,
    /// Chats and messenger conversations started in the period.
    pub conversations: u64,
    pub resolved_by_bot: u64,
    pub handed_over: u64,
    pub bot_resolution_rate: Option<f64>,
    /// Suggested articles customers marked "helped".
    pub suggestions_helped: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TransfersReport {
    pub period: PeriodView,
    pub tickets: u64,
    pub transfers: u64,
    pub transferred_tickets: u64,
    pub resolved: u64,
    pub reopened: u64,
    /// Reopened tickets per resolved ticket.
    pub reopen_rate: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClaimsReport {
    pub period: PeriodView,
    pub filed: u64,
    pub resolved: u64,
    /// Claims whose 10-day deadline was missed.
    pub breached: u64,
    pub open: u64,
    pub in_time_rate: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CsatReport {
    pub period: PeriodView,
    pub rated: u64,
    pub average: Option<f64>,
    /// Ratings of 1 or 2.
    pub low: u64,
}

pub fn bot(q: &ReportQuery, g: &FactGroup, helped: u64) -> BotReport {
    BotReport {
        period: PeriodView::of(q),
        conversations: g.live,
        resolved_by_bot: g.bot_resolved,
        handed_over: g.handed_over,
        bot_resolution_rate: rate(g.bot_resolved, g.live),
        suggestions_helped: helped,
    }
}

pub fn transfers(q: &ReportQuery, g: &FactGroup) -> TransfersReport {
    TransfersReport {
        period: PeriodView::of(q),
        tickets: g.tickets,
        transfers: g.transfers,
        transferred_tickets: g.transferred,
        resolved: g.resolved,
        reopened: g.reopened,
        reopen_rate: rate(g.reopened, g.resolved),
    }
}

pub fn claims(q: &ReportQuery, g: &FactGroup) -> ClaimsReport {
    ClaimsReport {
        period: PeriodView::of(q),
        filed: g.claims,
        resolved: g.claims_resolved,
        breached: g.claims_breached,
        open: g.claims.saturating_sub(g.claims_resolved),
        in_time_rate: rate(
            g.claims_resolved.saturating_sub(g.claims_breached),
            g.claims_resolved,
        ),
    }
}

pub fn csat(q: &ReportQuery, g: &FactGroup) -> CsatReport {
    CsatReport {
        period: PeriodView::of(q),
        rated: g.rated,
        average: (g.rated > 0).then(|| g.rating_sum as f64 / g.rated as f64),
        low: g.rated_low,
    }
}
