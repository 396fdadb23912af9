//! Link codes and unlinking: a code works once, before it expires, for the
//! customer it was issued to; a new code replaces the unused one; unlinking
//! gives the address back to its contact and is audited.

use switchboard_domain::conversation::Address;
use switchboard_domain::i18n::Locale;
use switchboard_domain::ticket::{Actor, Channel, Requester};
use switchboard_store::StoreError;
use switchboard_store::testing::fresh_store;

use crate::support::*;

#[tokio::test]
async fn a_code_works_once_before_it_expires_and_a_new_one_replaces_it() {
    let store = fresh_store().await;
    store
        .upsert_customer(&customer("traveller-7"))
        .await
        .expect("customer");
    let anna = customer_id("traveller-7");
    store
        .issue_link_code(&anna, "hash-1", at(0), at(600_000))
        .await
        .expect("issue");
    assert_eq!(
        store.take_link_code("hash-x", at(1)).await.expect("take"),
        None,
        "an unknown code"
    );
    assert_eq!(
        store.take_link_code("hash-1", at(2)).await.expect("take"),
        Some(anna.clone())
    );
    assert_eq!(
        store.take_link_code("hash-1", at(3)).await.expect("again"),
        None,
        "used once"
    );

    store
        .issue_link_code(&anna, "hash-2", at(10), at(600_000))
        .await
        .expect("issue 2");
    store
        .issue_link_code(&anna, "hash-3", at(11), at(600_000))
        .await
        .expect("issue 3");
    assert_eq!(
        store.take_link_code("hash-2", at(12)).await.expect("take"),
        None,
        "a newer code replaced it"
    );
    assert_eq!(
        store
            .take_link_code("hash-3", at(600_000))
            .await
            .expect("late"),
        None,
        "expired"
    );
    assert!(matches!(
        store
            .issue_link_code(&anna, "hash-1", at(20), at(600_000))
            .await,
        Err(StoreError::Conflict(_))
    ));
}

#[tokio::test]
async fn unlinking_gives_the_address_back_to_its_contact() {
    let store = fresh_store().await;
    store
        .upsert_customer(&customer("traveller-7"))
        .await
        .expect("customer");
    let anna = customer_id("traveller-7");
    let tg = Address {
        channel: Channel::Telegram,
        value: "4242".into(),
        name: None,
    };
    let Requester::Contact(contact) = store
        .resolve_address(&tg, Locale::Ru, at(0))
        .await
        .expect("resolve")
    else {
        panic!("a contact first");
    };
    let actor = Actor::Customer(anna.clone());
    assert!(matches!(
        store
            .unlink_address(&anna, Channel::Telegram, "4242", &actor, at(1))
            .await,
        Err(StoreError::NotFound)
    ));
    store
        .link_contact(contact, &anna, &actor, at(2))
        .await
        .expect("link");
    assert_eq!(
        store.resolve_address(&tg, Locale::Ru, at(3)).await.unwrap(),
        Requester::Customer(anna.clone())
    );
    let other = customer_id("buyer-1");
    assert!(matches!(
        store
            .unlink_address(&other, Channel::Telegram, "4242", &actor, at(4))
            .await,
        Err(StoreError::NotFound)
    ));
    store
        .unlink_address(&anna, Channel::Telegram, "4242", &actor, at(5))
        .await
        .expect("unlink");
    assert_eq!(
        store.resolve_address(&tg, Locale::Ru, at(6)).await.unwrap(),
        Requester::Contact(contact)
    );
    assert_eq!(store.contact(contact).await.unwrap().customer, None);
    assert!(
        store
            .identities(&Requester::Customer(anna.clone()))
            .await
            .unwrap()
            .is_empty()
    );
    // Linked again later: the same contact, the same address.
    store
        .link_contact(contact, &anna, &actor, at(7))
        .await
        .expect("relink");
    assert_eq!(
        store.resolve_address(&tg, Locale::Ru, at(8)).await.unwrap(),
        Requester::Customer(anna)
    );
}
