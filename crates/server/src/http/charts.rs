//! The supervisor dashboard's charts, drawn on the server as SVG by
//! plotters' SVG backend (no script, no chart library in the browser):
//! first-response times over the last 7 days, deadline compliance by line
//! per day over the last 7 days, and volume by channel per hour over the
//! last 24 hours. Each is `GET /api/v1/dashboard/charts/{kind}`, shown by the
//! dashboard page as an image beside a text summary of the same figures.

use std::collections::BTreeMap;

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use plotters::prelude::*;
use switchboard_domain::i18n::Locale;
use switchboard_store::{FIRST_RESPONSE_CAP_MINUTES, HourCount, MinuteCount};

pub const WIDTH: u32 = 640;
pub const HEIGHT: u32 = 320;

/// The charts there are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chart {
    FirstResponse,
    Sla,
    Volume,
}

impl Chart {
    pub const ALL: [Chart; 3] = [Chart::FirstResponse, Chart::Sla, Chart::Volume];

    pub fn parse(code: &str) -> Option<Chart> {
        Chart::ALL.into_iter().find(|c| c.code() == code)
    }

    pub fn code(self) -> &'static str {
        match self {
            Chart::FirstResponse => "first-response",
            Chart::Sla => "sla",
            Chart::Volume => "volume",
        }
    }

    pub fn title(self, locale: Locale) -> &'static str {
        match (self, locale) {
            (Chart::FirstResponse, Locale::Ru) => "Время первого ответа за 7 дней",
            (Chart::FirstResponse, Locale::En) => "First response time, last 7 days",
            (Chart::Sla, Locale::Ru) => "Соблюдение сроков по линиям за 7 дней, %",
            (Chart::Sla, Locale::En) => "Deadlines met by line, last 7 days, %",
            (Chart::Volume, Locale::Ru) => "Обращения по каналам за 24 часа",
            (Chart::Volume, Locale::En) => "Tickets by channel, last 24 hours",
        }
    }

    /// How far back the chart looks from `now`.
    pub fn since(self, now: Timestamp) -> Timestamp {
        let span = match self {
            Chart::FirstResponse | Chart::Sla => SignedDuration::from_hours(7 * 24),
            Chart::Volume => SignedDuration::from_hours(24),
        };
        now - span
    }
}

/// A chart's figures, ready to draw and to summarise in words.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    /// The x axis' labels, one per point.
    pub x: Vec<String>,
    /// One line (or, with one series and `bars`, the bars) per name.
    pub series: Vec<(String, Vec<f64>)>,
    pub bars: bool,
    /// The y axis' top.
    pub y_max: f64,
}

