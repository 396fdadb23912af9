//! Synthetic but lifelike tickets for the reports benchmark: the demo
//! catalog's lines, topics and problems; the channels' mix; the bot's chats
//! (some resolved by it, most handed over); queues, assignments, first and
//! next responses, SLA breaches, transfers, internal notes, claims,
//! resolutions, reopens weeks later, ratings and closing — each as the audit
//! and message logs record it. A ticket's life is cut at "now": recent
//! tickets are still open, in whatever state their log has reached.
//! Deterministic for a seed, so both databases get the same tickets.

use jiff::{SignedDuration, Timestamp};
use switchboard_domain::catalog::Catalog;
use switchboard_domain::deadline::TargetKind;
use switchboard_domain::ids::{CustomerId, OperatorId, PhoneNumber, TicketId, TicketNumber};
use switchboard_domain::phone::{Call, CallState, Caller, Decision, Outcome, Target};
use switchboard_domain::ticket::{
    Actor, Channel, Priority, ProblemChoice, ReplyChannel, Requester, Status, Ticket, TicketEvent,
    TicketKind,
};
use switchboard_store::{SeedEvent, SeedMessage, SeedTicket, Visibility};

use super::rng::Rng;
use super::texts::*;

/// One topic of the catalog with its problems.
struct Topic {
    line: String,
    topic: String,
    problems: Vec<String>,
    /// Other topics of the same line, for transfers.
    siblings: Vec<String>,
}

pub(super) struct Generator {
    rng: Rng,
    topics: Vec<Topic>,
    operators: Vec<OperatorId>,
    start: Timestamp,
    span_ms: i64,
    count: u64,
    now: Timestamp,
    /// The number phone tickets were called on (the demo's first).
    number: PhoneNumber,
}

/// A ticket's life as it is being written: its logs and where it stands.
struct Life {
    events: Vec<SeedEvent>,
    messages: Vec<SeedMessage>,
    status: Status,
    assignee: Option<OperatorId>,
    first_response_at: Option<Timestamp>,
    resolved_at: Option<Timestamp>,
    now: Timestamp,
}

impl Life {
    /// Records what happened at `at`, if that is before now; false once the
    /// ticket's life reaches the present (nothing later is written).
    fn event(&mut self, at: Timestamp, actor: Actor, event: TicketEvent) -> bool {
        if at > self.now {
            return false;
        }
        match &event {
            TicketEvent::StatusChanged { to, .. } => {
                self.status = *to;
                self.resolved_at = (*to == Status::Resolved || *to == Status::Closed)
                    .then_some(self.resolved_at.unwrap_or(at));
            }
            TicketEvent::Assigned { to, .. } => self.assignee = *to,
            _ => {}
        }
        self.events.push(SeedEvent { at, actor, event });
        true
    }

    fn message(&mut self, at: Timestamp, author: Actor, visibility: Visibility, body: String) {
        if matches!(author, Actor::Operator(_)) && visibility == Visibility::Public {
            self.first_response_at.get_or_insert(at);
        }
        self.messages.push(SeedMessage {
            at,
            author,
            visibility,
            body,
        });
    }

    fn status_to(&mut self, at: Timestamp, actor: Actor, to: Status) -> bool {
        let from = self.status;
        self.event(at, actor, TicketEvent::StatusChanged { from, to })
    }
}

impl Generator {
    /// `count` tickets created evenly over the `days` before `now`.
    pub(super) fn new(
        catalog: &Catalog,
        operators: Vec<OperatorId>,
        count: u64,
        days: i64,
        now: Timestamp,
        seed: u64,
    ) -> anyhow::Result<Generator> {
        let mut topics = Vec::new();
        for line in catalog.lines.iter().filter(|l| l.support) {
            for t in &line.topics {
                topics.push(Topic {
                    line: line.code.clone(),
                    topic: t.code.clone(),
                    problems: t.problems.iter().map(|p| p.code.clone()).collect(),
                    siblings: line.topics.iter().map(|o| o.code.clone()).collect(),
                });
            }
        }
        anyhow::ensure!(!topics.is_empty(), "the catalog has no topics");
        anyhow::ensure!(!operators.is_empty(), "no operators to assign tickets to");
        let span = SignedDuration::from_hours(24 * days);
        Ok(Generator {
            rng: Rng::new(seed),
            topics,
            operators,
            start: now - span,
            span_ms: span.as_millis() as i64,
            count: count.max(1),
            now,
            number: PhoneNumber::parse("+78002000900").map_err(|e| anyhow::anyhow!("{e}"))?,
        })
    }

