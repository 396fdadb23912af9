//! Customers, orders, staff and sessions.

use switchboard_domain::customer::{CustomerKind, Order};
use switchboard_domain::i18n::Locale;
use switchboard_domain::ids::{Login, OperatorId, OrderNumber};
use switchboard_store::testing::{fresh_db, fresh_store};
use switchboard_store::{Role, StoreError};

use crate::support::*;

fn order(number: &str, customer: &str, placed_ms: i64) -> Order {
    Order {
        number: OrderNumber::parse(number).expect("order number"),
        customer_id: customer_id(customer),
        title: format!("Заказ {number}"),
        status: "delivered".into(),
        amount_minor: 1_234_550,
        currency: "RUB".into(),
        placed_at: at(placed_ms),
    }
}

#[tokio::test]
async fn customers_round_trip_and_upserts_replace_them() {
    let store = fresh_store().await;
    let mut anna = customer("traveller-7");
    store.upsert_customer(&anna).await.expect("insert");
    assert_eq!(store.customer(&anna.id).await.expect("read"), anna);

    anna.kind = CustomerKind::Buyer;
    anna.name = "Анна".into();
    anna.email = None;
    anna.phone = None;
    anna.locale = Locale::Ru;
    anna.flags = Default::default();
    anna.bookings.clear();
    store.upsert_customer(&anna).await.expect("update");
    store.upsert_customer(&anna).await.expect("same again");
    assert_eq!(store.customer(&anna.id).await.expect("read"), anna);

    assert!(matches!(
        store.customer(&customer_id("nobody")).await,
        Err(StoreError::NotFound)
    ));
}

#[tokio::test]
async fn orders_list_newest_first_and_belong_to_one_customer() {
    let store = fresh_store().await;
    let old = order("MP-1", "buyer-1", 0);
    let new = order("MP-2", "buyer-1", 5_000);
    let theirs = order("MP-3", "buyer-2", 9_000);
    for o in [&old, &new, &theirs, &old] {
        store.upsert_order(o).await.expect("upsert");
    }
    assert_eq!(
        store
            .customer_orders(&customer_id("buyer-1"))
            .await
            .expect("orders"),
        [new.clone(), old.clone()]
    );

    // The order system moved an order to another account and changed it.
    let moved = Order {
        customer_id: customer_id("buyer-2"),
        status: "returned".into(),
        amount_minor: -10,
        ..new.clone()
    };
    store.upsert_order(&moved).await.expect("upsert");
    assert_eq!(
        store
            .customer_orders(&customer_id("buyer-1"))
            .await
            .expect("orders"),
        [old]
    );
    assert_eq!(
        store
            .customer_orders(&customer_id("buyer-2"))
            .await
            .expect("orders"),
        [theirs, moved]
    );
    assert!(
        store
            .customer_orders(&customer_id("nobody"))
            .await
            .expect("orders")
            .is_empty()
    );
}

#[tokio::test]
async fn operators_round_trip_and_logins_are_unique() {
    let store = fresh_store().await;
    let input = new_operator("Maria");
    let maria = store.create_operator(&input).await.expect("create");
    assert_eq!(maria.login.as_str(), "maria");
    assert_eq!(maria.name, input.name);
    assert_eq!(maria.role, Role::Supervisor);
    assert_eq!(maria.skills, input.skills);
    assert_eq!(maria.capacity, 7);
    assert!(maria.active);
    assert_eq!(store.operator(maria.id).await.expect("read"), maria);

    let ivan = operator(&*store, "ivan").await;
    assert_ne!(ivan.id, maria.id);
    assert_eq!(store.operators().await.expect("all"), [maria.clone(), ivan]);

    let taken = store.create_operator(&new_operator("MARIA")).await;
    assert!(matches!(taken, Err(StoreError::Conflict(_))), "{taken:?}");
    assert_eq!(store.operators().await.expect("all").len(), 2);

    let (found, hash) = store
        .operator_credentials(&Login::parse("maria").expect("login"))
        .await
        .expect("credentials");
    assert_eq!(found, maria);
    assert_eq!(hash, input.password_hash);

    assert!(matches!(
        store
            .operator_credentials(&Login::parse("nobody").expect("login"))
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.operator(OperatorId(9_999)).await,
        Err(StoreError::NotFound)
    ));
}

#[tokio::test]
async fn sessions_last_until_they_expire_or_are_deleted() {
    let store = fresh_store().await;
    let maria = operator(&*store, "maria").await;
    store
        .create_staff_session("hash-1", maria.id, at(60_000), false)
        .await
        .expect("session");
    assert_eq!(
        store
            .staff_session("hash-1", at(59_999))
            .await
            .map(|s| s.operator)
            .expect("valid"),
        maria
    );
    for (token, now) in [
        ("hash-1", at(60_000)),
        ("hash-1", at(61_000)),
        ("other", at(0)),
    ] {
        assert!(matches!(
            store.staff_session(token, now).await.map(|s| s.operator),
            Err(StoreError::NotFound)
        ));
    }

    store
        .create_staff_session("hash-2", maria.id, at(60_000), false)
        .await
        .expect("session");
    store.delete_session("hash-2").await.expect("logout");
    store.delete_session("hash-2").await.expect("logout twice");
    assert!(matches!(
        store
            .staff_session("hash-2", at(0))
            .await
            .map(|s| s.operator),
        Err(StoreError::NotFound)
    ));

    let reused = store
        .create_staff_session("hash-1", maria.id, at(1), false)
        .await;
    assert!(matches!(reused, Err(StoreError::Conflict(_))), "{reused:?}");
    let orphan = store
        .create_staff_session("hash-3", OperatorId(9_999), at(60_000), false)
        .await;
    assert!(matches!(orphan, Err(StoreError::NotFound)), "{orphan:?}");
}

#[tokio::test]
async fn sessions_of_inactive_operators_do_not_count() {
    let db = fresh_db().await;
    let maria = operator(&*db.store, "maria").await;
    db.store
        .create_staff_session("hash-1", maria.id, at(60_000), false)
        .await
        .expect("session");
    db.execute("UPDATE operators SET active = FALSE")
        .await
        .expect("deactivate");
    assert!(matches!(
        db.store
            .staff_session("hash-1", at(0))
            .await
            .map(|s| s.operator),
        Err(StoreError::NotFound)
    ));
    assert!(!db.store.operator(maria.id).await.expect("read").active);
}

#[tokio::test]
async fn unreadable_customers_are_corrupt() {
    let db = fresh_db().await;
    let anna = customer("buyer-1");
    db.store.upsert_customer(&anna).await.expect("insert");
    db.execute("UPDATE customers SET bookings = 'not json'")
        .await
        .expect("tamper");
    assert!(matches!(
        db.store.customer(&anna.id).await,
        Err(StoreError::Corrupt(_))
    ));
}
