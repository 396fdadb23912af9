//! The chat's transport (SPEC §3.1): WebSocket connections for customers and
//! operators, their frames, and the hub that hands each connection what the
//! feed brings. The chat's rules and use cases (intake, the bot, step-up,
//! routing, writing) are `switchboard-core`'s; a customer's message goes
//! through the same `ingest` as every other channel's.
//!
//! # Frame protocol
//!
//! Customers connect to `GET /api/v1/customer/chat` and operators to
//! `GET /api/v1/chat/console` with a WebSocket. The token (customer identity
//! token or staff session token) comes as `Authorization: Bearer …` or, for
//! browsers, as `?token=…`; without a valid one the upgrade is refused with
//! 401 problem details. Every frame is a JSON text frame with a `type`.
//!
//! Customer → server: `topic {line, topic}`; `order {number|null}` (`null` is
//! "Question not about an order"); `message {conversation?, client_id, body}`
//! (without `conversation` it opens one — only after the topic, and for
//! purchase topics the order, were chosen); `resume {conversation, last_seq}`;
//! `typing {conversation}`; `helped {conversation, answer?}`;
//! `call_operator {conversation}`; `code {conversation, code}`; `topics`
//! (the lines and topics to choose from); `ping`.
//!
//! Operator → server: `presence {status: online|away|offline}`,
//! `resume {conversation, last_seq}`, `message {conversation, client_id, body}`,
//! `typing {conversation}`, `ping`.
//!
//! Server → client: `hello` (who you are, your conversations with their
//! `last_seq`, and for operators the queue), `topics {lines}`,
//! `order_required {orders}`, `ready`, `conversation` (state), `message`,
//! `ack {client_id, conversation, seq, duplicate}`, `step_up {phone,
//! expires_at}`, `typing`, `queued`, `assigned`, `unassigned`, `presence`,
//! `error {code, message {ru, en}, client_id?}`, `pong`.
//!
//! # Delivery
//!
//! A message is acknowledged only once it is committed with its
//! per-conversation `seq`; resending a `client_id` returns the same `seq`.
//! Each connection sees the `message` frames of the conversations it is
//! attached to (opened, resumed, or for operators assigned) exactly once and
//! in `seq` order, its own messages included; `resume` with the last `seq`
//! seen replays what was missed. Files go over HTTP
//! (`POST …/chats/{number}/messages`, multipart) and arrive as `message`
//! frames like the rest. Typing is never stored.
//!
//! # Bad input
//!
//! A malformed or unknown frame, free text before a topic, someone else's
//! order or conversation, a flood: an `error` frame, nothing stored, the
//! connection stays. Persistent flooding closes it (1008), a frame over the
//! size limit closes it (1009), an expired customer token closes it (4001).

pub mod hub;
pub mod protocol;
pub mod session;
