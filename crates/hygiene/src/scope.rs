//! stub
use crate::texts::Bilingual;
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeCategory { TradeSecret, Fraud, ExternalDispute }
#[derive(Debug, Clone, PartialEq)]
pub struct OutOfScope { pub category: ScopeCategory, pub answer: Bilingual, pub urgent: bool, pub offer_block: bool }
pub(crate) fn classify_folded(_f: &str) -> Option<OutOfScope> { None }
