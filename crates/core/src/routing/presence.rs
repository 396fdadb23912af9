//! Operators' presence: the status they set, with a lease this node keeps
//! renewing while their console is connected here, so a node that dies
//! cannot leave a ghost "online" operator behind.

use jiff::SignedDuration;
use switchboard_domain::ids::OperatorId;
use switchboard_store::{PresenceStatus, StoreError};

use crate::{Core, CoreResult};

impl Core {
    /// An operator's status, with the lease this node keeps renewing.
    pub async fn set_presence(&self, op: OperatorId, status: PresenceStatus) -> CoreResult<()> {
        let now = self.clock.now();
        let lease = SignedDuration::from_secs(self.config.presence_lease_secs.max(1));
        self.store
            .set_presence(op, status, now + lease, now)
            .await?;
        let mut p = self.presence.lock().unwrap_or_else(|p| p.into_inner());
        if status == PresenceStatus::Offline {
            p.remove(&op);
        } else {
            p.insert(op, (status, now));
        }
        Ok(())
    }

    /// Renews the leases of this node's operators once a third of the lease has passed.
    pub(crate) async fn renew_presence(&self) -> Result<(), StoreError> {
        let now = self.clock.now();
        let lease = SignedDuration::from_secs(self.config.presence_lease_secs.max(1));
        let due: Vec<(OperatorId, PresenceStatus)> = {
            let p = self.presence.lock().unwrap_or_else(|p| p.into_inner());
            p.iter()
                .filter(|(_, (_, at))| now.duration_since(*at) >= lease / 3)
                .map(|(op, (s, _))| (*op, *s))
                .collect()
        };
        for (op, status) in due {
            self.store
                .set_presence(op, status, now + lease, now)
                .await?;
            let mut p = self.presence.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(entry) = p.get_mut(&op) {
                entry.1 = now;
            }
        }
        Ok(())
    }
}
