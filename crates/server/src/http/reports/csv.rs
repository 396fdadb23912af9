//! Reports as CSV (RFC 4180): a report as `metric,value` lines, and the
//! per-ticket export as one row per ticket.

use std::fmt::Write as _;

use axum::response::{IntoResponse, Response};
use jiff::tz::TimeZone;
use serde_json::Value;
use switchboard_domain::ids::TicketNumber;
use switchboard_domain::report::{SlaOutcome, Span, TicketFacts};

use super::csv_headers;

/// A CSV body with its file name.
pub struct Csv {
    name: String,
    body: String,
}

impl Csv {
    pub fn new(name: &str, body: String) -> Self {
        Csv {
            name: name.to_owned(),
            body,
        }
    }
}

impl IntoResponse for Csv {
    fn into_response(self) -> Response {
        (csv_headers(&self.name), self.body).into_response()
    }
}

/// Quotes a field when it needs it, and defuses spreadsheet formulas.
fn field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) && s.parse::<f64>().is_err() {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn push_field(out: &mut String, s: &str) {
    if s.contains([',', '"', '\n', '\r']) || s.starts_with(['=', '+', '-', '@']) {
        out.push_str(&field(s));
    } else {
        out.push_str(s);
    }
}

/// An optional number: empty when absent.
struct Opt<T>(Option<T>);

impl<T: std::fmt::Display> std::fmt::Display for Opt<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Some(v) => v.fmt(f),
            None => Ok(()),
        }
    }
}

/// A JSON report as `metric,value` lines; nested names joined with dots,
/// list items by their `key` (or position).
pub fn flatten(value: &Value) -> String {
    let mut out = String::from("metric,value\r\n");
    walk(&mut out, String::new(), value);
    out
}

fn walk(out: &mut String, path: String, value: &Value) {
    let join = |name: &str| {
        if path.is_empty() {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        }
    };
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                walk(out, join(k), v);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let name = item
                    .get("key")
                    .or_else(|| item.get("older_than"))
                    .and_then(Value::as_str)
                    .map_or_else(|| i.to_string(), str::to_owned);
                let item = match item {
                    Value::Object(map) => Value::Object(
                        map.iter()
                            .filter(|(k, _)| *k != "key" && *k != "older_than")
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect(),
                    ),
                    other => other.clone(),
                };
                walk(out, join(&name), &item);
            }
        }
        Value::Null => {
            let _ = write!(out, "{},\r\n", field(&path));
        }
        Value::String(s) => {
            let _ = write!(out, "{},{}\r\n", field(&path), field(s));
        }
        other => {
            let _ = write!(out, "{},{}\r\n", field(&path), other);
        }
    }
}

/// The per-ticket export.
pub struct TicketRows {
    zone: TimeZone,
    business: bool,
    out: String,
}

impl TicketRows {
    pub fn new(zone: TimeZone, business: bool) -> Self {
        TicketRows {
            zone,
            business,
            out: String::from(
                "number,created_at,channel,line,topic,priority,status,operator_id,\
                 first_response_ms,next_responses,next_response_mean_ms,resolution_ms,\
                 sla_first_response,sla_next_response,sla_resolution,reopens,transfers,\
                 bot_resolved,handed_over,claim,claim_breached,csat\r\n",
            ),
        }
    }

    fn ms(&self, span: Option<Span>) -> Option<i64> {
        span.map(|s| {
            if self.business {
                s.business_ms
            } else {
                s.calendar_ms
            }
        })
    }

    /// One row, written straight into the body: a month is ~80,000 rows,
    /// so no per-field strings (the export must answer within a second).
    pub fn push(&mut self, number: TicketNumber, f: &TicketFacts) {
        let sla = |o: SlaOutcome| match o {
            SlaOutcome::NotApplicable => "",
            SlaOutcome::Met => "met",
            SlaOutcome::Breached => "breached",
        };
        let next_mean = (f.next_responses > 0).then(|| {
            let total = if self.business {
                f.next_response_total.business_ms
            } else {
                f.next_response_total.calendar_ms
            };
            total / i64::from(f.next_responses)
        });
        let (first, resolution) = (self.ms(f.first_response), self.ms(f.resolution));
        let out = &mut self.out;
        let created = f.created_at.to_zoned(self.zone.clone());
        // Writing into a String cannot fail.
        let _ = write!(
            out,
            "{number},{},{},",
            created.strftime("%Y-%m-%dT%H:%M:%S%:z"),
            f.channel
        );
        push_field(out, &f.line);
        out.push(',');
        push_field(out, &f.topic);
        let _ = write!(
            out,
            ",{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\r\n",
            f.priority,
            f.status,
            Opt(f.operator.map(|o| o.0)),
            Opt(first),
            f.next_responses,
            Opt(next_mean),
            Opt(resolution),
            sla(f.sla_first),
            sla(f.sla_next),
            sla(f.sla_resolution),
            f.reopens,
            f.transfers,
            u8::from(f.bot_resolved),
            u8::from(f.handed_over),
            u8::from(f.claim),
            u8::from(f.claim_breached),
            Opt(f.csat),
        );
    }

    pub fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(field("-5"), "-5");
    }

    #[test]
    fn a_report_flattens_to_metric_lines() {
        let v = serde_json::json!({"a": {"b": 1, "c": null}, "groups": [{"key": "chat", "n": 2}]});
        assert_eq!(
            flatten(&v),
            "metric,value\r\na.b,1\r\na.c,\r\ngroups.chat.n,2\r\n"
        );
    }
}
