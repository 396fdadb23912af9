//! A ticket's SLA clocks: counted time that can be paused, resumed and stopped.
//!
//! A [`Clock`] does not store its deadline: it stores the counted time used up
//! before its current run and when that run began. The deadline is derived
//! from the policy ([`AppliedPolicy`]) each time, so a changed priority (a new
//! policy) or a corrected calendar moves deadlines without rewriting history,
//! and the stored state is small and plain (it serialises for the store).
//! Every method takes `now`; nothing here reads a clock.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use super::{AppliedPolicy, EscalationAction, Target, TargetKind};
use crate::vocab::Status;

/// One target's clock. Idle (not owed), running, paused, or met.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    /// Counted time used before `running_since`.
    pub used: SignedDuration,
    /// Set while the clock runs.
    pub running_since: Option<Timestamp>,
    /// Something is owed to the customer (running or paused).
    pub active: bool,
    pub met_at: Option<Timestamp>,
    /// The at-risk and breach escalations were already raised for this run.
    pub warned: bool,
    pub breached: bool,
}

impl Clock {
    fn start(&mut self, now: Timestamp, running: bool) {
        *self = Clock {
            active: true,
            running_since: running.then_some(now),
            ..Clock::default()
        };
    }

    fn pause(&mut self, t: &Target, now: Timestamp) {
        if let Some(since) = self.running_since.take() {
            self.used += t.measure.between(since, now).max(SignedDuration::ZERO);
        }
    }

    fn resume(&mut self, now: Timestamp) {
        if self.active && self.running_since.is_none() {
            self.running_since = Some(now);
        }
    }

    fn stop(&mut self, t: &Target, now: Timestamp) {
        if self.active {
            self.pause(t, now);
            self.active = false;
            self.met_at = Some(now);
        }
    }

    /// Counted time used by `now`.
    pub fn used_at(&self, t: &Target, now: Timestamp) -> SignedDuration {
        let running = self
            .running_since
            .map(|s| t.measure.between(s, now).max(SignedDuration::ZERO))
            .unwrap_or_default();
        self.used + running
    }

    /// When `budget` of counted time will be used up, if the clock runs.
    /// A budget already exceeded gives the instant the current run began.
    fn when_used(&self, t: &Target, budget: SignedDuration) -> Option<Timestamp> {
        let since = self.running_since?;
        Some(t.measure.add(since, budget - self.used))
    }
}

/// Whether a target is fine, at risk or breached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    AtRisk,
    Breach,
}

/// A running target's upcoming instants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    pub target: TargetKind,
    pub at_risk_at: Timestamp,
    pub due_at: Timestamp,
}

/// An at-risk or breach crossing not raised before, with what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Escalation {
    pub target: TargetKind,
    pub level: Level,
    /// When the threshold was crossed (or `now`, if it was crossed while paused).
    pub at: Timestamp,
    pub actions: Vec<EscalationAction>,
}

/// What a ticket list shows about one ticket's SLA.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaState {
    /// No target is owed (all met, or none set).
    Met,
    Paused,
    Ok,
    AtRisk,
    Breached,
}

/// The SLA state of one ticket: its policy's code and one clock per target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketSla {
    pub policy: String,
    pub clocks: [Clock; 3],
}

impl TicketSla {
    /// A new ticket at `now`: first response and resolution are owed; the next
    /// response is owed from the customer's next message after a reply.
    pub fn start(p: &AppliedPolicy, now: Timestamp) -> Self {
        let mut s = TicketSla {
            policy: p.code.clone(),
            clocks: [Clock::default(); 3],
        };
        for k in [TargetKind::FirstResponse, TargetKind::Resolution] {
            if p.target(k).is_some() {
                s.clocks[k.index()].start(now, true);
            }
        }
        s
    }

    fn each(&mut self, p: &AppliedPolicy, mut f: impl FnMut(&mut Clock, &Target)) {
        for k in TargetKind::ALL {
            if let Some(t) = p.target(k) {
                f(&mut self.clocks[k.index()], t);
            }
        }
    }

    /// A person replied to the customer: first and next responses are met.
    pub fn agent_replied(&mut self, p: &AppliedPolicy, now: Timestamp) {
        for k in [TargetKind::FirstResponse, TargetKind::NextResponse] {
            if let Some(t) = p.target(k) {
                self.clocks[k.index()].stop(t, now);
            }
        }
    }

    /// The customer wrote: once the first response was given, a next response is
    /// owed (unless one already is). Paused if the ticket is in a pause status.
    pub fn customer_wrote(&mut self, p: &AppliedPolicy, status: Status, now: Timestamp) {
        let first = self.clocks[TargetKind::FirstResponse.index()];
        let next = &mut self.clocks[TargetKind::NextResponse.index()];
        if p.target(TargetKind::NextResponse).is_some() && !first.active && !next.active {
            next.start(now, !p.pauses_in(status));
        }
    }

