//! Structured edits of the configuration documents, for the admin pages'
//! forms: a topic added to a line of the catalog, a holiday added to a
//! holiday set of the calendars. Each takes a document's text and gives the
//! new text, with the admin's comments and layout kept (`toml_edit`); the
//! result is then saved like any edit ([`super::edit`]), so the domain
//! loaders still have the last word on whether it is valid.

use jiff::civil::Date;
use switchboard_domain::i18n::Text;
use toml_edit::{ArrayOfTables, DocumentMut, InlineTable, Item, Table, value};

/// Why a form could not be applied to the document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    /// The stored text is not TOML (it always is: a saved version loaded).
    #[error("the document cannot be read: {0}")]
    Unreadable(String),
    #[error("no line {0:?} in the catalog")]
    UnknownLine(String),
    #[error("line {line:?} already has a topic {code:?}")]
    TopicExists { line: String, code: String },
    #[error("no holiday set {0:?} in the calendars")]
    UnknownHolidaySet(String),
    #[error("{date} is already a holiday in set {set:?}")]
    HolidayExists { set: String, date: Date },
    #[error("no SLA policy {0:?}")]
    UnknownPolicy(String),
    #[error("no priority rule {0:?}")]
    UnknownRule(String),
}

/// A topic as the "add a topic" form gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTopic {
    pub line: String,
    pub code: String,
    pub name: Text,
    /// None: the line's code, as the catalog's default.
    pub skill: Option<String>,
    /// `standard` or `complex`; None: the catalog's default.
    pub sla: Option<String>,
    pub order_expected: bool,
    pub urgent_allowed: bool,
    /// The problems the contact form offers, in order.
    pub problems: Vec<(String, Text)>,
}

fn read(text: &str) -> Result<DocumentMut, FormError> {
    text.parse::<DocumentMut>()
        .map_err(|e| FormError::Unreadable(e.to_string()))
}

fn code_of(t: &Table) -> Option<&str> {
    t.get("code").and_then(Item::as_str)
}

fn names(text: &Text) -> InlineTable {
    let mut names = InlineTable::new();
    names.insert("ru", text.ru.as_str().into());
    if !text.en.is_empty() {
        names.insert("en", text.en.as_str().into());
    }
    names
}

/// The catalog's text with `topic` last among its line's topics.
pub fn add_topic(catalog: &str, topic: &NewTopic) -> Result<String, FormError> {
    let mut doc = read(catalog)?;
    let last = line_mut(&mut doc, &topic.line)
        .map(|l| last_position(l))
        .ok_or_else(|| FormError::UnknownLine(topic.line.clone()))?;
    {
        let topics = line_mut(&mut doc, &topic.line)
            .and_then(|l| l.get("topic"))
            .and_then(Item::as_array_of_tables);
        if topics.is_some_and(|ts| ts.iter().any(|t| code_of(t) == Some(topic.code.as_str()))) {
            return Err(FormError::TopicExists {
                line: topic.line.clone(),
                code: topic.code.clone(),
            });
        }
    }
    // The tables after this line's last one move down by the tables added,
    // so the new ones print inside the line, not after the next one.
    shift_after(doc.as_table_mut(), last, 1 + topic.problems.len());
    let mut table = Table::new();
    table.insert("code", value(topic.code.as_str()));
    table.insert("name", value(names(&topic.name)));
    if let Some(skill) = &topic.skill {
        table.insert("skill", value(skill.as_str()));
    }
    if let Some(sla) = &topic.sla {
        table.insert("sla", value(sla.as_str()));
    }
    if topic.order_expected {
        table.insert("order_expected", value(true));
    }
    if topic.urgent_allowed {
        table.insert("urgent_allowed", value(true));
    }
    table.set_position(last + 1);
    if !topic.problems.is_empty() {
        let mut problems = ArrayOfTables::new();
        for (n, (code, name)) in topic.problems.iter().enumerate() {
            let mut p = Table::new();
            p.insert("code", value(code.as_str()));
            p.insert("name", value(names(name)));
            p.set_position(last + 2 + n);
            problems.push(p);
        }
        table.insert("problem", Item::ArrayOfTables(problems));
    }
    let line = line_mut(&mut doc, &topic.line)
        .ok_or_else(|| FormError::UnknownLine(topic.line.clone()))?;
    line.entry("topic")
        .or_insert_with(|| Item::ArrayOfTables(ArrayOfTables::new()))
        .as_array_of_tables_mut()
        .ok_or_else(|| FormError::Unreadable("`topic` is not a list of tables".into()))?
        .push(table);
    Ok(doc.to_string())
}

