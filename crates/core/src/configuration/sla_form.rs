//! The SLA policies' targets as a form: each policy's first-response,
//! next-response and resolution targets and its at-risk share, read from
//! and written back into the document's text with its comments kept. The
//! domain loader still judges the result (an amount like "2h" or "3bd", a
//! share between 0 and 1).

use toml_edit::{DocumentMut, Item, Table, value};

use super::forms::FormError;

/// The targets a policy states, as written ("10m", "3bd"); None: not set.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PolicyTargets {
    pub code: String,
    pub first_response: Option<String>,
    pub next_response: Option<String>,
    pub resolution: Option<String>,
    /// The policy's own at-risk share; None: the file's default.
    pub at_risk: Option<f64>,
}

const TARGETS: [&str; 3] = ["first_response", "next_response", "resolution"];

fn policies_mut(doc: &mut DocumentMut) -> impl Iterator<Item = &mut Table> {
    doc.get_mut("policy")
        .and_then(Item::as_array_of_tables_mut)
        .into_iter()
        .flat_map(|a| a.iter_mut())
}

/// Every policy's targets, in the document's order.
pub fn policy_targets(sla: &str) -> Vec<PolicyTargets> {
    let Ok(doc) = sla.parse::<DocumentMut>() else {
        return Vec::new();
    };
    let text = |t: &Table, key: &str| t.get(key).and_then(Item::as_str).map(str::to_owned);
    doc.get("policy")
        .and_then(Item::as_array_of_tables)
        .map(|policies| {
            policies
                .iter()
                .filter_map(|t| {
                    Some(PolicyTargets {
                        code: text(t, "code")?,
                        first_response: text(t, "first_response"),
                        next_response: text(t, "next_response"),
                        resolution: text(t, "resolution"),
                        at_risk: t.get("at_risk").and_then(Item::as_float),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The SLA document with policy `targets.code`'s targets set as given (an
/// empty or absent target is removed: the policy no longer measures it).
pub fn set_policy_targets(sla: &str, targets: &PolicyTargets) -> Result<String, FormError> {
    let mut doc = sla
        .parse::<DocumentMut>()
        .map_err(|e| FormError::Unreadable(e.to_string()))?;
    let policy = policies_mut(&mut doc)
        .find(|t| t.get("code").and_then(Item::as_str) == Some(targets.code.as_str()))
        .ok_or_else(|| FormError::UnknownPolicy(targets.code.clone()))?;
    let given = [
        &targets.first_response,
        &targets.next_response,
        &targets.resolution,
    ];
    for (key, amount) in TARGETS.into_iter().zip(given) {
        match amount.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
            Some(a) => set_keeping_decor(policy, key, value(a)),
            None => {
                policy.remove(key);
            }
        }
    }
    match targets.at_risk {
        Some(share) => set_keeping_decor(policy, "at_risk", value(share)),
        None => {
            policy.remove("at_risk");
        }
    }
    Ok(doc.to_string())
}

/// Sets `key`, keeping the comment written before an existing value's line.
fn set_keeping_decor(table: &mut Table, key: &str, item: Item) {
    match table.get_mut(key) {
        Some(old) => {
            let decor = old.as_value().map(|v| v.decor().clone());
            *old = item;
            if let (Some(decor), Some(v)) = (decor, old.as_value_mut()) {
                *v.decor_mut() = decor;
            }
        }
        None => {
            table.insert(key, item);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SLA: &str = r#"at_risk = 0.8

# Chat: ten minutes.
[[policy]]
code = "chat"
when = { channel = ["chat"] }
first_response = "10m"
next_response = "10m"
resolution = "24h"

[[policy]]
code = "standard"
first_response = "24h"
"#;

    #[test]
    fn targets_are_read_and_written_back_with_the_comments() {
        let read = policy_targets(SLA);
        assert_eq!(read.len(), 2);
        assert_eq!(read[0].first_response.as_deref(), Some("10m"));
        assert_eq!(read[1].next_response, None);
        let mut chat = read[0].clone();
        chat.first_response = Some("5m".into());
        chat.next_response = Some(" ".into());
        chat.at_risk = Some(0.5);
        let out = set_policy_targets(SLA, &chat).expect("set");
        assert!(out.contains("# Chat: ten minutes."), "{out}");
        let again = policy_targets(&out);
        assert_eq!(again[0].first_response.as_deref(), Some("5m"));
        assert_eq!(again[0].next_response, None, "an empty target is removed");
        assert_eq!(again[0].resolution.as_deref(), Some("24h"));
        assert_eq!(again[0].at_risk, Some(0.5));
        assert_eq!(again[1], read[1], "other policies untouched");
        assert!(out.starts_with("at_risk = 0.8\n"));
    }

    #[test]
    fn an_unknown_policy_is_refused() {
        let nobody = PolicyTargets {
            code: "nobody".into(),
            ..PolicyTargets::default()
        };
        assert_eq!(
            set_policy_targets(SLA, &nobody),
            Err(FormError::UnknownPolicy("nobody".into()))
        );
    }

    #[test]
    fn the_demo_policies_are_all_read() {
        let text = include_str!("../../../../profiles/demo/sla.toml");
        let policies = policy_targets(text);
        assert!(policies.len() >= 5);
        assert!(policies.iter().all(|p| p.first_response.is_some()));
        for p in &policies {
            assert_eq!(
                set_policy_targets(text, p).map(|t| policy_targets(&t)),
                Ok(policies.clone())
            );
        }
    }
}
