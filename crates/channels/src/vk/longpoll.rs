//! Bots Long Poll (<https://dev.vk.com/ru/api/bots-long-poll/getting-started>):
//! `groups.getLongPollServer` gives a server, a key and a `ts`; each
//! `act=a_check` request returns the events after `ts` and the next `ts`.
//! The next `ts` is taken only once every event of the batch is stored (an
//! event the sink cannot take now is asked for again, and the ones before
//! it change nothing the second time: their `event_id`s). `failed` 1 goes
//! on from the new `ts`, 2 gets a new key (same `ts`), 3 a new key and
//! `ts`. An API that is down is retried with backoff (up to a minute) and
//! shows in [`Vk::health`](super::Vk::health).

use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use tokio::sync::watch;

use super::api::CallError;
use super::wire::{CallbackEvent, LongPollReply, LongPollServer, ts_text};
use super::{CommunityConfig, Vk, event_of};
use crate::{MessengerSink, SinkError, error_chain};

/// Where and from what point to ask. The key is a credential: never logged.
struct Session {
    server: Url,
    key: String,
    ts: String,
}

/// What one `a_check` amounted to.
enum Check {
    Events {
        ts: String,
        updates: Vec<serde_json::Value>,
    },
    NewTs(String),
    NewKey,
    NewSession,
}

/// The pause after `failures` failures in a row: 0.5 s, 1 s, 2 s… up to 60 s.
fn backoff(failures: u32) -> Duration {
    Duration::from_millis(250u64 << failures.min(8)).min(Duration::from_secs(60))
}

impl Vk {
    async fn long_poll_server(&self, c: &CommunityConfig) -> Result<Session, CallError> {
        let s: LongPollServer = self
            .call(
                &c.token,
                "groups.getLongPollServer",
                &[("group_id", c.group_id.to_string())],
            )
            .await?;
        let server = Url::parse(&s.server)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .ok_or_else(|| CallError::Down("getLongPollServer: not a server address".into()))?;
        let ts =
            ts_text(&s.ts).ok_or_else(|| CallError::Down("getLongPollServer: no ts".into()))?;
        if s.key.is_empty() {
            return Err(CallError::Down("getLongPollServer: no key".into()));
        }
        Ok(Session {
            server,
            key: s.key,
            ts,
        })
    }

    async fn check(&self, s: &Session) -> Result<Check, CallError> {
        let mut url = s.server.clone();
        url.query_pairs_mut()
            .append_pair("act", "a_check")
            .append_pair("key", &s.key)
            .append_pair("ts", &s.ts)
            .append_pair("wait", &self.wait_secs.to_string());
        let response = self
            .http
            .get(url)
            .timeout(self.timeout + Duration::from_secs(self.wait_secs))
            .send()
            .await
            .map_err(|e| CallError::Down(error_chain(&e.without_url())))?;
        let status = response.status();
        if !status.is_success() {
            return Err(CallError::Down(format!(
                "Long Poll server replied {status}"
            )));
        }
        let reply: LongPollReply = response
            .json()
            .await
            .map_err(|e| CallError::Down(error_chain(&e.without_url())))?;
        let ts = reply.ts.as_ref().and_then(ts_text);
        match (reply.failed, ts) {
            (None, Some(ts)) => Ok(Check::Events {
                ts,
                updates: reply.updates.unwrap_or_default(),
            }),
            (Some(1), Some(ts)) => Ok(Check::NewTs(ts)),
            (Some(2), _) => Ok(Check::NewKey),
            (Some(3), _) | (Some(1), None) => Ok(Check::NewSession),
            (failed, _) => Err(CallError::Down(format!(
                "Long Poll: an answer we cannot read (failed {failed:?})"
            ))),
        }
    }

    /// Hands one update to the sink: `false` when it must be asked for again.
    async fn take(
        &self,
        c: &CommunityConfig,
        update: serde_json::Value,
        sink: &dyn MessengerSink,
    ) -> bool {
        let event = serde_json::from_value::<CallbackEvent>(update)
            .map_err(|e| e.to_string())
            .and_then(|e| {
                if e.group_id == c.group_id {
                    event_of(c, e).map_err(|e| e.to_string())
                } else {
                    Err(format!("an event of community {}", e.group_id))
                }
            });
        let event = match event {
            Ok(Some(event)) => event,
            Ok(None) => return true,
            Err(reason) => {
                tracing::warn!(
                    community = c.name,
                    reason,
                    "a Long Poll update we cannot read: skipped"
                );
                return true;
            }
        };
        match sink.event(event).await {
            Ok(()) => true,
            Err(SinkError::Refused { code, reason }) => {
                tracing::info!(code, reason, "VK event refused");
                true
            }
            Err(SinkError::Unavailable(e)) => {
                tracing::warn!(community = c.name, error = %e, "VK event kept for later");
                false
            }
        }
    }

    /// Bots Long Poll for one community until `stop`.
    pub async fn poll(
        self: Arc<Self>,
        community: String,
        sink: Arc<dyn MessengerSink>,
        mut stop: watch::Receiver<bool>,
    ) {
        let Some(c) = self.communities.get(&community).cloned() else {
            return;
        };
        let mut session: Option<Session> = None;
        // After `failed: 2` the new key goes on from the old `ts`.
        let mut keep_ts: Option<String> = None;
        let mut failures: u32 = 0;
        loop {
            if *stop.borrow() {
                return;
            }
            let outcome = match session.as_mut() {
                None => tokio::select! {
                    r = self.long_poll_server(&c) => r.map(|mut s| {
                        if let Some(ts) = keep_ts.take() {
                            s.ts = ts;
                        }
                        session = Some(s);
                        None
                    }),
                    _ = stop.changed() => return,
                },
                Some(s) => tokio::select! {
                    r = self.check(s) => r.map(Some),
                    _ = stop.changed() => return,
                },
            };
            if outcome.is_ok() {
                self.health.ok();
                failures = 0;
            }
            let pause = match outcome {
                Ok(None) => None,
                Ok(Some(Check::Events { ts, updates })) => {
                    let mut all = true;
                    for u in updates {
                        if !self.take(&c, u, sink.as_ref()).await {
                            all = false;
                            break;
                        }
                    }
                    if all {
                        if let Some(s) = session.as_mut() {
                            s.ts = ts;
                        }
                        None
                    } else {
                        Some(Duration::from_secs(1))
                    }
                }
                Ok(Some(Check::NewTs(ts))) => {
                    if let Some(s) = session.as_mut() {
                        s.ts = ts;
                    }
                    None
                }
                Ok(Some(Check::NewKey)) => {
                    keep_ts = session.take().map(|s| s.ts);
                    None
                }
                Ok(Some(Check::NewSession)) => {
                    session = None;
                    None
                }
                Err(e) => {
                    self.health.failed(&e.to_string());
                    failures = failures.saturating_add(1);
                    if failures == 1 || failures.is_power_of_two() {
                        tracing::warn!(community, error = %e, failures, "VK Long Poll failed");
                    }
                    Some(backoff(failures))
                }
            };
            if let Some(pause) = pause {
                tokio::select! {
                    _ = tokio::time::sleep(pause) => {}
                    _ = stop.changed() => return,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_to_a_minute() {
        assert_eq!(backoff(1), Duration::from_millis(500));
        assert!(backoff(2) > backoff(1));
        assert_eq!(backoff(40), Duration::from_secs(60));
    }
}
