//! Who on the staff may see and act on what — the one rule, applied by every
//! staff read and action (HTTP endpoints through one extractor and the
//! use cases below, the console socket through the same calls):
//!
//! - an **admin** sees every line;
//! - a **supervisor** sees the lines of their skills, or, holding none, every
//!   line without banking secrecy;
//! - an **operator** sees the topics of their skills, and tickets assigned to
//!   them on lines without banking secrecy;
//! - a line with **banking secrecy** (`secrecy = true` in the catalog: the
//!   bank's lines) is shown to non-admins only through one of its skills.
//!
//! A customer's profile follows the lines that serve the customer's kind: it
//! is visible to whoever sees one of them.

use switchboard_domain::catalog::{Catalog, Line};
use switchboard_domain::customer::CustomerKind;
use switchboard_domain::ids::TicketId;
use switchboard_domain::ticket::Ticket;
use switchboard_store::{Operator, Role, TicketScope};

use crate::{Core, CoreError, CoreResult, RefusalKind};

/// The skill of a topic, or the line's code for a topic the catalog lacks.
fn skill_of<'a>(catalog: &'a Catalog, line: &'a str, topic: &'a str) -> &'a str {
    catalog
        .topic(line, topic)
        .map(|(_, t)| t.skill.as_str())
        .unwrap_or(line)
}

fn secret(catalog: &Catalog, line: &str) -> bool {
    catalog
        .lines
        .iter()
        .find(|l| l.code == line)
        .is_some_and(|l| l.secrecy)
}

fn holds_skill_of(op: &Operator, line: &Line) -> bool {
    line.topics.iter().any(|t| op.skills.contains(&t.skill)) || op.skills.contains(&line.code)
}

/// Whether `op` sees a line as a whole (supervisors, admins).
fn sees_line(op: &Operator, line: &Line) -> bool {
    match op.role {
        Role::Admin => true,
        Role::Supervisor if op.skills.is_empty() => !line.secrecy,
        Role::Supervisor => holds_skill_of(op, line),
        Role::Operator => false,
    }
}

/// Whether `op` may see (and so act on) a ticket on `line`/`topic`, assigned to `assignee`.
pub fn sees(catalog: &Catalog, op: &Operator, t: &Ticket) -> bool {
    if let Some(line) = catalog.lines.iter().find(|l| l.code == t.line)
        && sees_line(op, line)
    {
        return true;
    }
    match op.role {
        Role::Admin => true,
        Role::Supervisor => false,
        Role::Operator => {
            op.skills
                .iter()
                .any(|s| s == skill_of(catalog, &t.line, &t.topic))
                || (t.assignee == Some(op.id) && !secret(catalog, &t.line))
        }
    }
}

/// Whether `op` may see the profile of a customer of this kind.
pub fn sees_customer(catalog: &Catalog, op: &Operator, kind: CustomerKind) -> bool {
    op.role == Role::Admin
        || catalog
            .lines
            .iter()
            .filter(|l| l.serves(kind))
            .any(|l| sees_line(op, l) || holds_skill_of(op, l))
}

/// The same rule as a store filter for lists; `None` for an admin (no limit).
pub fn ticket_scope(catalog: &Catalog, op: &Operator) -> Option<TicketScope> {
    if op.role == Role::Admin {
        return None;
    }
    let mut scope = TicketScope::default();
    for line in &catalog.lines {
        if sees_line(op, line) {
            scope.lines.push(line.code.clone());
        } else if op.role == Role::Operator {
            for t in line.topics.iter().filter(|t| op.skills.contains(&t.skill)) {
                scope.topics.push((line.code.clone(), t.code.clone()));
            }
        }
        if line.secrecy {
            scope.secret_lines.push(line.code.clone());
        }
    }
    if op.role == Role::Operator {
        scope.assignee = Some(op.id);
    }
    Some(scope)
}

/// The lines whose phone calls and callbacks `op` may see: the lines they
/// oversee or hold a skill on; `None` for an admin (every line). Calls carry
/// a line, not a topic, so an operator's topic skill opens the line's calls.
pub fn phone_lines(catalog: &Catalog, op: &Operator) -> Option<Vec<String>> {
    (op.role != Role::Admin).then(|| {
        catalog
            .lines
            .iter()
            .filter(|l| sees_line(op, l) || holds_skill_of(op, l))
            .map(|l| l.code.clone())
            .collect()
    })
}

/// Whether a supervisor's dashboard shows this line's queues and tickets.
pub fn oversees(catalog: &Catalog, op: &Operator, line: &str) -> bool {
    op.role == Role::Admin
        || catalog
            .lines
            .iter()
            .find(|l| l.code == line)
            .is_some_and(|l| sees_line(op, l))
}

/// Whether a supervisor's dashboard shows `other`'s state: an admin sees
/// everyone; a supervisor, themselves and whoever holds a skill on a line
/// they oversee.
pub fn oversees_operator(catalog: &Catalog, op: &Operator, other: &Operator) -> bool {
    op.role == Role::Admin
        || op.id == other.id
        || catalog
            .lines
            .iter()
            .any(|l| sees_line(op, l) && holds_skill_of(other, l))
}

pub fn out_of_scope() -> CoreError {
    CoreError::refused(
        RefusalKind::Forbidden,
        "missing_skill",
        "У сотрудника нет навыка для этой линии или темы",
        "You do not have the skill for this line or topic",
    )
}

impl Core {
    /// Refuses a ticket outside `op`'s scope.
    pub fn check_scope(&self, op: &Operator, t: &Ticket) -> CoreResult<()> {
        if sees(&self.catalog(), op, t) {
            Ok(())
        } else {
            Err(out_of_scope())
        }
    }

    /// A ticket for a member of staff: not found, out of scope, or the ticket.
    pub async fn staff_ticket(&self, op: &Operator, id: TicketId) -> CoreResult<Ticket> {
        let t = self.store.ticket(id).await?;
        self.check_scope(op, &t)?;
        Ok(t)
    }
}
