import re
root='/work/wt-reports/crates/domain/src/'
p=root+'conversation/outbound.rs'; s=open(p).read()
s=s.replace('''        /// Anything else the system tells a customer.
        Notice = "notice",''','''        /// Anything else the system tells a customer.
        Notice = "notice",
        /// "How did we do?" after a ticket is resolved, with the rating link.
        CsatRequest = "csat_request",''',1)
open(p,'w').write(s)
p=root+'ticket/events.rs'; s=open(p).read()
s=s.replace('''    /// The merge of `source` into `target` was undone (recorded on both).
    Unmerged {
        source: TicketNumber,
        target: TicketNumber,
    },
}''','''    /// The merge of `source` into `target` was undone (recorded on both).
    Unmerged {
        source: TicketNumber,
        target: TicketNumber,
    },
    // --- customer satisfaction (issue 14)
    /// The customer was asked to rate the ticket, through `medium` (`chat`
    /// for a message in the conversation).
    CsatRequested {
        medium: String,
    },
    /// The customer rated the ticket 1–5.
    Rated {
        score: u8,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comment: Option<String>,
    },
}''',1)
s=s.replace('''            TicketEvent::Unmerged { .. } => "unmerged",''','''            TicketEvent::Unmerged { .. } => "unmerged",
            TicketEvent::CsatRequested { .. } => "csat_requested",
            TicketEvent::Rated { .. } => "rated",''',1)
open(p,'w').write(s)
p=root+'lib.rs'; s=open(p).read()
s=s.replace("pub mod conversation;\n","pub mod conversation;\npub mod csat;\n",1)
open(p,'w').write(s)
p=root+'report.rs'; s=open(p).read()
s=s.replace("    calendar: &Calendar,\n    csat: Option<u8>,\n) -> TicketFacts {","    calendar: &Calendar,\n) -> TicketFacts {\n    let mut csat = None;",1)
s=s.replace("            TicketEvent::ClaimFiled => claim = true,\n","            TicketEvent::ClaimFiled => claim = true,\n            TicketEvent::Rated { score, .. } => csat = Some(*score),\n",1)
s=s.replace("/// The customer's rating (1–5), once given.","/// The customer's last rating (1–5), once given.")
open(p,'w').write(s)
p=root+'report/tests.rs'; s=open(p).read()
s=s.replace("&cal, None)","&cal)")
open(p,'w').write(s)
