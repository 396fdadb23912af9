//! The router's invariants, checked in full (O(everything)): used by the
//! property tests after every operation, never on the hot path.

use std::collections::BTreeSet;

use super::state::{Place, State, class_ix};

pub(super) fn invariants(s: &State) -> Result<(), String> {
    let mut waiting = 0;
    for q in &s.queues {
        for class in &q.classes {
            waiting += class.len();
            for (key, id) in class {
                match s.convs.get(id).map(|c| c.place) {
                    Some(Place::Waiting(k)) if k == *key => {}
                    other => return Err(format!("{id:?} queued under {key:?} but is {other:?}")),
                }
            }
        }
    }
    if waiting != s.waiting {
        return Err(format!("waiting count {} but {waiting} queued", s.waiting));
    }
    for (id, c) in &s.convs {
        match c.place {
            Place::Waiting(k) => {
                if s.queues[c.skill as usize].classes[class_ix(c.class)].get(&k) != Some(id) {
                    return Err(format!("{id:?} waiting but not in its queue"));
                }
            }
            Place::Assigned { op, .. } => {
                let o = s
                    .ops
                    .get(op as usize)
                    .ok_or(format!("{id:?}: bad operator"))?;
                if !o.assigned.contains(id) {
                    return Err(format!("{id:?} assigned to {} who does not list it", o.id));
                }
            }
        }
    }
    for (ix, o) in s.ops.iter().enumerate() {
        if o.load as usize != o.assigned.len() || o.load > o.capacity {
            return Err(format!(
                "{}: load {} for {} conversations, capacity {}",
                o.id,
                o.load,
                o.assigned.len(),
                o.capacity
            ));
        }
        for id in &o.assigned {
            let c = s
                .convs
                .get(id)
                .ok_or(format!("{} holds unknown {id:?}", o.id))?;
            if !matches!(c.place, Place::Assigned { op, .. } if op as usize == ix) {
                return Err(format!("{} lists {id:?} which is elsewhere", o.id));
            }
            if !o.skills.contains(&c.skill) {
                return Err(format!("{} holds {id:?} without its skill", o.id));
            }
        }
        if let Some(key) = o.avail_key(ix as u32) {
            for &sk in &o.skills {
                let q = &s.queues[sk as usize];
                if !q.available.contains(&key) {
                    return Err(format!(
                        "{} is available but missing from skill {}",
                        o.id, q.name
                    ));
                }
                if q.classes.iter().any(|c| !c.is_empty()) {
                    return Err(format!(
                        "{} is free while skill {} has waiting conversations",
                        o.id, q.name
                    ));
                }
            }
        }
    }
    for (sk, q) in s.queues.iter().enumerate() {
        let expected: BTreeSet<_> = s
            .ops
            .iter()
            .enumerate()
            .filter(|(_, o)| o.skills.contains(&(sk as u32)))
            .filter_map(|(ix, o)| o.avail_key(ix as u32))
            .collect();
        if expected != q.available {
            return Err(format!(
                "availability set of skill {} is out of step",
                q.name
            ));
        }
    }
    Ok(())
}
