//! Updates in: each turned into a [`MessengerEvent`] (files fetched with
//! `getFile`, anything over the Bot API's 20 MB named for the customer
//! instead) and handed to the [`MessengerSink`]. By long polling, an update
//! is confirmed (the next `getUpdates` offset passes it) only once the sink
//! has taken it; by webhook, Telegram gets its 200 only then, and retries
//! otherwise. Either way a repeated update changes nothing (its ids).

use std::sync::Arc;
use std::time::Duration;

use switchboard_domain::conversation::{Address, InboundFile};
use switchboard_domain::ticket::Channel;
use tokio::sync::watch;

use super::Telegram;
use super::client::{ApiError, MAX_DOWNLOAD_BYTES};
use super::send::message_ref;
use super::wire::{Message, Update};
use crate::{EventInput, MessengerEvent, MessengerSink, SinkError, locale_of};

/// Why an update was not handled now; offer it again later.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HandleError {
    #[error("unknown bot {0}")]
    UnknownBot(String),
    /// Telegram or our storage is not answering: keep the update.
    #[error("not now: {0}")]
    Later(String),
}

impl Telegram {
    /// Handles one update for `bot`: `Ok` once it is taken for good (stored,
    /// answered, or of a kind the bot ignores).
    pub async fn handle(
        &self,
        bot: &str,
        update: &Update,
        sink: &dyn MessengerSink,
    ) -> Result<(), HandleError> {
        if self.bot(bot).is_none() {
            return Err(HandleError::UnknownBot(bot.to_owned()));
        }
        let (event, callback) = match self.event_of(bot, update).await {
            Ok(Some(found)) => found,
            Ok(None) => return Ok(()),
            Err(e) => return Err(HandleError::Later(e.to_string())),
        };
        match sink.event(event).await {
            Ok(()) => {}
            Err(SinkError::Refused { code, reason }) => {
                tracing::info!(code, reason, "Telegram update refused");
            }
            Err(SinkError::Unavailable(e)) => return Err(HandleError::Later(e)),
        }
        if let (Some(id), Some(client)) = (callback, self.bot(bot)) {
            // Stops the button's spinner; the answer itself came as a message.
            let body = serde_json::json!({ "callback_query_id": id });
            if let Err(e) = client
                .call::<bool>("answerCallbackQuery", &body, Duration::ZERO)
                .await
            {
                tracing::debug!(error = %e, "answerCallbackQuery failed");
            }
        }
        Ok(())
    }

    /// The event an update amounts to, with the callback query to answer;
    /// `None` for updates the bot ignores (groups, other bots, other kinds).
    async fn event_of(
        &self,
        bot: &str,
        update: &Update,
    ) -> Result<Option<(MessengerEvent, Option<String>)>, ApiError> {
        let event_id = format!("{bot}:{}", update.update_id);
        if let Some(q) = &update.callback_query {
            let Some(data) = q.data.clone() else {
                return Ok(None);
            };
            if q.from.is_bot {
                return Ok(None);
            }
            let chat = q.message.as_ref().map_or(q.from.id, |m| m.chat.id);
            let event = MessengerEvent {
                channel: Channel::Telegram,
                endpoint: bot.to_owned(),
                thread: chat.to_string(),
                sender: Address {
                    channel: Channel::Telegram,
                    value: q.from.id.to_string(),
                    name: q.from.display_name(),
                },
                event_id,
                message_id: None,
                input: EventInput::Button(data),
                files: Vec::new(),
                too_large: Vec::new(),
                locale: locale_of(q.from.language_code.as_deref()),
                public: None,
            };
            return Ok(Some((event, Some(q.id.clone()))));
        }
        let Some(m) = &update.message else {
            return Ok(None);
        };
        let Some(from) = &m.from else {
            return Ok(None);
        };
        if from.is_bot || !(m.chat.kind.is_empty() || m.chat.kind == "private") {
            return Ok(None);
        }
        let (files, too_large) = self.files_of(bot, m).await?;
        let text = m
            .text
            .clone()
            .or_else(|| m.caption.clone())
            .unwrap_or_default();
        if text.trim().is_empty() && files.is_empty() && too_large.is_empty() {
            // Stickers, locations, contacts: nothing support can read.
            return Ok(None);
        }
        let event = MessengerEvent {
            channel: Channel::Telegram,
            endpoint: bot.to_owned(),
            thread: m.chat.id.to_string(),
            sender: Address {
                channel: Channel::Telegram,
                value: from.id.to_string(),
                name: from.display_name(),
            },
            event_id,
            message_id: Some(message_ref(bot, m.chat.id, m.message_id)),
            input: EventInput::Text(text),
            files,
            too_large,
            locale: locale_of(from.language_code.as_deref()),
            public: None,
        };
        Ok(Some((event, None)))
    }