impl Figures {
    /// The figures in words, for people who cannot see the chart.
    pub fn summary(&self) -> String {
        self.series
            .iter()
            .map(|(name, values)| {
                let points = self
                    .x
                    .iter()
                    .zip(values)
                    .map(|(x, v)| format!("{x}: {}", round(*v)))
                    .collect::<Vec<_>>()
                    .join(", ");
                if name.is_empty() {
                    points
                } else {
                    format!("{name} — {points}")
                }
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

fn round(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// Buckets of minutes to the first response: (upper bound, ru, en).
const BUCKETS: [(i64, &str, &str); 7] = [
    (5, "≤5 мин", "≤5 min"),
    (15, "≤15 мин", "≤15 min"),
    (30, "≤30 мин", "≤30 min"),
    (60, "≤1 ч", "≤1 h"),
    (240, "≤4 ч", "≤4 h"),
    (FIRST_RESPONSE_CAP_MINUTES - 1, "≤24 ч", "≤24 h"),
    (i64::MAX, ">24 ч", ">24 h"),
];

pub fn first_response(counts: &[MinuteCount], locale: Locale) -> Figures {
    let mut values = vec![0.0; BUCKETS.len()];
    for c in counts {
        let i = BUCKETS
            .iter()
            .position(|(upper, _, _)| c.minutes <= *upper)
            .unwrap_or(BUCKETS.len() - 1);
        values[i] += f64::from(c.count);
    }
    let x = BUCKETS
        .iter()
        .map(|(_, ru, en)| match locale {
            Locale::Ru => (*ru).to_owned(),
            Locale::En => (*en).to_owned(),
        })
        .collect();
    let y_max = values.iter().copied().fold(1.0, f64::max);
    Figures {
        x,
        series: vec![(String::new(), values)],
        bars: true,
        y_max,
    }
}

/// The dashboard's days and hours are Moscow's (the demo's office), else UTC.
pub fn zone() -> TimeZone {
    TimeZone::get("Europe/Moscow").unwrap_or(TimeZone::UTC)
}

fn hour_start(hour: i64) -> Timestamp {
    Timestamp::from_second(hour.saturating_mul(3600)).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// Share of tickets whose deadline held, per line (named by `name`) and day.
pub fn sla(counts: &[HourCount], now: Timestamp, name: impl Fn(&str) -> String) -> Figures {
    let tz = zone();
    let today = now.to_zoned(tz.clone()).date();
    let days: Vec<jiff::civil::Date> = (0..7)
        .rev()
        .filter_map(|back| {
            today
                .checked_sub(SignedDuration::from_hours(24 * back))
                .ok()
        })
        .collect();
    let mut per: BTreeMap<&str, Vec<(u32, u32)>> = BTreeMap::new();
    for c in counts {
        let day = hour_start(c.hour).to_zoned(tz.clone()).date();
        let Some(i) = days.iter().position(|d| *d == day) else {
            continue;
        };
        let slot = &mut per
            .entry(c.key.as_str())
            .or_insert_with(|| vec![(0, 0); days.len()])[i];
        slot.0 += c.count;
        slot.1 += c.breached;
    }
    let series = per
        .into_iter()
        .map(|(line, v)| {
            let values = v
                .iter()
                .map(|(all, breached)| {
                    if *all == 0 {
                        100.0
                    } else {
                        f64::from(all - breached.min(all)) * 100.0 / f64::from(*all)
                    }
                })
                .collect();
            (name(line), values)
        })
        .collect();
    Figures {
        x: days
            .iter()
            .map(|d| d.strftime("%d.%m").to_string())
            .collect(),
        series,
        bars: false,
        y_max: 100.0,
    }
}

/// Tickets opened per channel (named by `name`) and hour, the last 24 hours.
pub fn volume(counts: &[HourCount], now: Timestamp, name: impl Fn(&str) -> String) -> Figures {
    let last = now.as_second().div_euclid(3600);
    let hours: Vec<i64> = (last - 23..=last).collect();
    let mut per: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for c in counts {
        let Some(i) = hours.iter().position(|h| *h == c.hour) else {
            continue;
        };
        per.entry(c.key.as_str())
            .or_insert_with(|| vec![0.0; hours.len()])[i] += f64::from(c.count);
    }
    let tz = zone();
    let y_max = per
        .values()
        .flat_map(|v| v.iter().copied())
        .fold(1.0, f64::max);
    Figures {
        x: hours
            .iter()
            .map(|h| {
                hour_start(*h)
                    .to_zoned(tz.clone())
                    .strftime("%H:00")
                    .to_string()
            })
            .collect(),
        series: per.into_iter().map(|(k, v)| (name(k), v)).collect(),
        bars: false,
        y_max,
    }
}

/// Colours with at least 3:1 contrast on white, told apart by shape too
/// (each line has its own marker).
const PALETTE: [RGBColor; 6] = [
    RGBColor(11, 92, 173),
    RGBColor(179, 38, 30),
    RGBColor(30, 107, 53),
    RGBColor(194, 94, 0),
    RGBColor(92, 68, 160),
    RGBColor(79, 88, 102),
];

/// Draws the figures as an SVG document.
pub fn draw(title: &str, f: &Figures) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let n = f.x.len().max(1);
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(32)
            .y_label_area_size(44)
            .build_cartesian_2d((0..n).into_segmented(), 0.0..f.y_max * 1.1)
            .map_err(|e| e.to_string())?;
        let labels = f.x.clone();
        let step = n.div_ceil(8);
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n)
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) if i % step == 0 => {
                    labels.get(*i).cloned().unwrap_or_default()
                }
                _ => String::new(),
            })
            .y_labels(5)
            .y_label_formatter(&|v| format!("{v:.0}"))
            .draw()
            .map_err(|e| e.to_string())?;
        for (k, (name, values)) in f.series.iter().enumerate() {
            let colour = PALETTE[k % PALETTE.len()];
            if f.bars {
                chart
                    .draw_series(values.iter().enumerate().map(|(i, v)| {
                        Rectangle::new(
                            [
                                (SegmentValue::Exact(i), 0.0),
                                (SegmentValue::Exact(i + 1), *v),
                            ],
                            colour.filled(),
                        )
                    }))
                    .map_err(|e| e.to_string())?;
                continue;
            }
            let points = values
                .iter()
                .enumerate()
                .map(|(i, v)| (SegmentValue::CenterOf(i), *v));
            chart
                .draw_series(LineSeries::new(points.clone(), colour.stroke_width(2)))
                .map_err(|e| e.to_string())?
                .label(name.clone())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 16, y)], colour.stroke_width(2))
                });
            chart
                .draw_series(points.map(|p| Circle::new(p, 3, colour.filled())))
                .map_err(|e| e.to_string())?;
        }
        if !f.bars && !f.series.is_empty() {
            chart
                .configure_series_labels()
                .background_style(WHITE.mix(0.9))
                .border_style(BLACK)
                .position(SeriesLabelPosition::LowerLeft)
                .draw()
                .map_err(|e| e.to_string())?;
        }
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hour(h: i64, key: &str, count: u32, breached: u32) -> HourCount {
        HourCount {
            key: key.into(),
            hour: h,
            count,
            breached,
        }
    }

    #[test]
    fn first_responses_fall_into_their_buckets() {
        let counts = [
            MinuteCount {
                minutes: 0,
                count: 2,
            },
            MinuteCount {
                minutes: 5,
                count: 1,
            },
            MinuteCount {
                minutes: 6,
                count: 4,
            },
            MinuteCount {
                minutes: 1439,
                count: 1,
            },
            MinuteCount {
                minutes: FIRST_RESPONSE_CAP_MINUTES,
                count: 3,
            },
        ];
        let f = first_response(&counts, Locale::Ru);
        assert_eq!(f.series[0].1, vec![3.0, 4.0, 0.0, 0.0, 0.0, 1.0, 3.0]);
        assert_eq!(f.x[0], "≤5 мин");
        assert_eq!(f.y_max, 4.0);
        assert!(f.summary().starts_with("≤5 мин: 3, ≤15 мин: 4"));
    }

    #[test]
    fn compliance_is_the_share_of_deadlines_met_per_line_and_day() {
        let now: Timestamp = "2026-12-04T12:00:00Z".parse().unwrap();
        let h = now.as_second() / 3600;
        let f = sla(
            &[
                hour(h, "bank", 4, 1),
                hour(h - 1, "bank", 4, 0),
                hour(h - 48, "shop", 2, 2),
            ],
            now,
            |code| format!("<{code}>"),
        );
        assert_eq!(f.x.len(), 7);
        assert_eq!(f.x[6], "04.12");
        let bank = &f.series.iter().find(|(n, _)| n == "<bank>").unwrap().1;
        assert_eq!(bank[6], 87.5);
        assert_eq!(bank[0], 100.0, "a day without tickets breaks no deadline");
        let shop = &f.series.iter().find(|(n, _)| n == "<shop>").unwrap().1;
        assert_eq!(shop[4], 0.0);
    }

    #[test]
    fn volume_counts_the_last_24_hours_per_channel() {
        let now: Timestamp = "2026-12-04T12:30:00Z".parse().unwrap();
        let h = now.as_second() / 3600;
        let f = volume(
            &[
                hour(h, "chat", 3, 0),
                hour(h - 23, "email", 1, 0),
                hour(h - 24, "chat", 9, 0),
            ],
            now,
            str::to_owned,
        );
        assert_eq!(f.x.len(), 24);
        assert_eq!(f.x[23], "15:00", "Moscow hours");
        let chat = &f.series.iter().find(|(n, _)| n == "chat").unwrap().1;
        assert_eq!(
            chat.iter().sum::<f64>(),
            3.0,
            "the 25th hour back is left out"
        );
        assert_eq!(f.y_max, 3.0);
    }

    #[test]
    fn charts_are_svg_with_every_text_escaped() {
        let f = Figures {
            x: vec!["a".into(), "b".into()],
            series: vec![("<script>alert(1)</script>".into(), vec![1.0, 2.0])],
            bars: false,
            y_max: 2.0,
        };
        let svg = draw("Title & <b>", &f).unwrap();
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains("Title &amp; &lt;b&gt;"));
        assert!(svg.contains("&lt;script&gt;"));
        assert!(!svg.contains("<script"));
        let bars = first_response(
            &[MinuteCount {
                minutes: 3,
                count: 2,
            }],
            Locale::En,
        );
        assert!(draw("x", &bars).unwrap().contains("<rect"));
    }
}
