//! Search behaviour on a small hand-made knowledge base: morphology, typos,
//! synonyms, filters, drafts, snippets and incremental edits.

use switchboard_domain::i18n::{Locale, Text};
use switchboard_search::{
    Article, ArticleId, Hit, KnowledgeBase, SearchConfig, SearchIndex, SearchQuery, Section,
    SynonymGroup, TopicRef,
};

fn article(id: &str, section: &str, topic: &str, title: &str, body: &str) -> Article {
    Article {
        id: ArticleId::parse(id).expect("valid id"),
        section: section.into(),
        topics: vec![TopicRef::try_from(topic.to_owned()).expect("valid topic")],
        title: Text::new(title, format!("{title} (en)")),
        body: Text::new(body, "English body about orders, cards and refunds."),
        keywords: vec![],
        published: true,
        updated_at: "2026-11-01T00:00:00Z".parse().expect("timestamp"),
    }
}

fn kb() -> KnowledgeBase {
    KnowledgeBase {
        sections: vec![
            Section {
                code: "orders".into(),
                name: Text::new("Заказы", "Orders"),
                line: "marketplace".into(),
            },
            Section {
                code: "cards".into(),
                name: Text::new("Карты", "Cards"),
                line: "bank_retail".into(),
            },
        ],
        articles: vec![
            article(
                "track",
                "orders",
                "marketplace/delivery",
                "Как отследить заказ",
                "Статус заказа виден в разделе «Мои заказы». Там же номер для отслеживания.",
            ),
            article(
                "refund",
                "orders",
                "marketplace/returns",
                "Когда вернутся деньги",
                "Деньги за возврат приходят на карту за 3–10 рабочих дней.",
            ),
            article(
                "courier",
                "orders",
                "marketplace/delivery",
                "Доставка до двери",
                "Курьер позвонит за час до приезда. Стоимость <b>бесплатно</b> & быстро.",
            ),
            article(
                "block",
                "cards",
                "bank_retail/cards",
                "Как заблокировать карту",
                "Откройте карту в приложении и нажмите «Заблокировать».",
            ),
            article(
                "reissue",
                "cards",
                "bank_retail/cards",
                "Перевыпуск карты",
                "Карта перевыпускается бесплатно по окончании срока действия.",
            ),
        ],
        synonyms: vec![
            SynonymGroup {
                words: vec!["возврат".into(), "вернуть деньги".into(), "refund".into()],
            },
            SynonymGroup {
                words: vec!["карта".into(), "карточка".into()],
            },
        ],
    }
}

fn index() -> SearchIndex {
    SearchIndex::build(&kb(), SearchConfig::default()).expect("index builds")
}

fn ids(hits: &[Hit]) -> Vec<&str> {
    hits.iter().map(|h| h.article_id.as_str()).collect()
}

fn search(index: &SearchIndex, text: &str) -> Vec<Hit> {
    index
        .search(&SearchQuery::new(text, Locale::Ru))
        .expect("search runs")
}

#[test]
fn every_word_form_finds_the_article() {
    let index = index();
    for form in [
        "заказ",
        "заказы",
        "заказов",
        "заказами",
        "заказа",
        "ЗАКАЗОМ",
    ] {
        assert_eq!(ids(&search(&index, form)).first(), Some(&"track"), "{form}");
    }
}

#[test]
fn misspelt_words_are_corrected() {
    let index = index();
    assert_eq!(ids(&search(&index, "заказл")).first(), Some(&"track"));
    assert_eq!(ids(&search(&index, "доставкка")).first(), Some(&"courier"));
    assert_eq!(
        ids(&search(&index, "заблакировать")).first(),
        Some(&"block")
    );
    let strict = SearchIndex::build(
        &kb(),
        SearchConfig {
            typo_tolerance: false,
            ..SearchConfig::default()
        },
    )
    .expect("index builds");
    assert!(search(&strict, "заказл").is_empty());
}

