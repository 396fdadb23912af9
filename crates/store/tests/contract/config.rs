//! The configuration's versions (issue 12): the profile's seed, validated
//! changes under the revision they were checked against, every version kept.

use switchboard_domain::ids::OperatorId;
use switchboard_store::testing::fresh_db;
use switchboard_store::{ConfigChange, NewStaffAudit, StaffAuditKind, StoreError};

use crate::support::*;

fn change(doc: &str, base: i64, revision: i64, body: &str, by: OperatorId) -> ConfigChange {
    ConfigChange {
        doc: doc.into(),
        base_version: base,
        revision,
        body: body.into(),
        author: by,
        author_login: "admin".into(),
        comment: "правка".into(),
    }
}

fn audit(by: OperatorId, detail: &str) -> NewStaffAudit {
    NewStaffAudit {
        kind: StaffAuditKind::ConfigChanged,
        operator: None,
        login: "admin".into(),
        actor: Some(by),
        address: Some("203.0.113.9".into()),
        detail: detail.into(),
    }
}

#[tokio::test]
async fn the_seed_is_version_one_once_and_later_documents_join_it() {
    let db = fresh_db().await;
    let store = &db.store;
    assert_eq!(store.config_revision().await.expect("revision"), 0);
    assert_eq!(
        store.config_snapshot().await.expect("empty").documents,
        vec![]
    );
    let seeded = store
        .seed_config(&[("catalog", "a = 1"), ("sla", "b = 2")], "profile", at(0))
        .await
        .expect("seed");
    assert_eq!(seeded, 2);
    assert_eq!(store.config_revision().await.expect("revision"), 1);
    // Another node starting later, with other files, changes nothing.
    let again = db.another_node().await;
    assert_eq!(
        again
            .seed_config(&[("catalog", "a = 9"), ("sla", "b = 9")], "profile", at(1))
            .await
            .expect("seed again"),
        0
    );
    // A document new to the configuration is seeded alone, as a new revision.
    assert_eq!(
        again
            .seed_config(
                &[("catalog", "a = 9"), ("priority", "c = 3")],
                "profile",
                at(2)
            )
            .await
            .expect("seed one more"),
        1
    );
    let snap = store.config_snapshot().await.expect("snapshot");
    assert_eq!(snap.revision, 2);
    let docs: Vec<_> = snap
        .documents
        .iter()
        .map(|d| {
            (
                d.info.doc.as_str(),
                d.info.version,
                d.info.revision,
                d.body.as_str(),
            )
        })
        .collect();
    assert_eq!(
        docs,
        vec![
            ("catalog", 1, 1, "a = 1"),
            ("priority", 1, 2, "c = 3"),
            ("sla", 1, 1, "b = 2")
        ]
    );
    let first = &snap.documents[0].info;
    assert_eq!(
        (first.author, first.author_login.as_str()),
        (None, "profile")
    );
    assert_eq!(first.created_at, at(0));
}

#[tokio::test]
async fn a_change_is_saved_only_against_the_revision_and_version_it_was_made_from() {
    let db = fresh_db().await;
    let store = &db.store;
    let admin = operator(&*db.store, "admin").await;
    store
        .seed_config(&[("catalog", "a = 1"), ("sla", "b = 1")], "profile", at(0))
        .await
        .expect("seed");

    let saved = store
        .save_config(
            &change("catalog", 1, 1, "a = 2", admin.id),
            &audit(admin.id, "catalog v2"),
            at(5),
        )
        .await
        .expect("save");
    assert_eq!((saved.info.version, saved.info.revision), (2, 2));
    assert_eq!(saved.info.author, Some(admin.id));
    assert_eq!(saved.info.created_at, at(5));

    // Validated against revision 1: another document changed since.
    let stale = store
        .save_config(
            &change("sla", 1, 1, "b = 2", admin.id),
            &audit(admin.id, "sla v2"),
            at(6),
        )
        .await;
    assert!(matches!(stale, Err(StoreError::Conflict(_))), "{stale:?}");
    // Made from version 1 of the catalog, which is at 2 now.
    let old_base = store
        .save_config(
            &change("catalog", 1, 2, "a = 3", admin.id),
            &audit(admin.id, "catalog v3"),
            at(7),
        )
        .await;
    assert!(
        matches!(old_base, Err(StoreError::Conflict(_))),
        "{old_base:?}"
    );
    // Neither refusal wrote anything: no version, no revision, no audit entry.
    assert_eq!(store.config_revision().await.expect("revision"), 2);
    assert_eq!(store.config_versions("sla").await.expect("sla").len(), 1);
    let entries = store.staff_audit(None, None, 10).await.expect("audit");
    assert_eq!(
        entries
            .iter()
            .map(|e| (e.kind, e.actor, e.detail.as_str()))
            .collect::<Vec<_>>(),
        vec![(StaffAuditKind::ConfigChanged, Some(admin.id), "catalog v2")]
    );

    store
        .save_config(
            &change("catalog", 2, 2, "a = 3", admin.id),
            &audit(admin.id, "catalog v3"),
            at(8),
        )
        .await
        .expect("save v3");
    let history = store.config_versions("catalog").await.expect("history");
    assert_eq!(
        history
            .iter()
            .map(|v| (v.version, v.revision))
            .collect::<Vec<_>>(),
        vec![(3, 3), (2, 2), (1, 1)]
    );
    let v2 = store.config_version("catalog", 2).await.expect("v2");
    assert_eq!(
        (v2.body.as_str(), v2.info.comment.as_str()),
        ("a = 2", "правка")
    );
    assert!(matches!(
        store.config_version("catalog", 9).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.config_version("nothing", 1).await,
        Err(StoreError::NotFound)
    ));
    let snap = store.config_snapshot().await.expect("snapshot");
    assert_eq!(snap.revision, 3);
    assert_eq!(snap.documents[0].body, "a = 3");

    assert!(
        db.execute("UPDATE config_versions SET body = 'x'")
            .await
            .is_err(),
        "versions are append-only"
    );
    assert!(db.execute("DELETE FROM config_versions").await.is_err());
}
