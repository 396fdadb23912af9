import shutil, re, subprocess
W='/work/wt-reports/crates/'
S='/tmp/p14/csat/'
def edit(path, old, new, count=1):
    p=W+path; s=open(p).read()
    assert old in s, (path, old[:60])
    s=s.replace(old,new,count); open(p,'w').write(s)
exec(open('/tmp/p14/csat_domain.py').read())
# store
shutil.copy(S+'store_csat.rs', W+'store/src/csat.rs')
shutil.copy(S+'sql_csat.rs', W+'store/src/sql/csat.rs')
shutil.copy(S+'sqlite_0015_csat.sql', W+'store/migrations/sqlite/0015_csat.sql')
shutil.copy(S+'postgres_0015_csat.sql', W+'store/migrations/postgres/0015_csat.sql')
for be in ['sqlite','postgres']:
    edit(f'store/src/{be}.rs', f'        include_str!("../migrations/{be}/0010_reports.sql"),\n    ),\n',
         f'        include_str!("../migrations/{be}/0010_reports.sql"),\n    ),\n    (15, "csat", include_str!("../migrations/{be}/0015_csat.sql")),\n')
edit('store/src/lib.rs', "mod conversations;\n", "mod conversations;\nmod csat;\n")
edit('store/src/lib.rs', "pub use feed::{", "pub use csat::{CsatAsk, CsatRecord, CsatState, CsatStore};\npub use feed::{")
edit('store/src/lib.rs', "    + ReportStore\n    + Send", "    + ReportStore\n    + CsatStore\n    + Send")
edit('store/src/lib.rs', "        ConversationStore, KnowledgeStore,", "        ConversationStore, CsatStore, KnowledgeStore,")
edit('store/src/sql/mod.rs', "mod conversations;\n", "mod conversations;\nmod csat;\n")
edit('store/src/sql/mod.rs', "pub(crate) use conversations::conversation_store;\n", "pub(crate) use conversations::conversation_store;\npub(crate) use csat::csat_store;\n")
edit('store/src/sql/mod.rs', "            use $crate::{\n                BacklogRow,", "            use $crate::{CsatAsk, CsatRecord, CsatState, CsatStore};\n            use $crate::{\n                BacklogRow,")
edit('store/src/sql/mod.rs', "            $crate::sql::report_store!($store);\n", "            $crate::sql::report_store!($store);\n            $crate::sql::csat_store!($store);\n")
# save_escalation uses the shared alert helper
p=W+'store/src/sql/tickets.rs'; s=open(p).read()
start=s.index("                for (operator, event) in alerts {\n                    let row = sqlx::query(\n                        \"INSERT INTO staff_alerts")
end=s.index("                insert_outbound(&mut tx, None, None, emails, at).await?;")
s=s[:start]+"                insert_alerts(&mut tx, stored.id, at, alerts, &mut notices).await?;\n"+s[end:]
open(p,'w').write(s)
# facts take the rating from the audit log
edit('store/src/reports.rs', "    pub messages: Vec<LogMessage>,\n    /// The customer's rating, once given.\n    pub csat: Option<u8>,\n", "    pub messages: Vec<LogMessage>,\n")
edit('store/src/sql/reports.rs', "                        messages: Vec::new(),\n                        csat: None,\n", "                        messages: Vec::new(),\n")
edit('core/src/reports.rs', "ticket_facts(&i.head, &i.events, &i.messages, calendar, i.csat)", "ticket_facts(&i.head, &i.events, &i.messages, calendar)")
# core
edit('core/Cargo.toml', "getrandom.workspace = true\n", "getrandom.workspace = true\nhex.workspace = true\n")
edit('core/Cargo.toml', "serde_json.workspace = true\n", "serde_json.workspace = true\nsha2.workspace = true\n")
shutil.copy(S+'core_csat.rs', W+'core/src/csat.rs')
edit('core/src/lib.rs', "pub mod conversation;\n", "pub mod conversation;\npub mod csat;\n")
edit('core/src/config.rs', "    /// Ready answers the bot offers at most.\n    pub bot_answers: usize,\n}\n", "    /// Ready answers the bot offers at most.\n    pub bot_answers: usize,\n    /// Customer satisfaction requests (the `[csat]` section).\n    pub csat: CsatConfig,\n}\n")
edit('core/src/config.rs', "            bot_answers: 3,\n        }\n    }\n}\n", """            bot_answers: 3,
            csat: CsatConfig::default(),
        }
    }
}

/// Customer satisfaction: when customers are asked to rate a resolved ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CsatConfig {
    pub enabled: bool,
    /// Ask from this process every `interval_ms` (tests step it instead).
    pub run_worker: bool,
    pub interval_ms: u64,
    /// Nobody is asked again within this many days of their last request.
    pub min_interval_days: u32,
    /// Tickets resolved longer ago than this are not asked about.
    pub ask_within_hours: u32,
    /// Ratings at or below this alert the supervisors.
    pub low_at_most: u8,
    /// A low rating also reopens the ticket.
    pub reopen_on_low: bool,
    /// Where customers reach this service: the rating links start with it.
    pub public_url: String,
}

impl Default for CsatConfig {
    fn default() -> Self {
        CsatConfig {
            enabled: true,
            run_worker: true,
            interval_ms: 5_000,
            min_interval_days: 30,
            ask_within_hours: 72,
            low_at_most: 2,
            reopen_on_low: true,
            public_url: "http://127.0.0.1:8080".into(),
        }
    }
}
""")
# server
shutil.copy(S+'server_csat.rs', W+'server/src/http/csat.rs')
edit('server/src/http/mod.rs', "pub mod chat;\n", "pub mod chat;\npub mod csat;\n")
edit('server/src/http/mod.rs', "        .routes(routes!(customer::attachment))\n", "        .routes(routes!(customer::attachment))\n        .routes(routes!(csat::rate_ticket))\n")
edit('server/src/http/mod.rs', '        .route("/help", get(help_pages::home))\n', '        .route("/help", get(help_pages::home))\n        .route("/rate/{token}", get(csat::rating_page).post(csat::rating_submit))\n')
edit('server/src/config.rs', "    pub push: GatewayConfig,\n}", "    pub push: GatewayConfig,\n    pub csat: CsatConfig,\n}")
edit('server/src/config.rs', "    ConversationConfig, DeadlinesConfig,", "    ConversationConfig, CsatConfig, DeadlinesConfig,")
edit('server/src/app.rs', "            config: config.chat.conversations(),\n", "            config: switchboard_core::config::ConversationConfig {\n                csat: config.csat.clone(),\n                ..config.chat.conversations()\n            },\n")
edit('server/src/app.rs', "            run_deadlines: config.deadlines.run_worker,\n", "            run_deadlines: config.deadlines.run_worker,\n            run_ratings: (config.csat.enabled && config.csat.run_worker)\n                .then(|| std::time::Duration::from_millis(config.csat.interval_ms)),\n")
edit('server/src/app.rs', "    run_deadlines: bool,\n", "    run_deadlines: bool,\n    /// How often to ask for ratings, when this process does.\n    run_ratings: Option<std::time::Duration>,\n")
edit('server/src/app.rs', "        let worker = self\n            .run_outbox", "        let ratings = self\n            .run_ratings\n            .map(|every| tokio::spawn(self.state.core.clone().run_ratings(every, stop_rx.clone())));\n        let worker = self\n            .run_outbox")
edit('server/src/app.rs', "        let _ = rollup.await;", "        let _ = rollup.await;\n        if let Some(w) = ratings {\n            let _ = w.await;\n        }")
# tests
shutil.copy(S+'test_csat.rs', W+'server/tests/api/csat.rs')
edit('server/tests/api/main.rs', "mod customer_flow;\n", "mod csat;\nmod customer_flow;\n")
edit('server/tests/api/helpers.rs', "    pub deadlines: switchboard_core::deadlines::DeadlineWorker,\n", "    pub deadlines: switchboard_core::deadlines::DeadlineWorker,\n    /// The use cases, for stepping workers (rating requests).\n    pub core: Arc<switchboard_core::Core>,\n")
edit('server/tests/api/helpers.rs', "        config.deadlines.run_worker = false;\n", "        config.deadlines.run_worker = false;\n        config.csat.run_worker = false;\n")
edit('server/tests/api/helpers.rs', "        let deadlines = app.deadlines();\n", "        let deadlines = app.deadlines();\n        let core = app.state().core.clone();\n")
edit('server/tests/api/helpers.rs', "            deadlines,\n            data_dir,", "            deadlines,\n            core,\n            data_dir,")
print("applied")
edit('server/src/config.rs', "            bot_answers: self.bot_answers,\n        }", "            bot_answers: self.bot_answers,\n            csat: CsatConfig::default(),\n        }")
print("applied 2")
