//! Canned replies: shared ones (no owner; supervisors manage them) and each
//! operator's personal ones.

use async_trait::async_trait;
use jiff::Timestamp;
use switchboard_domain::ids::OperatorId;

use crate::Result;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CannedReply {
    pub id: i64,
    /// `None`: shared by everyone.
    pub owner: Option<OperatorId>,
    pub title: String,
    pub body: String,
    pub updated_at: Timestamp,
}

#[async_trait]
pub trait CannedStore: Send + Sync {
    /// The shared replies and `viewer`'s own, by title.
    async fn canned_replies(&self, viewer: OperatorId) -> Result<Vec<CannedReply>>;
    /// `NotFound` when there is no such reply.
    async fn canned_reply(&self, id: i64) -> Result<CannedReply>;
    async fn create_canned(
        &self,
        owner: Option<OperatorId>,
        title: &str,
        body: &str,
        now: Timestamp,
    ) -> Result<CannedReply>;
    /// `NotFound` when there is no such reply.
    async fn update_canned(
        &self,
        id: i64,
        title: &str,
        body: &str,
        now: Timestamp,
    ) -> Result<CannedReply>;
    /// `NotFound` when there is no such reply.
    async fn delete_canned(&self, id: i64) -> Result<()>;
}
