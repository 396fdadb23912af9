//! stub
use crate::texts::Bilingual;
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestedData { SmsCode }
#[derive(Debug, Clone, PartialEq)]
pub struct OperatorBlock { pub requested: Vec<RequestedData>, pub explanation: Bilingual }
pub(crate) fn check_folded(_f: &str) -> Option<OperatorBlock> { None }
