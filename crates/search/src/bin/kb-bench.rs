//! `kb-bench`: search latency on a 10,000-article knowledge base.
//!
//! The index holds the demo articles plus generated variants of them (their
//! sentences recombined, with extra product names so the vocabulary grows
//! as a real knowledge base's would). The queries are the labelled
//! questions, half of them with fresh random typos, a third restricted to a
//! topic as the chat bot asks. As a baseline measured in the same run, each
//! question is also run as a plain tantivy query (its `QueryParser` over
//! the Russian title and body, top 5, no corrections, synonyms or snippets).

use std::process::ExitCode;
use std::time::{Duration, Instant};

use switchboard_domain::i18n::Text;
use switchboard_search::eval::{self, Case};
use switchboard_search::{
    Article, ArticleId, KnowledgeBase, SearchConfig, SearchIndex, SearchQuery,
};
use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;

const ARTICLES: usize = 10_000;
const QUERIES: usize = 4_000;
const PASSES: usize = 3;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kb-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A small deterministic generator (xorshift64*), so every run measures the same data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut kb = KnowledgeBase::load_dir(&eval::demo_kb_dir())?;
    let cases = eval::load_cases(&eval::demo_eval_file())?;
    let mut rng = Rng(0x5eed_cafe_f00d_1234);
    grow(&mut kb, &mut rng)?;

    let started = Instant::now();
    let index = SearchIndex::build(&kb, SearchConfig::default())?;
    println!(
        "indexed {} articles in {:.2} s",
        index.len(),
        started.elapsed().as_secs_f64()
    );

    let queries = queries(&kb, &cases, &mut rng);
    let baseline = Baseline::new(&index)?;
    // Warm caches and lazily built automata once, as a running server would have.
    for q in queries.iter().take(500) {
        index.search(q)?;
        baseline.search(&q.text)?;
    }

    // Every query is timed in each of `PASSES` rounds. Raw figures come from
    // the first round; "best of" keeps each query's fastest round, which
    // removes the scheduler's time slices lost to other processes on a
    // shared machine, but not the search's own slow cases.
    let mut ours = vec![Duration::MAX; queries.len()];
    let mut plain = vec![Duration::MAX; queries.len()];
    let mut ours_raw = Vec::with_capacity(queries.len());
    let mut plain_raw = Vec::with_capacity(queries.len());
    let mut found = 0usize;
    for pass in 0..PASSES {
        for (i, q) in queries.iter().enumerate() {
            let t = Instant::now();
            let hits = index.search(q)?;
            let elapsed = t.elapsed();
            ours[i] = ours[i].min(elapsed);
            let t = Instant::now();
            baseline.search(&q.text)?;
            let plain_elapsed = t.elapsed();
            plain[i] = plain[i].min(plain_elapsed);
            if pass == 0 {
                ours_raw.push(elapsed);
                plain_raw.push(plain_elapsed);
                found += usize::from(!hits.is_empty());
            }
        }
    }
    let mut typo_times: Vec<Duration> = ours.iter().skip(1).step_by(2).copied().collect();

    println!(
        "{} queries ({} with typos, {} filtered by topic); {:.1}% returned hits",
        queries.len(),
        typo_times.len(),
        queries.iter().filter(|q| q.topic.is_some()).count(),
        100.0 * found as f64 / queries.len() as f64
    );
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        println!("load average while measuring: {}", load.trim());
    }
    println!(
        "\n{:<56} {:>10} {:>10} {:>10}",
        "per search", "p50", "p99", "max"
    );
    let (o50, o99) = (percentile(&mut ours, 0.50), percentile(&mut ours, 0.99));
    let (b50, b99) = (percentile(&mut plain, 0.50), percentile(&mut plain, 0.99));
    row(
        "search(): typos, synonyms, filters, snippets (best of 3)",
        o50,
        o99,
        ours.iter().max(),
    );
    row(
        "  of which questions with typos (best of 3)",
        percentile(&mut typo_times, 0.50),
        percentile(&mut typo_times, 0.99),
        typo_times.iter().max(),
    );
    row(
        "baseline: plain tantivy QueryParser, top 5 (best of 3)",
        b50,
        b99,
        plain.iter().max(),
    );
    let (r50, r99) = (
        percentile(&mut ours_raw, 0.50),
        percentile(&mut ours_raw, 0.99),
    );
    row(
        "search(), single pass (raw)",
        r50,
        r99,
        ours_raw.iter().max(),
    );
    let (p50, p99) = (
        percentile(&mut plain_raw, 0.50),
        percentile(&mut plain_raw, 0.99),
    );
    row(
        "baseline, single pass (raw)",
        p50,
        p99,
        plain_raw.iter().max(),
    );
    println!(
        "\nratio search()/baseline (best of 3): p50 {:.1}×, p99 {:.1}×",
        ratio(o50, b50),
        ratio(o99, b99)
    );
    println!(
        "SEARCH p99 = {:.3} ms best of 3, {:.3} ms raw (target < 5 ms): {}",
        ms(o99),
        ms(r99),
        if o99 < Duration::from_millis(5) {
            "met"
        } else {
            "NOT met"
        }
    );
    Ok(())
}

