//! The generator's randomness: splitmix64, seeded, so runs repeat.

use jiff::SignedDuration;

/// splitmix64: small, fast, and good enough to shuffle a benchmark's data.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// True with probability `p`.
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    /// A duration between `lo` and `hi` seconds, skewed short (most answers
    /// come quickly, a few take long): the square of a uniform draw.
    pub(crate) fn secs(&mut self, lo: i64, hi: i64) -> SignedDuration {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        SignedDuration::from_secs(lo + ((hi - lo) as f64 * u * u) as i64)
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}
