//! Staff sign-in security: the audit, failure counters and locks, sessions
//! revoked, passwords, and the TOTP factor with its recovery codes.

use switchboard_domain::ids::OperatorId;
use switchboard_store::testing::{fresh_db, fresh_store};
use switchboard_store::{NewStaffAudit, StaffAuditKind, StoreError};

use crate::support::*;

fn entry(kind: StaffAuditKind, operator: Option<OperatorId>, login: &str) -> NewStaffAudit {
    NewStaffAudit {
        kind,
        operator,
        login: login.into(),
        actor: Some(OperatorId(77)),
        address: Some("203.0.113.9".into()),
        detail: "wrong_password".into(),
    }
}

#[tokio::test]
async fn the_staff_audit_reads_back_newest_first_per_account_and_is_append_only() {
    let db = fresh_db().await;
    let maria = operator(&*db.store, "maria").await;
    for (i, kind) in StaffAuditKind::ALL.into_iter().enumerate() {
        let id = db
            .store
            .record_staff_audit(&entry(kind, Some(maria.id), "maria"), at(i as i64))
            .await
            .expect("record");
        assert!(id > 0);
    }
    db.store
        .record_staff_audit(&entry(StaffAuditKind::SignInFailed, None, "nobody"), at(99))
        .await
        .expect("record an unknown login");

    let all = db.store.staff_audit(None, None, 100).await.expect("read");
    assert_eq!(all.len(), StaffAuditKind::ALL.len() + 1);
    assert_eq!(all[0].login, "nobody");
    assert_eq!(all[0].operator, None);
    let mine = db
        .store
        .staff_audit(Some(maria.id), None, 100)
        .await
        .expect("read");
    let kinds: Vec<_> = mine.iter().rev().map(|e| e.kind).collect();
    assert_eq!(kinds, StaffAuditKind::ALL.to_vec());
    let first = mine.last().expect("entries");
    assert_eq!(
        (
            first.at,
            first.actor,
            first.address.as_deref(),
            first.detail.as_str()
        ),
        (
            at(0),
            Some(OperatorId(77)),
            Some("203.0.113.9"),
            "wrong_password"
        )
    );
    let page = db
        .store
        .staff_audit(Some(maria.id), Some(mine[1].id), 2)
        .await
        .expect("page");
    assert_eq!(
        page.iter().map(|e| e.id).collect::<Vec<_>>(),
        vec![mine[2].id, mine[3].id]
    );

    assert!(
        db.execute("UPDATE staff_audit SET login = 'x'")
            .await
            .is_err()
    );
    assert!(db.execute("DELETE FROM staff_audit").await.is_err());
    assert_eq!(
        db.store
            .staff_audit(None, None, 100)
            .await
            .expect("read")
            .len(),
        all.len()
    );
}

#[tokio::test]
async fn failures_count_within_the_window_and_locks_run_out() {
    let store = fresh_store().await;
    let key = "account:maria";
    let window = secs(900);
    for n in 1..=3 {
        let now = at(n * 1000);
        assert_eq!(
            store
                .note_sign_in_failure(key, now, now - window)
                .await
                .expect("count"),
            n as u32
        );
    }
    // Long after the last failure the count starts again.
    let later = at(3000) + secs(901);
    assert_eq!(
        store
            .note_sign_in_failure(key, later, later - window)
            .await
            .expect("count"),
        1
    );
    let keys = vec![key.to_owned(), "address:203.0.113.9".to_owned()];
    assert_eq!(
        store
            .sign_in_locked_until(&keys, later)
            .await
            .expect("read"),
        None
    );
    store
        .lock_sign_in(key, later + secs(60))
        .await
        .expect("lock");
    store
        .note_sign_in_failure(&keys[1], later, later - window)
        .await
        .expect("count");
    store
        .lock_sign_in(&keys[1], later + secs(120))
        .await
        .expect("lock");
    assert_eq!(
        store
            .sign_in_locked_until(&keys, later)
            .await
            .expect("read"),
        Some(later + secs(120)),
        "the latest lock wins"
    );
    assert_eq!(
        store
            .sign_in_locked_until(&keys[..1], later + secs(60))
            .await
            .expect("read"),
        None,
        "a lock runs out"
    );
    store.clear_sign_in_failures(key).await.expect("clear");
    assert_eq!(
        store
            .note_sign_in_failure(key, later, later - window)
            .await
            .expect("count"),
        1
    );
}

