//! Contacts and channel identities: an address resolves to its customer or
//! to a contact made the first time it writes; linking a contact hands its
//! tickets to the customer, audited.

use switchboard_domain::conversation::Address;
use switchboard_domain::i18n::Locale;
use switchboard_domain::ticket::{Actor, Channel, Requester, TicketEvent};
use switchboard_store::testing::{fresh_db, fresh_store};
use switchboard_store::{Identity, StoreError};

use crate::support::*;

fn address(channel: Channel, value: &str) -> Address {
    Address {
        channel,
        value: value.into(),
        name: Some("Пётр".into()),
    }
}

#[tokio::test]
async fn an_unknown_address_becomes_one_contact_and_a_profile_address_its_customer() {
    let store = fresh_store().await;
    let tg = address(Channel::Telegram, "100500");
    let first = store
        .resolve_address(&tg, Locale::Ru, at(0))
        .await
        .expect("resolve");
    let Requester::Contact(contact) = first else {
        panic!("a stranger is a contact: {first:?}");
    };
    assert_eq!(
        store
            .resolve_address(&tg, Locale::Ru, at(1))
            .await
            .expect("again"),
        first,
        "the same address, the same contact"
    );
    let c = store.contact(contact).await.expect("contact");
    assert_eq!((c.name.as_str(), c.customer), ("Пётр", None));

    // anna@example.ru is in the profile of traveller-7 (see `customer`).
    store
        .upsert_customer(&customer("traveller-7"))
        .await
        .expect("customer");
    let mail = address(Channel::Email, "anna@example.ru");
    assert_eq!(
        store
            .resolve_address(&mail, Locale::Ru, at(2))
            .await
            .expect("mail"),
        Requester::Customer(customer_id("traveller-7"))
    );
    // Two accounts sharing an address make it nobody's.
    let mut twin = customer("traveller-8");
    twin.email = customer("traveller-7").email;
    store.upsert_customer(&twin).await.expect("twin");
    let shared = address(Channel::Phone, "+79161234567");
    assert!(matches!(
        store
            .resolve_address(&shared, Locale::Ru, at(3))
            .await
            .expect("phone"),
        Requester::Contact(_)
    ));
}

#[tokio::test]
async fn linking_a_contact_hands_its_tickets_to_the_customer_once() {
    let db = fresh_db().await;
    let store = &db.store;
    let tg = address(Channel::Telegram, "777");
    let Requester::Contact(contact) = store
        .resolve_address(&tg, Locale::En, at(0))
        .await
        .expect("resolve")
    else {
        panic!("contact expected");
    };
    let mut new = new_ticket("unused", at(1));
    new.requester = Requester::Contact(contact);
    let author = Actor::Contact(contact);
    let t = store
        .create_ticket(
            &new,
            opening(
                message(author, switchboard_store::Visibility::Public, "hi"),
                no_notifications(),
            ),
        )
        .await
        .expect("ticket")
        .ticket;
    assert_eq!(t.requester, Requester::Contact(contact));
    assert_eq!(
        store
            .open_tickets_of(&t.requester, 10)
            .await
            .expect("open")
            .len(),
        1
    );

    let anna = customer_id("traveller-7");
    let moved = store
        .link_contact(contact, &anna, &Actor::Customer(anna.clone()), at(2))
        .await
        .expect("link");
    assert_eq!(moved.len(), 1);
    assert_eq!(moved[0].requester, Requester::Customer(anna.clone()));
    assert_eq!(moved[0].version, t.version + 1);
    let last = store
        .events(t.id)
        .await
        .expect("events")
        .pop()
        .expect("event");
    assert_eq!(
        last.event,
        TicketEvent::RequesterLinked {
            contact,
            customer: anna.clone()
        }
    );
    // From now on the address is the customer's, and so are its tickets.
    assert_eq!(
        store
            .resolve_address(&tg, Locale::En, at(3))
            .await
            .expect("resolve"),
        Requester::Customer(anna.clone())
    );
    assert_eq!(
        store
            .identities(&Requester::Customer(anna.clone()))
            .await
            .expect("ids"),
        vec![Identity {
            channel: Channel::Telegram,
            address: "777".into(),
            owner: Requester::Customer(anna.clone()),
            created_at: at(0),
        }]
    );
    assert_eq!(
        store
            .open_tickets_of(&Requester::Customer(anna.clone()), 10)
            .await
            .expect("open")
            .len(),
        1
    );
    // Linking again is a no-op; to someone else, a conflict.
    assert!(
        store
            .link_contact(contact, &anna, &Actor::System, at(4))
            .await
            .expect("again")
            .is_empty()
    );
    assert!(matches!(
        store
            .link_contact(contact, &customer_id("buyer-1"), &Actor::System, at(5))
            .await,
        Err(StoreError::Conflict(_))
    ));
    // The record of links is evidence.
    assert!(db.execute("DELETE FROM contact_links").await.is_err());
    assert!(
        db.execute("UPDATE contact_links SET customer_id = 'x'")
            .await
            .is_err()
    );
}