    /// Ticket number `i` (0-based; its id is `i + 1`), created in order.
    pub(super) fn ticket(&mut self, i: u64) -> anyhow::Result<SeedTicket> {
        let rng = &mut self.rng;
        let created = self.start
            + SignedDuration::from_millis(
                (self.span_ms as i128 * i as i128 / self.count as i128) as i64,
            );
        let channel = *rng.pick(&[
            Channel::Form,
            Channel::Form,
            Channel::Email,
            Channel::Email,
            Channel::Chat,
            Channel::Chat,
            Channel::Chat,
            Channel::Telegram,
            Channel::Vk,
            Channel::Phone,
        ]);
        let topic = &self.topics[rng.below(self.topics.len() as u64) as usize];
        let problem = match topic.problems.as_slice() {
            [] => ProblemChoice::Other("Другое".into()),
            list => ProblemChoice::Listed(rng.pick(list).clone()),
        };
        let kind = if rng.chance(0.02) {
            TicketKind::Claim
        } else {
            TicketKind::Request
        };
        let priority = *rng.pick(&[
            Priority::Low,
            Priority::Normal,
            Priority::Normal,
            Priority::Normal,
            Priority::Normal,
            Priority::Normal,
            Priority::High,
            Priority::High,
            Priority::Urgent,
        ]);
        let customer = CustomerId::parse(&format!("bench-{}", rng.below(250_000)))
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let order = format!("MP-{}", 10_000_000 + rng.below(90_000_000));
        let me = Actor::Customer(customer.clone());
        let live = channel.is_live();
        let mut life = Life {
            events: Vec::new(),
            messages: Vec::new(),
            status: if live {
                Status::WithBot
            } else {
                Status::Queued
            },
            assignee: None,
            first_response_at: None,
            resolved_at: None,
            now: self.now,
        };
        let policy = match (kind, live) {
            (TicketKind::Claim, _) => "claim",
            (_, true) => "chat",
            _ => "standard",
        };
        life.event(
            created,
            me.clone(),
            TicketEvent::Created {
                status: life.status,
                priority,
                due_at: None,
                priority_rule: None,
                sla_policy: (!live).then(|| policy.to_owned()),
            },
        );
        let opening = rng.pick(CUSTOMER_OPENINGS).replace("{order}", &order);
        life.message(created, me.clone(), Visibility::Public, opening);
        if kind == TicketKind::Claim {
            life.event(created, me.clone(), TicketEvent::ClaimFiled);
        }
        let mut line_topic = (topic.line.clone(), topic.topic.clone());
        let op = *rng.pick(&self.operators);
        let mut calls = Vec::new();
        if channel == Channel::Phone {
            let caller = PhoneNumber::parse(&format!("+7916{:07}", rng.below(10_000_000)))
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let call =
                |n: u32, offered: Timestamp, outcome: Outcome, answered: Option<Timestamp>| Call {
                    call_id: format!("seed-{}-{n}", i + 1),
                    number: self.number.clone(),
                    caller: Caller::Number(caller.clone()),
                    requester: Some(Requester::Customer(customer.clone())),
                    line: topic.line.clone(),
                    decision: Decision::Connect {
                        targets: vec![Target {
                            operator: op,
                            login: format!("operator-{}", op.0),
                        }],
                        ring_timeout_secs: 30,
                    },
                    state: CallState::Ended,
                    outcome: Some(outcome),
                    operator: answered.map(|_| op),
                    ticket: answered.map(|_| TicketId(i as i64 + 1)),
                    offered_at: offered,
                    answered_at: answered,
                    ended_at: Some(answered.unwrap_or(offered) + SignedDuration::from_secs(90)),
                    timed_out: false,
                    version: 3,
                };
            // Some callers gave up once before getting through.
            if rng.chance(0.15) {
                calls.push(call(
                    1,
                    created - rng.secs(120, 3600),
                    Outcome::Abandoned,
                    None,
                ));
            }
            let ring = rng.secs(3, 60);
            calls.push(call(2, created - ring, Outcome::Answered, Some(created)));
        }
        'life: {
            let mut t = created;
            if live {
                t += rng.secs(2, 20);
                life.message(
                    t,
                    Actor::Bot,
                    Visibility::Public,
                    rng.pick(BOT_ANSWERS).to_string(),
                );
                t += rng.secs(20, 600);
                if rng.chance(0.3) {
                    life.status_to(t, me.clone(), Status::Resolved);
                    break 'life;
                }
                if !life.status_to(t, me.clone(), Status::Queued) {
                    break 'life;
                }
                life.event(
                    t,
                    Actor::System,
                    TicketEvent::SlaPolicyChanged {
                        from: None,
                        to: Some(policy.to_owned()),
                    },
                );
            }
            let queued = t;
            // Assignment, then the first answer; a late one breaches its target.
            let (wait, answer, target) = if live {
                (
                    rng.secs(5, 1800),
                    rng.secs(30, 900),
                    SignedDuration::from_mins(15),
                )
            } else {
                (
                    rng.secs(60, 6 * 3600),
                    rng.secs(120, 4 * 3600),
                    SignedDuration::from_hours(4),
                )
            };
            let by = Actor::Operator(op);
            t += wait;
            if !life.event(
                t,
                Actor::System,
                TicketEvent::Assigned {
                    from: None,
                    to: Some(op),
                },
            ) {
                break 'life;
            }
            life.status_to(t, Actor::System, Status::Assigned);
            t += answer;
            if t.duration_since(queued) > target {
                let due = queued + target;
                life.event(
                    due,
                    Actor::System,
                    TicketEvent::SlaBreached {
                        target: TargetKind::FirstResponse,
                        due_at: due,
                        actions: vec![],
                    },
                );
            }
            if !life.event(t, by.clone(), TicketEvent::PublicReply) {
                break 'life;
            }
            let reply = rng.pick(STAFF_REPLIES).replace("{order}", &order);
            life.message(t, by.clone(), Visibility::Public, reply);
            if rng.chance(0.1) {
                t += rng.secs(10, 600);
                if !life.event(t, by.clone(), TicketEvent::InternalNote) {
                    break 'life;
                }
                life.message(
                    t,
                    by.clone(),
                    Visibility::Internal,
                    rng.pick(NOTES).to_string(),
                );
            }
            if rng.chance(0.04) {
                let to = rng.pick(&topic.siblings).clone();
                t += rng.secs(60, 3600);
                let change = TicketEvent::TopicChanged {
                    from_line: topic.line.clone(),
                    from_topic: line_topic.1.clone(),
                    to_line: topic.line.clone(),
                    to_topic: to.clone(),
                };
                if !life.event(t, by.clone(), change) {
                    break 'life;
                }
                line_topic.1 = to;
            }
            // Zero to two more rounds of question and answer.
            while rng.chance(0.45) {
                t += rng.secs(300, 86_400);
                if !life.event(t, me.clone(), TicketEvent::CustomerMessage) {
                    break 'life;
                }
                let follow = rng.pick(CUSTOMER_FOLLOW_UPS).to_string();
                life.message(t, me.clone(), Visibility::Public, follow);
                t += rng.secs(60, 8 * 3600);
                if !life.event(t, by.clone(), TicketEvent::PublicReply) {
                    break 'life;
                }
                let reply = rng.pick(STAFF_REPLIES).replace("{order}", &order);
                life.message(t, by.clone(), Visibility::Public, reply);
                if life.messages.len() > 8 {
                    break;
                }
            }
            t += rng.secs(60, 86_400);
            let limit = if kind == TicketKind::Claim {
                SignedDuration::from_hours(240)
            } else {
                SignedDuration::from_hours(72)
            };
            if t.duration_since(created) > limit {
                let due = created + limit;
                life.event(
                    due,
                    Actor::System,
                    TicketEvent::SlaBreached {
                        target: TargetKind::Resolution,
                        due_at: due,
                        actions: vec![],
                    },
                );
            }
            if !life.status_to(t, by.clone(), Status::Resolved) {
                break 'life;
            }
            if rng.chance(0.05) {
                // Reopened days or weeks later: the reports must follow.
                t += rng.secs(86_400, 21 * 86_400);
                if !life.event(t, me.clone(), TicketEvent::Reopened) {
                    break 'life;
                }
                life.resolved_at = None;
                life.status_to(t, me.clone(), Status::Assigned);
                life.message(
                    t,
                    me.clone(),
                    Visibility::Public,
                    "Проблема повторилась.".into(),
                );
                t += rng.secs(300, 86_400);
                if !life.event(t, by.clone(), TicketEvent::PublicReply) {
                    break 'life;
                }
                life.message(
                    t,
                    by.clone(),
                    Visibility::Public,
                    rng.pick(STAFF_REPLIES).replace("{order}", &order),
                );
                t += rng.secs(60, 3600);
                if !life.status_to(t, by.clone(), Status::Resolved) {
                    break 'life;
                }
            }
            if rng.chance(0.25) {
                let score = *rng.pick(&[1u8, 2, 3, 4, 4, 5, 5, 5, 5, 5]);
                let comment = rng.chance(0.3).then(|| rng.pick(COMMENTS).to_string());
                life.event(
                    t + rng.secs(600, 2 * 86_400),
                    me.clone(),
                    TicketEvent::Rated { score, comment },
                );
            }
            life.status_to(
                t + SignedDuration::from_hours(168),
                Actor::System,
                Status::Closed,
            );
        }
        life.events.sort_by_key(|e| e.at);
        let updated = life.events.last().map_or(created, |e| e.at);
        let id = TicketId(i as i64 + 1);
        Ok(SeedTicket {
            ticket: Ticket {
                id,
                number: TicketNumber::from_id(id),
                requester: Requester::Customer(customer),
                kind,
                channel,
                origin: None,
                line: line_topic.0,
                topic: line_topic.1,
                problem,
                order_number: None,
                subject: format!("Заказ {order}"),
                status: life.status,
                priority,
                reply_channel: ReplyChannel::Email,
                assignee: life.assignee,
                due_at: None,
                at_risk_at: None,
                priority_rule: None,
                sla: None,
                first_response_at: life.first_response_at,
                resolved_at: life.resolved_at,
                created_at: created,
                updated_at: updated,
                version: life.events.len() as i64,
            },
            events: life.events,
            messages: life.messages,
            calls,
        })
    }
}
