//! The priority rules as a form: the priority each rule gives and the
//! default, read from and written back into the document's text with its
//! comments kept. A rule's conditions stay in the text editor, where they
//! can be written in full; the domain loader judges every save.

use toml_edit::{DocumentMut, Item, value};

use super::forms::FormError;

/// One rule as the form shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleRow {
    pub code: String,
    pub priority: String,
    /// Its conditions as written, for reading.
    pub when: String,
}

/// The default priority and the rules, in the document's order.
pub fn priority_rules(priority: &str) -> (Option<String>, Vec<RuleRow>) {
    let Ok(doc) = priority.parse::<DocumentMut>() else {
        return (None, Vec::new());
    };
    let default = doc.get("default").and_then(Item::as_str).map(str::to_owned);
    let rules = doc
        .get("rule")
        .and_then(Item::as_array_of_tables)
        .map(|rules| {
            rules
                .iter()
                .filter_map(|t| {
                    Some(RuleRow {
                        code: t.get("code")?.as_str()?.to_owned(),
                        priority: t.get("priority")?.as_str()?.to_owned(),
                        when: t
                            .get("when")
                            .map(|w| w.to_string().trim().to_owned())
                            .unwrap_or_default(),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    (default, rules)
}

/// The document with rule `code` giving `priority` (or, for code None, the
/// default priority set to it).
pub fn set_priority(text: &str, code: Option<&str>, priority: &str) -> Result<String, FormError> {
    let mut doc = text
        .parse::<DocumentMut>()
        .map_err(|e| FormError::Unreadable(e.to_string()))?;
    let item = match code {
        None => doc.as_table_mut().entry("default").or_insert(value("")),
        Some(code) => doc
            .get_mut("rule")
            .and_then(Item::as_array_of_tables_mut)
            .and_then(|rules| {
                rules
                    .iter_mut()
                    .find(|t| t.get("code").and_then(Item::as_str) == Some(code))
            })
            .ok_or_else(|| FormError::UnknownRule(code.to_owned()))?
            .entry("priority")
            .or_insert(value("")),
    };
    let decor = item.as_value().map(|v| v.decor().clone());
    *item = value(priority);
    if let (Some(decor), Some(v)) = (decor, item.as_value_mut()) {
        *v.decor_mut() = decor;
    }
    Ok(doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_rules_are_read_and_one_is_changed_alone() {
        let text = include_str!("../../../../profiles/demo/priority.toml");
        let (default, rules) = priority_rules(text);
        assert_eq!(default.as_deref(), Some("normal"));
        let premium = rules
            .iter()
            .position(|r| r.code == "premium_seller")
            .expect("a demo rule");
        assert_eq!(rules[premium].priority, "high");
        assert!(rules[premium].when.contains("premium_seller = true"));
        let out = set_priority(text, Some("premium_seller"), "urgent").expect("set");
        let (_, after) = priority_rules(&out);
        assert_eq!(after[premium].priority, "urgent");
        for (i, (a, b)) in rules.iter().zip(&after).enumerate() {
            if i != premium {
                assert_eq!(a, b);
            }
        }
        // Comments stay.
        let comments = |t: &str| t.lines().filter(|l| l.starts_with('#')).count();
        assert_eq!(comments(&out), comments(text));
        let out = set_priority(text, None, "low").expect("default");
        assert_eq!(priority_rules(&out).0.as_deref(), Some("low"));
        assert_eq!(
            set_priority(text, Some("nobody"), "low"),
            Err(FormError::UnknownRule("nobody".into()))
        );
    }
}