/// The `[[line]]` table with this code.
fn line_mut<'a>(doc: &'a mut DocumentMut, code: &str) -> Option<&'a mut Table> {
    doc.get_mut("line")
        .and_then(Item::as_array_of_tables_mut)?
        .iter_mut()
        .find(|l| code_of(l) == Some(code))
}

/// The largest position of `table` and the tables inside it.
fn last_position(table: &Table) -> usize {
    let mut last = table.position().unwrap_or(0);
    for (_, item) in table.iter() {
        match item {
            Item::Table(t) => last = last.max(last_position(t)),
            Item::ArrayOfTables(a) => {
                for t in a.iter() {
                    last = last.max(last_position(t));
                }
            }
            _ => {}
        }
    }
    last
}

/// Moves every table positioned after `after` down by `by`.
fn shift_after(table: &mut Table, after: usize, by: usize) {
    if let Some(p) = table.position()
        && p > after
    {
        table.set_position(p + by);
    }
    for (_, item) in table.iter_mut() {
        match item {
            Item::Table(t) => shift_after(t, after, by),
            Item::ArrayOfTables(a) => {
                for t in a.iter_mut() {
                    shift_after(t, after, by);
                }
            }
            _ => {}
        }
    }
}

/// The codes of the holiday sets in the calendars' text, in order.
pub fn holiday_sets(calendars: &str) -> Vec<String> {
    let Ok(doc) = read(calendars) else {
        return Vec::new();
    };
    doc.get("holiday_set")
        .and_then(Item::as_array_of_tables)
        .map(|sets| sets.iter().filter_map(code_of).map(str::to_owned).collect())
        .unwrap_or_default()
}