    /// The ticket moved to `status`. Pause statuses stop every clock's counting;
    /// resolved and closed meet everything; leaving them (a reopen) resumes the
    /// resolution clock with the time it had already used.
    pub fn status_changed(&mut self, p: &AppliedPolicy, status: Status, now: Timestamp) {
        match status {
            Status::Resolved | Status::Closed => self.each(p, |c, t| c.stop(t, now)),
            s if p.pauses_in(s) => self.each(p, |c, t| c.pause(t, now)),
            _ => {
                let r = &mut self.clocks[TargetKind::Resolution.index()];
                if p.target(TargetKind::Resolution).is_some() && !r.active && r.met_at.is_some() {
                    r.active = true;
                    r.met_at = None;
                }
                self.each(p, |c, _| c.resume(now));
            }
        }
    }

    /// Switches to another policy (priority or topic changed). Time already used
    /// is kept; the new limits apply to it.
    pub fn change_policy(&mut self, old: &AppliedPolicy, new: &AppliedPolicy, now: Timestamp) {
        let mut running = [false; 3];
        for k in TargetKind::ALL {
            let c = &mut self.clocks[k.index()];
            running[k.index()] = c.running_since.is_some();
            if let Some(t) = old.target(k) {
                c.pause(t, now);
            }
            if new.target(k).is_none() {
                *c = Clock::default();
            }
            // A longer limit may bring a breached target back under it.
            c.warned = false;
            c.breached = false;
            if running[k.index()] && c.active {
                c.running_since = Some(now);
            }
        }
        self.policy = new.code.clone();
    }

    /// The deadlines of every running target, earliest due first.
    pub fn deadlines(&self, p: &AppliedPolicy) -> Vec<Deadline> {
        let mut out: Vec<Deadline> = TargetKind::ALL
            .iter()
            .filter_map(|&k| {
                let t = p.target(k)?;
                let c = &self.clocks[k.index()];
                if !c.active {
                    return None;
                }
                Some(Deadline {
                    target: k,
                    at_risk_at: c.when_used(t, p.at_risk_share(t.limit))?,
                    due_at: c.when_used(t, t.limit)?,
                })
            })
            .collect();
        out.sort_by_key(|d| (d.due_at, d.target));
        out
    }

    /// The deadline a ticket shows: the earliest due of its running targets.
    pub fn next_deadline(&self, p: &AppliedPolicy) -> Option<Deadline> {
        self.deadlines(p).into_iter().next()
    }

    /// The next instant at which [`TicketSla::escalations`] will have something
    /// new to say: what a timer should wake the ticket at.
    pub fn next_wakeup(&self, p: &AppliedPolicy) -> Option<Timestamp> {
        self.deadlines(p)
            .iter()
            .filter_map(|d| {
                let c = &self.clocks[d.target.index()];
                match (c.warned, c.breached) {
                    (false, _) => Some(d.at_risk_at),
                    (true, false) => Some(d.due_at),
                    _ => None,
                }
            })
            .min()
    }

    pub fn state(&self, p: &AppliedPolicy, now: Timestamp) -> SlaState {
        let mut state = SlaState::Met;
        for k in TargetKind::ALL {
            let (Some(t), c) = (p.target(k), &self.clocks[k.index()]) else {
                continue;
            };
            if !c.active {
                continue;
            }
            let used = c.used_at(t, now);
            let s = if used >= t.limit {
                SlaState::Breached
            } else if used >= p.at_risk_share(t.limit) {
                SlaState::AtRisk
            } else if c.running_since.is_none() {
                SlaState::Paused
            } else {
                SlaState::Ok
            };
            state = state.max_by_severity(s);
        }
        state
    }

    /// Crossings of the at-risk or breach threshold by `now` that were not
    /// raised yet; each is raised once per run of a clock.
    pub fn escalations(&mut self, p: &AppliedPolicy, now: Timestamp) -> Vec<Escalation> {
        let mut out = Vec::new();
        for k in TargetKind::ALL {
            let Some(t) = p.target(k) else { continue };
            let c = &mut self.clocks[k.index()];
            if !c.active {
                continue;
            }
            let used = c.used_at(t, now);
            let crossings = [
                (Level::AtRisk, p.at_risk_share(t.limit), &p.on_at_risk),
                (Level::Breach, t.limit, &p.on_breach),
            ];
            for (level, budget, actions) in crossings {
                let raised = match level {
                    Level::AtRisk => &mut c.warned,
                    Level::Breach => &mut c.breached,
                };
                if !*raised && used >= budget {
                    *raised = true;
                    let at = c.when_used(t, budget).unwrap_or(now).min(now);
                    out.push(Escalation {
                        target: k,
                        level,
                        at,
                        actions: actions.clone(),
                    });
                }
            }
        }
        out
    }
}

impl SlaState {
    fn max_by_severity(self, other: SlaState) -> SlaState {
        let rank = |s: SlaState| match s {
            SlaState::Met => 0,
            SlaState::Paused => 1,
            SlaState::Ok => 2,
            SlaState::AtRisk => 3,
            SlaState::Breached => 4,
        };
        if rank(other) > rank(self) {
            other
        } else {
            self
        }
    }
}
