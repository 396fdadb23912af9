//! Issue 5: the knowledge base with its revisions and edit log, the bot's
//! suggestions and their feedback, audit events written with a ticket or
//! alone, and manual merges.

use switchboard_domain::i18n::Text;
use switchboard_domain::ids::{OperatorId, TicketId};
use switchboard_domain::ticket::{Actor, Channel, Status, TicketEvent};
use switchboard_store::testing::{fresh_db, fresh_store};
use switchboard_store::{
    Feedback, KbAction, KbArticle, KbSection, StoreError, TicketChange, Visibility,
};

use crate::support::*;

fn section(code: &str, position: i64) -> KbSection {
    KbSection {
        code: code.into(),
        line: "travel".into(),
        name: Text::new(format!("Раздел {code}"), format!("Section {code}")),
        position,
        deleted: false,
        revision: 0,
        updated_at: at(0),
    }
}

fn article(id: &str, section: &str, published: bool) -> KbArticle {
    KbArticle {
        id: id.into(),
        section: section.into(),
        topics: vec!["travel/hotel".into(), "travel/refund".into()],
        title: Text::new(format!("Статья {id}"), format!("Article {id}")),
        body: Text::new("Текст статьи", "Article text"),
        keywords: vec!["отель".into(), "hotel".into()],
        published,
        deleted: false,
        revision: 0,
        updated_at: at(0),
    }
}

fn admin() -> Actor {
    Actor::Operator(OperatorId(1))
}

#[tokio::test]
async fn a_seed_fills_an_empty_knowledge_base_once() {
    let store = fresh_store().await;
    assert_eq!(store.kb_revision().await.expect("revision"), 0);
    let sections = [section("hotels", 1), section("flights", 2)];
    let articles = [
        article("hotel-refund", "hotels", true),
        article("hotel-draft", "hotels", false),
        article("flight-bags", "flights", true),
    ];
    assert!(
        store
            .kb_seed(&sections, &articles, &Actor::System, at(5))
            .await
            .expect("seed")
    );
    assert!(
        !store
            .kb_seed(&sections, &articles, &Actor::System, at(6))
            .await
            .expect("second seed"),
        "a filled knowledge base is never seeded again"
    );
    let snap = store.kb_snapshot().await.expect("snapshot");
    assert_eq!(snap.revision, 1);
    let codes: Vec<&str> = snap.sections.iter().map(|s| s.code.as_str()).collect();
    assert_eq!(codes, ["hotels", "flights"], "in position order");
    assert_eq!(snap.articles.len(), 3);
    let draft = snap
        .articles
        .iter()
        .find(|a| a.id == "hotel-draft")
        .expect("draft");
    assert!(!draft.published);
    assert_eq!(draft.topics, article("x", "hotels", true).topics);
    assert_eq!(draft.keywords, ["отель", "hotel"]);
    assert_eq!((draft.revision, draft.updated_at), (1, at(5)));
    let log = store.kb_events(10).await.expect("log");
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].action, KbAction::Seed);
    assert_eq!(log[0].payload["articles"], 3);
}