/// The calendars' text with `date` among holiday set `set`'s holidays.
pub fn add_holiday(calendars: &str, set: &str, date: Date) -> Result<String, FormError> {
    let mut doc = read(calendars)?;
    let holiday_set = doc
        .get_mut("holiday_set")
        .and_then(Item::as_array_of_tables_mut)
        .and_then(|sets| sets.iter_mut().find(|s| code_of(s) == Some(set)))
        .ok_or_else(|| FormError::UnknownHolidaySet(set.to_owned()))?;
    let holidays = holiday_set
        .entry("holidays")
        .or_insert_with(|| value(toml_edit::Array::new()))
        .as_array_mut()
        .ok_or_else(|| FormError::Unreadable("`holidays` is not a list".into()))?;
    let written = date.to_string();
    let exists = holidays
        .iter()
        .any(|v| v.as_datetime().is_some_and(|d| d.to_string() == written));
    if exists {
        return Err(FormError::HolidayExists {
            set: set.to_owned(),
            date,
        });
    }
    let parsed: toml_edit::Datetime = written
        .parse()
        .map_err(|e: toml_edit::DatetimeParseError| FormError::Unreadable(e.to_string()))?;
    holidays.push(parsed);
    Ok(doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CATALOG: &str = r#"# The catalog.
[[line]]
code = "a"
name = { ru = "А" }

# ── a / first ──
[[line.topic]]
code = "first"
name = { ru = "Первая" }

[[line.topic.problem]]
code = "p1"
name = { ru = "П1" }

[[line]]
code = "b"
name = { ru = "Б" }

[[line.topic]]
code = "only"
name = { ru = "Единственная" }
"#;

    fn topic(line: &str, code: &str) -> NewTopic {
        NewTopic {
            line: line.into(),
            code: code.into(),
            name: Text {
                ru: "Подарочные карты".into(),
                en: "Gift cards".into(),
            },
            skill: Some("gifts".into()),
            sla: Some("standard".into()),
            order_expected: true,
            urgent_allowed: false,
            problems: vec![(
                "not_activated".into(),
                Text {
                    ru: "Не активирована".into(),
                    en: String::new(),
                },
            )],
        }
    }

    #[test]
    fn a_topic_lands_inside_its_line_with_the_comments_kept() {
        let out = add_topic(CATALOG, &topic("a", "gifts")).expect("added");
        assert!(out.starts_with("# The catalog.\n"), "{out}");
        assert!(out.contains("# ── a / first ──"));
        let gifts = out.find("code = \"gifts\"").expect("the topic");
        let problem = out.find("code = \"not_activated\"").expect("its problem");
        let line_b = out.find("code = \"b\"").expect("the next line");
        assert!(gifts < problem && problem < line_b, "{out}");
        // Read back, the topic belongs to line a and line b is unchanged.
        let doc: toml::Value = toml::from_str(&out).expect("TOML");
        let lines = doc["line"].as_array().unwrap();
        let a_topics = lines[0]["topic"].as_array().unwrap();
        assert_eq!(a_topics.len(), 2);
        assert_eq!(a_topics[1]["name"]["en"].as_str(), Some("Gift cards"));
        assert_eq!(a_topics[1]["order_expected"].as_bool(), Some(true));
        assert!(a_topics[1].get("urgent_allowed").is_none());
        assert_eq!(
            a_topics[1]["problem"][0]["code"].as_str(),
            Some("not_activated")
        );
        assert_eq!(lines[1]["topic"].as_array().unwrap().len(), 1);
        // The last line works too.
        let out = add_topic(CATALOG, &topic("b", "gifts")).expect("added");
        let doc: toml::Value = toml::from_str(&out).expect("TOML");
        assert_eq!(doc["line"][1]["topic"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn the_demo_catalog_takes_a_topic_in_every_line() {
        use switchboard_domain::catalog::Catalog;
        let text = include_str!("../../../../profiles/demo/catalog.toml");
        let before = Catalog::from_toml(text).expect("the demo catalog");
        for line in &before.lines {
            let out = add_topic(text, &topic(&line.code, "gift_cards_new")).expect("added");
            let after = Catalog::from_toml(&out).expect("still a catalog");
            for (old, new) in before.lines.iter().zip(&after.lines) {
                let mut expected = old
                    .topics
                    .iter()
                    .map(|t| t.code.as_str())
                    .collect::<Vec<_>>();
                if old.code == line.code {
                    expected.push("gift_cards_new");
                }
                let got = new
                    .topics
                    .iter()
                    .map(|t| t.code.as_str())
                    .collect::<Vec<_>>();
                assert_eq!(
                    got, expected,
                    "line {} after adding to {}",
                    old.code, line.code
                );
            }
            let (_, added) = after
                .topic(&line.code, "gift_cards_new")
                .expect("the new topic");
            assert_eq!(added.problems.len(), 1);
            assert_eq!(added.skill, "gifts");
        }
    }

    #[test]
    fn a_topic_needs_a_known_line_and_a_new_code() {
        assert_eq!(
            add_topic(CATALOG, &topic("zz", "x")),
            Err(FormError::UnknownLine("zz".into()))
        );
        assert!(matches!(
            add_topic(CATALOG, &topic("a", "first")),
            Err(FormError::TopicExists { .. })
        ));
    }

    const CALENDARS: &str = r#"[[holiday_set]]
code = "ru"
holidays = [
  # 2026
  2026-01-01, 2026-01-02,
]

[[calendar]]
code = "office"
holidays = ["ru"]
"#;

    #[test]
    fn a_holiday_joins_its_set_once() {
        assert_eq!(holiday_sets(CALENDARS), vec!["ru".to_owned()]);
        let date: Date = "2026-12-31".parse().unwrap();
        let out = add_holiday(CALENDARS, "ru", date).expect("added");
        assert!(out.contains("# 2026"), "{out}");
        let doc: toml::Value = toml::from_str(&out).expect("TOML");
        let holidays = doc["holiday_set"][0]["holidays"].as_array().unwrap();
        assert_eq!(holidays.len(), 3);
        assert_eq!(holidays[2].as_datetime().unwrap().to_string(), "2026-12-31");
        assert!(matches!(
            add_holiday(&out, "ru", date),
            Err(FormError::HolidayExists { .. })
        ));
        assert_eq!(
            add_holiday(CALENDARS, "kz", date),
            Err(FormError::UnknownHolidaySet("kz".into()))
        );
    }
}