#[test]
fn synonyms_bridge_different_words() {
    let index = index();
    let plain = SearchIndex::build(
        &kb(),
        SearchConfig {
            synonyms: false,
            ..SearchConfig::default()
        },
    )
    .expect("index builds");
    // No article says «карточка»; the group «карта ~ карточка» finds the card ones.
    assert!(search(&plain, "карточку").is_empty());
    let hits = search(&index, "карточку");
    assert_eq!(
        ids(&hits).len(),
        3,
        "block, reissue, and refund (money back to the card): {hits:?}"
    );
    let hits = search(&index, "карточку заблокировали");
    assert_eq!(ids(&hits).first(), Some(&"block"), "{hits:?}");
    // An English word pulls in its Russian group: every English body says
    // "refunds", only one Russian text says «возврат».
    let hits = search(&index, "refund");
    assert_eq!(ids(&hits).first(), Some(&"refund"), "{hits:?}");
    assert!(hits[0].score > hits[1].score, "{hits:?}");
    // A multi-word phrase needs all its words: «вернуть деньги» → «возврат».
    let hits = search(&index, "вернуть деньги");
    assert_eq!(ids(&hits).first(), Some(&"refund"), "{hits:?}");
}

#[test]
fn topic_line_and_section_filters_restrict_results() {
    let index = index();
    let all = search(&index, "карта");
    assert!(ids(&all).contains(&"refund"), "{all:?}");
    let q = SearchQuery::new("карта", Locale::Ru).with_topic(TopicRef::new("bank_retail", "cards"));
    let hits = index.search(&q).expect("search runs");
    assert!(!hits.is_empty());
    assert!(
        ids(&hits)
            .iter()
            .all(|id| ["block", "reissue"].contains(id)),
        "{hits:?}"
    );
    let by_line = index
        .search(&SearchQuery::new("карта", Locale::Ru).with_line("marketplace"))
        .expect("search");
    assert_eq!(ids(&by_line), vec!["refund"]);
    let by_section = index
        .search(&SearchQuery::new("карта", Locale::Ru).with_section("cards"))
        .expect("search");
    assert_eq!(by_section.len(), 2);
    // An empty question lists the topic's articles: the bot's ready answers.
    let listed = index
        .search(
            &SearchQuery::new("", Locale::Ru).with_topic(TopicRef::new("marketplace", "delivery")),
        )
        .expect("search");
    let mut listed = ids(&listed);
    listed.sort();
    assert_eq!(listed, vec!["courier", "track"]);
}

#[test]
fn drafts_are_hidden_from_the_public_and_shown_to_staff() {
    let index = index();
    let mut draft = article(
        "draft",
        "cards",
        "bank_retail/cards",
        "Черновик про лимиты",
        "Лимиты по карте.",
    );
    draft.published = false;
    index.upsert(&draft).expect("upsert");
    index.commit().expect("commit");
    assert!(search(&index, "лимиты").is_empty());
    let staff = index
        .search(&SearchQuery::new("лимиты", Locale::Ru).including_unpublished())
        .expect("search");
    assert_eq!(ids(&staff), vec!["draft"]);
}

#[test]
fn snippets_highlight_matches_and_escape_html() {
    let index = index();
    let hits = search(&index, "отслеживания заказов");
    let snippet = &hits[0].snippet_html;
    assert!(snippet.contains("<mark>заказа</mark>"), "{snippet}");
    assert!(snippet.contains("<mark>отслеживания</mark>"), "{snippet}");
    // Corrected words are real terms, so they are highlighted too.
    let typo = search(&index, "заказл");
    assert!(
        typo[0].snippet_html.contains("<mark>"),
        "{}",
        typo[0].snippet_html
    );
    let courier = search(&index, "курьер бесплатно");
    let html = &courier[0].snippet_html;
    assert!(
        html.contains("&lt;b&gt;") && html.contains("&amp;"),
        "{html}"
    );
    assert!(!html.contains("<b>"), "{html}");
}

#[test]
fn hits_are_shown_in_the_readers_language() {
    let index = index();
    let hits = index
        .search(&SearchQuery::new("заказ", Locale::En))
        .expect("search");
    assert_eq!(hits[0].title, "Как отследить заказ (en)");
    let english = index
        .search(&SearchQuery::new("refunds", Locale::En))
        .expect("search");
    assert!(
        english[0].snippet_html.contains("<mark>refunds</mark>"),
        "{}",
        english[0].snippet_html
    );
}