#[tokio::test]
async fn sessions_are_revoked_all_or_all_but_one_and_enrolment_only_is_kept() {
    let store = fresh_store().await;
    let maria = operator(&*store, "maria").await;
    let ivan = operator(&*store, "ivan").await;
    for (hash, who, enrolment) in [
        ("m-1", maria.id, false),
        ("m-2", maria.id, true),
        ("m-3", maria.id, false),
        ("i-1", ivan.id, false),
    ] {
        store
            .create_staff_session(hash, who, at(60_000), enrolment)
            .await
            .expect("session");
    }
    let m2 = store.staff_session("m-2", at(0)).await.expect("live");
    assert!(m2.enrolment_only);
    assert!(
        !store
            .staff_session("m-1", at(0))
            .await
            .expect("live")
            .enrolment_only
    );
    assert_eq!(
        store
            .revoke_sessions(maria.id, Some("m-1"))
            .await
            .expect("revoke"),
        2
    );
    assert!(store.staff_session("m-1", at(0)).await.is_ok());
    for gone in ["m-2", "m-3"] {
        assert!(matches!(
            store.staff_session(gone, at(0)).await,
            Err(StoreError::NotFound)
        ));
    }
    assert_eq!(
        store.revoke_sessions(maria.id, None).await.expect("revoke"),
        1
    );
    assert!(store.staff_session("m-1", at(0)).await.is_err());
    assert!(
        store.staff_session("i-1", at(0)).await.is_ok(),
        "others keep theirs"
    );
}

#[tokio::test]
async fn passwords_and_activation_change() {
    let store = fresh_store().await;
    let maria = operator(&*store, "maria").await;
    store
        .set_password_hash(maria.id, "$argon2id$new")
        .await
        .expect("set");
    assert_eq!(
        store.password_hash(maria.id).await.expect("read"),
        "$argon2id$new"
    );
    store
        .set_operator_active(maria.id, false)
        .await
        .expect("deactivate");
    assert!(!store.operator(maria.id).await.expect("read").active);
    store
        .set_operator_active(maria.id, true)
        .await
        .expect("activate");
    assert!(store.operator(maria.id).await.expect("read").active);
    for missing in [
        store.set_password_hash(OperatorId(9_999), "x").await,
        store.set_operator_active(OperatorId(9_999), true).await,
    ] {
        assert!(matches!(missing, Err(StoreError::NotFound)));
    }
}

#[tokio::test]
async fn a_second_factor_is_enrolled_confirmed_spent_once_and_reset() {
    let store = fresh_store().await;
    let maria = operator(&*store, "maria").await;
    assert_eq!(store.second_factor(maria.id).await.expect("read"), None);
    assert!(
        !store
            .use_totp_step(maria.id, 5)
            .await
            .expect("no factor yet")
    );
    store
        .begin_second_factor(maria.id, b"first secret")
        .await
        .expect("begin");
    store
        .begin_second_factor(maria.id, b"0123456789abcdefghij")
        .await
        .expect("again");
    let pending = store
        .second_factor(maria.id)
        .await
        .expect("read")
        .expect("pending");
    assert_eq!(pending.secret, b"0123456789abcdefghij");
    assert_eq!(pending.enabled_at, None);
    assert!(
        !store
            .use_totp_step(maria.id, 5)
            .await
            .expect("pending is not usable")
    );

    let codes: Vec<String> = (0..3).map(|i| format!("hash-{i}")).collect();
    store
        .confirm_second_factor(maria.id, &codes, at(10))
        .await
        .expect("confirm");
    assert!(matches!(
        store.confirm_second_factor(maria.id, &codes, at(11)).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store.begin_second_factor(maria.id, b"another").await,
        Err(StoreError::Conflict(_))
    ));
    let factor = store
        .second_factor(maria.id)
        .await
        .expect("read")
        .expect("on");
    assert_eq!(factor.enabled_at, Some(at(10)));

    assert!(store.use_totp_step(maria.id, 5).await.expect("first use"));
    assert!(!store.use_totp_step(maria.id, 5).await.expect("replay"));
    assert!(!store.use_totp_step(maria.id, 4).await.expect("older"));
    assert!(store.use_totp_step(maria.id, 6).await.expect("next"));

    assert_eq!(store.recovery_codes_left(maria.id).await.expect("count"), 3);
    assert!(
        store
            .use_recovery_code(maria.id, "hash-1", at(20))
            .await
            .expect("use")
    );
    assert!(
        !store
            .use_recovery_code(maria.id, "hash-1", at(21))
            .await
            .expect("again")
    );
    assert!(
        !store
            .use_recovery_code(maria.id, "nope", at(21))
            .await
            .expect("unknown")
    );
    assert_eq!(store.recovery_codes_left(maria.id).await.expect("count"), 2);

    store.reset_second_factor(maria.id).await.expect("reset");
    assert_eq!(store.second_factor(maria.id).await.expect("read"), None);
    assert_eq!(store.recovery_codes_left(maria.id).await.expect("count"), 0);
    assert!(matches!(
        store.reset_second_factor(OperatorId(9_999)).await,
        Err(StoreError::NotFound)
    ));
}