/// Adds generated variants of the demo articles until there are `ARTICLES`.
fn grow(kb: &mut KnowledgeBase, rng: &mut Rng) -> Result<(), Box<dyn std::error::Error>> {
    const PRODUCTS: [&str; 12] = [
        "смартфон",
        "ноутбук",
        "пылесос",
        "кофемашина",
        "кроссовки",
        "куртка",
        "телевизор",
        "наушники",
        "холодильник",
        "велосипед",
        "матрас",
        "чайник",
    ];
    let base: Vec<Article> = kb.articles.clone();
    let sentences: Vec<(String, String)> = base
        .iter()
        .flat_map(|a| {
            a.body
                .ru
                .split(". ")
                .map(str::to_owned)
                .zip(a.body.en.split(". ").map(str::to_owned))
        })
        .collect();
    let mut n = 0usize;
    while kb.articles.len() < ARTICLES {
        let a = &base[n % base.len()];
        n += 1;
        let product = PRODUCTS[rng.below(PRODUCTS.len())];
        let model = format!(
            "{}{}-{}",
            product.chars().next().unwrap_or('x'),
            rng.below(90) + 10,
            rng.below(9000) + 1000
        );
        let (extra_ru, extra_en) = &sentences[rng.below(sentences.len())];
        let mut variant = a.clone();
        variant.id = ArticleId::parse(format!("{}.v{n}", a.id))?;
        variant.title = Text::new(
            format!("{} ({product} {model})", a.title.ru),
            format!("{} ({model})", a.title.en),
        );
        variant.body = Text::new(
            format!("{} Модель {model}. {extra_ru}.", a.body.ru),
            format!("{} Model {model}. {extra_en}.", a.body.en),
        );
        kb.articles.push(variant);
    }
    Ok(())
}

/// The labelled questions, cycled; every other one gets a random typo, every
/// third is asked within the expected article's first topic.
fn queries(kb: &KnowledgeBase, cases: &[Case], rng: &mut Rng) -> Vec<SearchQuery> {
    (0..QUERIES)
        .map(|i| {
            let case = &cases[i % cases.len()];
            let text = if i % 2 == 1 {
                typo(&case.question, rng)
            } else {
                case.question.clone()
            };
            let mut q = SearchQuery::new(text, case.locale);
            if i % 3 == 0
                && let Some(topic) = kb
                    .articles
                    .iter()
                    .find(|a| a.id == case.expected)
                    .and_then(|a| a.topics.first())
            {
                q = q.with_topic(topic.clone());
            }
            q
        })
        .collect()
}

/// One random edit (drop, double or swap a letter) in one word of five letters or more.
fn typo(question: &str, rng: &mut Rng) -> String {
    let mut words: Vec<Vec<char>> = question.split(' ').map(|w| w.chars().collect()).collect();
    let long: Vec<usize> = (0..words.len()).filter(|&i| words[i].len() >= 5).collect();
    if long.is_empty() {
        return question.to_owned();
    }
    let word = &mut words[long[rng.below(long.len())]];
    let at = 1 + rng.below(word.len() - 2);
    match rng.below(3) {
        0 => {
            word.remove(at);
        }
        1 => word.insert(at, word[at]),
        _ => word.swap(at, at + 1),
    }
    words
        .iter()
        .map(|w| w.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The plain tantivy query the search is compared with.
struct Baseline {
    reader: tantivy::IndexReader,
    parser: QueryParser,
}

impl Baseline {
    fn new(index: &SearchIndex) -> tantivy::Result<Self> {
        let tantivy_index = index.tantivy_index();
        let schema = tantivy_index.schema();
        let fields = vec![schema.get_field("title_ru")?, schema.get_field("body_ru")?];
        Ok(Baseline {
            reader: tantivy_index.reader()?,
            parser: QueryParser::for_index(tantivy_index, fields),
        })
    }

    fn search(&self, text: &str) -> tantivy::Result<usize> {
        let (query, _errors) = self.parser.parse_query_lenient(text);
        let top = self
            .reader
            .searcher()
            .search(&query, &TopDocs::with_limit(5).order_by_score())?;
        Ok(top.len())
    }
}

fn percentile(times: &mut [Duration], p: f64) -> Duration {
    if times.is_empty() {
        return Duration::ZERO;
    }
    times.sort_unstable();
    let rank = ((times.len() as f64 * p).ceil() as usize).clamp(1, times.len());
    times[rank - 1]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64().max(1e-9)
}

fn row(name: &str, p50: Duration, p99: Duration, max: Option<&Duration>) {
    println!(
        "{:<56} {:>7.3} ms {:>7.3} ms {:>7.3} ms",
        name,
        ms(p50),
        ms(p99),
        ms(max.copied().unwrap_or_default())
    );
}
