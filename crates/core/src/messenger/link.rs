//! Linking a messenger account to the customer's own (issue 10). In the
//! cabinet a signed-in customer gets a one-time code ([`LinkCode`]: short,
//! valid for [`CODE_VALID_MINUTES`], used once) and sends it to the bot — in
//! Telegram the deep link `https://t.me/<bot>?start=<code>` does it in one
//! tap. The bot then links the contact that writes to the account
//! ([`switchboard_store::PeopleStore::link_contact`]): its conversations
//! become the customer's, the operator sees the profile and orders, and bank
//! topics ask for the SMS code like the web chat. An address may send
//! [`WRONG_CODES_PER_HOUR`] wrong codes an hour, then must wait. Only a
//! private message links: a code posted on a public wall is ignored.
//!
//! Before linking, a contact may ask general questions; an order topic
//! explains how to link (and still offers "not about an order"), a bank
//! topic asks to link first.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use switchboard_channels::EventInput;
use switchboard_domain::ids::CustomerId;
use switchboard_domain::link_code::LinkCode;
use switchboard_domain::ticket::{Actor, Channel, Requester};
use switchboard_store::{Identity, StoreError};

use super::{Chat, menu};
use crate::{Core, CoreError, CoreResult};

/// How long a code works.
pub const CODE_VALID_MINUTES: i64 = 15;
/// Wrong codes one messenger address may send in an hour.
pub const WRONG_CODES_PER_HOUR: u32 = 5;
/// `channel_state`'s endpoint for the wrong-code counters: one per address
/// and channel, whichever bot or community they wrote to.
const TRIES_ENDPOINT: &str = "link";

/// A code just issued, to show once.
#[derive(Debug, Clone)]
pub struct IssuedCode {
    pub code: LinkCode,
    pub expires_at: Timestamp,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct WrongCodes {
    count: u32,
    since_ms: i64,
}

/// The messengers a code links.
pub fn is_messenger(channel: Channel) -> bool {
    matches!(channel, Channel::Telegram | Channel::Vk)
}

impl Core {
    /// A new one-time code for the signed-in `customer`; their earlier
    /// unused code stops working.
    pub async fn issue_link_code(&self, customer: &CustomerId) -> CoreResult<IssuedCode> {
        let now = self.clock.now();
        let expires_at = now + SignedDuration::from_mins(CODE_VALID_MINUTES);
        for _ in 0..8 {
            let mut raw = [0u8; 8];
            getrandom::fill(&mut raw).map_err(|e| CoreError::internal("randomness", e))?;
            let Some(code) = LinkCode::from_random(u64::from_le_bytes(raw)) else {
                continue;
            };
            match self
                .store
                .issue_link_code(customer, &code.hash(), now, expires_at)
                .await
            {
                Ok(()) => return Ok(IssuedCode { code, expires_at }),
                Err(StoreError::Conflict(_)) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(CoreError::internal("link code", "no free code in 8 draws"))
    }

    /// The messenger accounts linked to `customer`.
    pub async fn linked_messengers(&self, customer: &CustomerId) -> CoreResult<Vec<Identity>> {
        let all = self
            .store
            .identities(&Requester::Customer(customer.clone()))
            .await?;
        Ok(all
            .into_iter()
            .filter(|i| is_messenger(i.channel))
            .collect())
    }

    /// Unlinks one of the customer's messenger accounts; `NotFound` when
    /// it is not linked to them.
    pub async fn unlink_messenger(
        &self,
        customer: &CustomerId,
        channel: Channel,
        address: &str,
    ) -> CoreResult<()> {
        if !is_messenger(channel) {
            return Err(CoreError::NotFound);
        }
        let actor = Actor::Customer(customer.clone());
        self.store
            .unlink_address(customer, channel, address, &actor, self.clock.now())
            .await?;
        tracing::info!(channel = channel.as_str(), "messenger account unlinked");
        Ok(())
    }

    /// A link code sent to the bot in a private message: linked (or told
    /// why not). `false` when the message is no code.
    pub(super) async fn link_attempt(&self, chat: &Chat) -> CoreResult<bool> {
        let EventInput::Text(text) = &chat.event.input else {
            return Ok(false);
        };
        if chat.event.public.is_some() || !chat.event.files.is_empty() {
            return Ok(false);
        }
        let Some(code) = LinkCode::find_in(text) else {
            return Ok(false);
        };
        let locale = chat.locale;
        let contact = match &chat.requester {
            Requester::Contact(k) => *k,
            Requester::Customer(_) => {
                self.tell(chat, menu::already_linked(locale), Vec::new())
                    .await?;
                return Ok(true);
            }
        };
        let now = self.clock.now();
        let tries_key = format!("tries:{}", chat.event.sender.value);
        let channel = chat.event.channel;
        let mut wrong: WrongCodes = self
            .store
            .channel_state(channel, TRIES_ENDPOINT, &tries_key)
            .await?
            .and_then(|raw| serde_json::from_str(&raw).ok())
            .unwrap_or_default();
        if now.as_millisecond() - wrong.since_ms >= 3_600_000 {
            wrong = WrongCodes {
                count: 0,
                since_ms: now.as_millisecond(),
            };
        }
        if wrong.count >= WRONG_CODES_PER_HOUR {
            self.tell(chat, menu::too_many_codes(locale), Vec::new())
                .await?;
            return Ok(true);
        }
        let Some(customer) = self.store.take_link_code(&code.hash(), now).await? else {
            wrong.count += 1;
            let raw =
                serde_json::to_string(&wrong).map_err(|e| CoreError::internal("wrong codes", e))?;
            self.store
                .set_channel_state(channel, TRIES_ENDPOINT, &tries_key, Some(&raw), now)
                .await?;
            self.tell(chat, menu::wrong_code(locale), Vec::new())
                .await?;
            return Ok(true);
        };
        let actor = Actor::Customer(customer.clone());
        let moved = self
            .store
            .link_contact(contact, &customer, &actor, now)
            .await?;
        self.store
            .set_channel_state(channel, TRIES_ENDPOINT, &tries_key, None, now)
            .await?;
        tracing::info!(
            channel = channel.as_str(),
            tickets = moved.len(),
            "messenger account linked"
        );
        let profile = self.store.customer(&customer).await?;
        let (menu_text, buttons) = menu::lines(&self.catalog(), Some(&profile), locale);
        let text = format!("{}\n\n{menu_text}", menu::linked(locale, &profile.name));
        self.tell(chat, text, buttons).await?;
        Ok(true)
    }
}