    /// The message's photo (its largest size) and document, downloaded;
    /// those over 20 MB are only named.
    async fn files_of(
        &self,
        bot: &str,
        m: &Message,
    ) -> Result<(Vec<InboundFile>, Vec<String>), ApiError> {
        let mut wanted = Vec::new();
        if let Some(p) = m.photo.iter().max_by_key(|p| p.file_size.unwrap_or(0)) {
            wanted.push((
                p.file_id.clone(),
                format!("photo_{}.jpg", m.message_id),
                p.file_size,
            ));
        }
        if let Some(d) = &m.document {
            let name = d
                .file_name
                .clone()
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| format!("document_{}", m.message_id));
            wanted.push((d.file_id.clone(), name, d.file_size));
        }
        let mut files = Vec::new();
        let mut too_large = Vec::new();
        let Some(client) = self.bot(bot) else {
            return Ok((files, too_large));
        };
        for (id, name, size) in wanted {
            if size.is_some_and(|s| s > MAX_DOWNLOAD_BYTES) {
                too_large.push(name);
                continue;
            }
            match client.download(&id).await {
                Ok(bytes) => files.push(InboundFile { name, bytes }),
                Err(ApiError::Refused(reason)) => {
                    tracing::info!(reason, "a file the bot cannot fetch");
                    too_large.push(name);
                }
                Err(e) => return Err(e),
            }
        }
        Ok((files, too_large))
    }

    /// One `getUpdates` answer: each chat's updates in order, the chats side
    /// by side (one busy chat does not hold up the others). `Ok(offset)`
    /// past the last update when every one was taken; `Err(id)` of the
    /// first update kept for later — the ones after it that were taken come
    /// again and change nothing (their ids).
    async fn handle_batch(
        &self,
        bot: &str,
        updates: &[Update],
        sink: &dyn MessengerSink,
    ) -> Result<Option<i64>, i64> {
        let mut chats: Vec<(i64, Vec<&Update>)> = Vec::new();
        for u in updates {
            let chat = u
                .message
                .as_ref()
                .map(|m| m.chat.id)
                .or_else(|| u.callback_query.as_ref().map(|c| c.from.id))
                .unwrap_or(0);
            match chats.iter_mut().find(|(c, _)| *c == chat) {
                Some((_, list)) => list.push(u),
                None => chats.push((chat, vec![u])),
            }
        }
        let kept = futures_util::future::join_all(chats.iter().map(|(_, list)| async move {
            for u in list {
                if let Err(e) = self.handle(bot, u, sink).await {
                    tracing::warn!(bot, update = u.update_id, error = %e, "update kept for later");
                    return Some(u.update_id);
                }
            }
            None
        }))
        .await;
        match kept.into_iter().flatten().min() {
            Some(first) => Err(first),
            None => Ok(updates.last().map(|u| u.update_id + 1)),
        }
    }

    /// Long polling for one bot until `stop`: each batch handled in order;
    /// an update the sink cannot take now stops the batch, and the next
    /// `getUpdates` starts again from it. An unreachable API is retried
    /// with backoff (up to a minute) and shows in [`Telegram::health`] —
    /// except an address where nothing listens before the API was ever
    /// reached (the demo's local bot with no Bot API server running): the
    /// bot waits for it quietly and is polled once it answers.
    pub async fn poll(
        self: Arc<Self>,
        bot: String,
        sink: Arc<dyn MessengerSink>,
        mut stop: watch::Receiver<bool>,
    ) {
        let Some(client) = self.bot(&bot).cloned() else {
            return;
        };
        // getUpdates is refused while a webhook is set.
        let body = serde_json::json!({ "drop_pending_updates": false });
        match client
            .call::<bool>("deleteWebhook", &body, Duration::ZERO)
            .await
        {
            Ok(_) | Err(ApiError::Unreachable(_)) => {}
            Err(e) => tracing::warn!(bot, error = %e, "deleteWebhook failed"),
        }
        let mut offset: Option<i64> = None;
        let mut failures: u32 = 0;
        let mut reached = false;
        loop {
            if *stop.borrow() {
                return;
            }
            let got = tokio::select! {
                r = client.get_updates(offset, self.config.poll_timeout_secs) => r,
                _ = stop.changed() => return,
            };
            let pause = match got {
                Ok(updates) => {
                    reached = true;
                    self.health.ok();
                    failures = 0;
                    match self.handle_batch(&bot, &updates, sink.as_ref()).await {
                        Ok(Some(next)) => {
                            offset = Some(next);
                            None
                        }
                        Ok(None) => None,
                        Err(kept) => {
                            offset = Some(kept);
                            Some(Duration::from_secs(1))
                        }
                    }
                }
                Err(ApiError::RetryAfter(secs)) => Some(Duration::from_secs(secs.clamp(1, 300))),
                Err(ApiError::Unreachable(e)) if !reached => {
                    failures = failures.saturating_add(1);
                    if failures == 1 {
                        tracing::info!(bot, error = %e, "Telegram API not reachable: the bot waits for it");
                    }
                    Some(Duration::from_secs(1u64 << failures.min(6)).min(Duration::from_secs(60)))
                }
                Err(e) => {
                    self.health.failed(&e.to_string());
                    failures = failures.saturating_add(1);
                    if failures == 1 || failures.is_power_of_two() {
                        tracing::warn!(bot, error = %e, failures, "Telegram getUpdates failed");
                    }
                    Some(Duration::from_secs(1u64 << failures.min(6)).min(Duration::from_secs(60)))
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
