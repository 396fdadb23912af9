//! Canned replies (issue 12): shared and personal, edited and removed.

use switchboard_store::StoreError;
use switchboard_store::testing::fresh_store;

use crate::support::*;

#[tokio::test]
async fn canned_replies_are_shared_or_personal() {
    let store = fresh_store().await;
    let olga = operator(&*store, "olga").await;
    let ivan = operator(&*store, "ivan").await;
    let shared = store
        .create_canned(None, "Приветствие", "Здравствуйте, {name}!", at(0))
        .await
        .expect("shared");
    let own = store
        .create_canned(Some(olga.id), "Адрес", "Уточните адрес", at(1))
        .await
        .expect("own");
    assert_eq!(shared.owner, None);
    assert_eq!(own.owner, Some(olga.id));
    let titles =
        |v: Vec<switchboard_store::CannedReply>| v.into_iter().map(|c| c.title).collect::<Vec<_>>();
    assert_eq!(
        titles(store.canned_replies(olga.id).await.expect("olga")),
        vec!["Адрес", "Приветствие"]
    );
    assert_eq!(
        titles(store.canned_replies(ivan.id).await.expect("ivan")),
        vec!["Приветствие"]
    );
    let changed = store
        .update_canned(own.id, "Адрес доставки", "Уточните адрес доставки", at(5))
        .await
        .expect("update");
    assert_eq!(changed.updated_at, at(5));
    assert_eq!(store.canned_reply(own.id).await.expect("read"), changed);
    store.delete_canned(own.id).await.expect("delete");
    assert!(matches!(
        store.canned_reply(own.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.delete_canned(own.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.update_canned(own.id, "x", "y", at(6)).await,
        Err(StoreError::NotFound)
    ));
}