#[test]
fn upsert_and_remove_are_incremental() {
    let index = index();
    assert_eq!(index.len(), 5);
    let new = article(
        "limits",
        "cards",
        "bank_retail/cards",
        "Лимиты по карте",
        "Лимит на снятие наличных.",
    );
    index.upsert(&new).expect("upsert");
    assert!(
        search(&index, "наличных").is_empty(),
        "not visible before commit"
    );
    index.commit().expect("commit");
    assert_eq!(ids(&search(&index, "наличных")), vec!["limits"]);

    let mut edited = new.clone();
    edited.title = Text::new("Снятие наличных", "Cash");
    edited.body = Text::new("Банкоматы партнёров.", "Partner ATMs.");
    index.upsert(&edited).expect("upsert");
    index.commit().expect("commit");
    assert_eq!(index.len(), 6, "an upsert replaces, never duplicates");
    assert_eq!(ids(&search(&index, "банкоматы")), vec!["limits"]);
    assert_eq!(index.article(&new.id).expect("read"), Some(edited));

    index.remove(&new.id).expect("remove");
    index.commit().expect("commit");
    assert!(search(&index, "банкоматы").is_empty());
    assert_eq!(index.article(&new.id).expect("read"), None);
    assert_eq!(index.len(), 5);
}

#[test]
fn an_article_in_an_unknown_section_is_refused() {
    let index = index();
    let stray = article(
        "stray",
        "nowhere",
        "marketplace/delivery",
        "Заголовок",
        "Текст.",
    );
    assert!(index.upsert(&stray).is_err());
}

#[test]
fn an_on_disk_index_survives_reopening() {
    let dir = std::env::temp_dir().join(format!("sb-search-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    {
        let index = SearchIndex::open_in_dir(&dir, SearchConfig::default()).expect("create");
        index.replace_all(&kb()).expect("fill");
    }
    let reopened = SearchIndex::open_in_dir(&dir, SearchConfig::default()).expect("reopen");
    assert_eq!(reopened.len(), 5);
    assert_eq!(ids(&search(&reopened, "заказы")).first(), Some(&"track"));
    drop(reopened);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn questions_of_stop_words_only_find_nothing() {
    assert!(search(&index(), "как где мой").is_empty());
}

#[test]
fn articles_round_trip_through_json_and_toml() {
    let a = kb().articles[0].clone();
    let json = serde_json::to_string(&a).expect("json");
    assert!(json.contains("\"marketplace/delivery\""), "{json}");
    assert_eq!(serde_json::from_str::<Article>(&json).expect("parse"), a);
    let toml = toml::to_string(&kb()).expect("toml");
    assert_eq!(KnowledgeBase::from_toml(&toml).expect("parse"), kb());
    assert!(serde_json::from_str::<Article>(&json.replace("track", "Bad Id")).is_err());
}

#[test]
fn outside_input_is_bounded() {
    let index = index();
    let all = index
        .search(&SearchQuery::new("", Locale::Ru).with_limit(usize::MAX))
        .expect("search");
    assert_eq!(all.len(), 5);
    assert!(
        index
            .search(&SearchQuery::new("заказ", Locale::Ru).with_limit(0))
            .expect("search")
            .is_empty()
    );
    let essay = "заказл доставкка <script>&amp; ".repeat(2_000);
    let hits = index
        .search(&SearchQuery::new(essay, Locale::Ru))
        .expect("search");
    assert!(!hits.is_empty());
}

#[test]
fn the_index_can_be_shared_between_threads() {
    fn shared<T: Send + Sync + 'static>() {}
    shared::<SearchIndex>();
    let config: SearchConfig = toml::from_str("title_boost = 2.0").expect("partial config");
    assert_eq!(config.title_boost, 2.0);
    assert_eq!(config.synonyms, SearchConfig::default().synonyms);
}