#[tokio::test]
async fn every_edit_takes_a_revision_and_a_catch_up_sees_it() {
    let store = fresh_store().await;
    let created = store
        .kb_save_section(
            &section("rail", 3),
            KbAction::CreateSection,
            &admin(),
            at(1),
        )
        .await
        .expect("create section");
    assert_eq!(created.revision, 1);
    let a = store
        .kb_save_article(
            &article("rail-refund", "rail", false),
            KbAction::CreateArticle,
            &admin(),
            at(2),
        )
        .await
        .expect("create article");
    assert_eq!((a.revision, a.published), (2, false));
    let mut published = a.clone();
    published.published = true;
    let p = store
        .kb_save_article(&published, KbAction::PublishArticle, &admin(), at(3))
        .await
        .expect("publish");
    assert_eq!((p.revision, p.published), (3, true));

    // A node that has revision 2 catches up on the publication only.
    let changes = store.kb_changes_since(2).await.expect("changes");
    assert_eq!(changes.revision, 3);
    assert!(changes.sections.is_empty());
    assert_eq!(changes.articles.len(), 1);
    assert!(changes.articles[0].published);

    assert!(matches!(
        store
            .kb_save_article(&published, KbAction::CreateArticle, &admin(), at(4))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store
            .kb_save_article(
                &article("nowhere", "rail", true),
                KbAction::UpdateArticle,
                &admin(),
                at(4)
            )
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store
            .kb_save_article(
                &article("lost", "no-such-section", true),
                KbAction::CreateArticle,
                &admin(),
                at(4)
            )
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store
            .kb_save_section(
                &section("rail", 1),
                KbAction::CreateSection,
                &admin(),
                at(4)
            )
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(
        matches!(
            store.kb_delete_section("rail", &admin(), at(4)).await,
            Err(StoreError::Conflict(_))
        ),
        "a section with articles stays"
    );
    // Refused edits gave their revision back.
    assert_eq!(store.kb_revision().await.expect("revision"), 3);

    let gone = store
        .kb_delete_article("rail-refund", &admin(), at(5))
        .await
        .expect("delete article");
    assert_eq!(gone, 4);
    assert!(matches!(
        store.kb_article("rail-refund").await,
        Err(StoreError::NotFound)
    ));
    let changes = store.kb_changes_since(3).await.expect("changes");
    assert_eq!(changes.articles.len(), 1);
    assert!(
        changes.articles[0].deleted,
        "deletions travel as flagged rows"
    );
    store
        .kb_delete_section("rail", &admin(), at(6))
        .await
        .expect("empty section deleted");
    assert!(store.kb_snapshot().await.expect("snap").sections.is_empty());

    // The same codes can be used again.
    store
        .kb_save_section(
            &section("rail", 3),
            KbAction::CreateSection,
            &admin(),
            at(7),
        )
        .await
        .expect("section again");
    let again = store
        .kb_save_article(
            &article("rail-refund", "rail", true),
            KbAction::CreateArticle,
            &admin(),
            at(8),
        )
        .await
        .expect("article again");
    assert!(!again.deleted);
    assert_eq!(store.kb_article("rail-refund").await.expect("read"), again);

    let log = store.kb_events(100).await.expect("log");
    let actions: Vec<KbAction> = log.iter().rev().map(|e| e.action).collect();
    assert_eq!(
        actions,
        [
            KbAction::CreateSection,
            KbAction::CreateArticle,
            KbAction::PublishArticle,
            KbAction::DeleteArticle,
            KbAction::DeleteSection,
            KbAction::CreateSection,
            KbAction::CreateArticle,
        ]
    );
    assert!(log.iter().all(|e| e.actor == admin()));
    assert_eq!(log[0].payload["id"], "rail-refund");
}

#[tokio::test]
async fn the_knowledge_base_edit_log_is_append_only() {
    let db = fresh_db().await;
    db.store
        .kb_save_section(
            &section("hotels", 1),
            KbAction::CreateSection,
            &admin(),
            at(1),
        )
        .await
        .expect("create");
    assert!(
        db.execute("UPDATE kb_events SET target = 'x'")
            .await
            .is_err()
    );
    assert!(db.execute("DELETE FROM kb_events").await.is_err());
    assert_eq!(db.store.kb_events(10).await.expect("log").len(), 1);
}

#[tokio::test]
async fn suggestions_are_counted_once_per_conversation_with_the_last_verdict() {
    let store = fresh_store().await;
    let one = open(&*store, "buyer-1", at(0)).await;
    let two = open(&*store, "buyer-2", at(1)).await;
    let shown = |ids: &[&str]| ids.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    store
        .kb_record_shown(one.id, &shown(&["a", "b"]), at(2))
        .await
        .expect("shown");
    store
        .kb_record_shown(one.id, &shown(&["a"]), at(3))
        .await
        .expect("shown again");
    store
        .kb_record_shown(two.id, &shown(&["a"]), at(4))
        .await
        .expect("shown elsewhere");
    assert!(matches!(
        store
            .kb_record_feedback(two.id, "b", Feedback::Helped, at(5))
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store
            .kb_record_shown(TicketId(9_999), &shown(&["a"]), at(5))
            .await,
        Err(StoreError::NotFound)
    ));
    store
        .kb_record_feedback(one.id, "a", Feedback::Helped, at(6))
        .await
        .expect("helped");
    store
        .kb_record_feedback(one.id, "a", Feedback::NotHelped, at(7))
        .await
        .expect("changed mind");
    store
        .kb_record_feedback(two.id, "a", Feedback::Helped, at(8))
        .await
        .expect("helped");

    let report = store.kb_feedback_report().await.expect("report");
    let a = report.iter().find(|r| r.article_id == "a").expect("a");
    assert_eq!((a.shown, a.helped, a.not_helped), (2, 1, 1));
    let b = report.iter().find(|r| r.article_id == "b").expect("b");
    assert_eq!((b.shown, b.helped, b.not_helped), (1, 0, 0));

    let mine = store
        .kb_conversation_suggestions(one.id)
        .await
        .expect("conversation");
    assert_eq!(mine.len(), 2);
    assert_eq!(mine[0].article_id, "a");
    assert_eq!(mine[0].shown_at, at(2));
    assert_eq!(mine[0].feedback, Some(Feedback::NotHelped));
    assert_eq!(mine[0].feedback_at, Some(at(7)));
    assert_eq!(mine[1].feedback, None);
}

#[tokio::test]
async fn judgement_events_are_written_with_the_ticket_or_alone() {
    let store = fresh_store().await;
    let extra = [
        TicketEvent::SensitiveDataMasked {
            kinds: vec!["card".into()],
        },
        TicketEvent::OutOfScope {
            category: "fraud".into(),
        },
    ];
    let mut with_events = opening(
        customer_says("buyer-1", "карта **** **** **** 1111"),
        no_notifications(),
    );
    with_events.events = extra.to_vec();
    let t = store
        .create_ticket(&new_ticket("buyer-1", at(0)), with_events)
        .await
        .expect("create")
        .ticket;
    let events = store.events(t.id).await.expect("events");
    let kinds: Vec<&str> = events.iter().map(|e| e.event.code()).collect();
    assert_eq!(kinds, ["created", "sensitive_data_masked", "out_of_scope"]);

    let mut chat = new_ticket("buyer-2", at(1));
    chat.channel = Channel::Chat;
    chat.status = Status::WithBot;
    let obscene = [TicketEvent::ObscenityMasked {
        original: "what the hell".into(),
    }];
    let chat_opening = || {
        let mut o = opening(
            customer_says("buyer-2", "what the ****"),
            no_notifications(),
        );
        o.client_id = Some("c-1".into());
        o.events = obscene.to_vec();
        o
    };
    let opened = store
        .create_ticket(&chat, chat_opening())
        .await
        .expect("open");
    assert!(opened.created);
    let c = opened.ticket;
    let again = store
        .create_ticket(&chat, chat_opening())
        .await
        .expect("reopen");
    assert_eq!((again.ticket.id, again.created), (c.id, false));
    assert_eq!(opened.first.seq, 1);
    let events = store.events(c.id).await.expect("events");
    assert_eq!(
        events.iter().map(|e| e.event.code()).collect::<Vec<_>>(),
        ["created", "obscenity_masked"],
        "the resend wrote nothing"
    );

    store
        .record_events(
            c.id,
            &Actor::Customer(customer_id("buyer-2")),
            &[TicketEvent::BlockRequested {
                target: "card".into(),
            }],
            at(2),
        )
        .await
        .expect("record");
    let last = store
        .events(c.id)
        .await
        .expect("events")
        .pop()
        .expect("one");
    assert_eq!(last.event.code(), "block_requested");
    assert_eq!(last.at, at(2));
    assert!(matches!(
        store
            .record_events(TicketId(9_999), &Actor::Bot, &extra, at(3))
            .await,
        Err(StoreError::NotFound)
    ));
}

fn merge_change(
    t: &switchboard_domain::ticket::Ticket,
    status: Status,
    now_ms: i64,
) -> TicketChange {
    let mut next = t.clone();
    next.status = status;
    next.updated_at = at(now_ms);
    TicketChange {
        ticket: next,
        actor: Actor::Operator(OperatorId(3)),
        events: vec![TicketEvent::Merged {
            source: t.number,
            target: t.number,
        }],
        message: None,
        outbound: Vec::new(),
    }
}

#[tokio::test]
async fn a_merge_closes_the_source_until_it_is_undone() {
    let db = fresh_db().await;
    let store = &db.store;
    let source = open(&**store, "buyer-1", at(0)).await;
    let target = open(&**store, "buyer-1", at(1)).await;
    let (s, t) = store
        .merge_tickets(
            &merge_change(&source, Status::Closed, 10),
            &merge_change(&target, target.status, 10),
            source.status,
        )
        .await
        .expect("merge");
    assert_eq!(s.status, Status::Closed);
    assert_eq!((s.version, t.version), (2, 2));
    let merge = store
        .ticket_merge(source.id)
        .await
        .expect("read")
        .expect("merged");
    assert_eq!(
        (merge.target, merge.previous_status, merge.merged_at),
        (target.id, Status::Queued, at(10))
    );
    assert_eq!(store.merged_into(target.id).await.expect("list"), [merge]);
    assert!(store.ticket_merge(target.id).await.expect("read").is_none());

    // Again, from fresh versions: the source is merged already.
    assert!(matches!(
        store
            .merge_tickets(
                &merge_change(&s, Status::Closed, 11),
                &merge_change(&t, t.status, 11),
                Status::Queued,
            )
            .await,
        Err(StoreError::Conflict(_))
    ));
    // A stale version is refused and writes nothing.
    assert!(matches!(
        store
            .unmerge_tickets(
                &merge_change(&source, Status::Queued, 12),
                &merge_change(&t, t.status, 12),
            )
            .await,
        Err(StoreError::Conflict(_))
    ));
    let (back, _) = store
        .unmerge_tickets(
            &merge_change(&s, Status::Queued, 13),
            &merge_change(&t, t.status, 13),
        )
        .await
        .expect("unmerge");
    assert_eq!(back.status, Status::Queued);
    assert!(store.ticket_merge(source.id).await.expect("read").is_none());
    assert!(store.merged_into(target.id).await.expect("list").is_empty());
    let s = store.ticket(source.id).await.expect("read");
    let t = store.ticket(target.id).await.expect("read");
    assert!(matches!(
        store
            .unmerge_tickets(
                &merge_change(&s, Status::Queued, 14),
                &merge_change(&t, t.status, 14),
            )
            .await,
        Err(StoreError::NotFound)
    ));
    let codes: Vec<&str> = store
        .events(source.id)
        .await
        .expect("events")
        .iter()
        .map(|e| e.event.code())
        .collect();
    assert_eq!(codes, ["created", "merged", "merged"]);
}

#[tokio::test]
async fn find_text_looks_through_every_text_column() {
    let db = fresh_db().await;
    let t = open(&*db.store, "buyer-1", at(0)).await;
    db.store
        .save_change(&TicketChange {
            message: Some(message(
                Actor::Customer(customer_id("buyer-1")),
                Visibility::Public,
                "needle-4242 in a message",
            )),
            ..touch(&t, Actor::Customer(customer_id("buyer-1")), at(1))
        })
        .await
        .expect("save");
    assert_eq!(
        db.find_text("needle-4242").await.expect("search"),
        ["messages.body"]
    );
    assert!(
        db.find_text("absent-5151")
            .await
            .expect("search")
            .is_empty()
    );
}
