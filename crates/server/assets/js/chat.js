// The customer's chat window (the full page and the widget's frame): topic →
// order or "not about an order" → the bot's answers → "Call an operator" →
// the SMS code for bank topics → the live conversation with files and typing.
//
// Delivery: every message is shown from the server's `message` frames, by
// `seq`, once. The conversation and the messages not yet acknowledged are
// kept in sessionStorage: after a reload the page resumes the conversation
// from the start (its log is empty), after a lost connection from the last
// `seq` on screen; unacknowledged messages are resent with the same
// client_id, which the server stores once. The box to type in appears only
// once the topic (and for purchase topics the order) is chosen.

import { upload, setToken, getToken, ApiError, lang, local, blobUrl } from './api.js';
import { h, clear, $, announce } from './dom.js';

const data = JSON.parse($('#chat-data').textContent);
const w = data.words;

// A frame on another site may be refused storage (third-party storage
// blocking): then it lives in memory, and after a reload the server's
// `hello` still names the open conversation to resume.
const memory = new Map();
const store = (() => {
  try {
    const s = window.sessionStorage;
    s.getItem('sb-chat-probe');
    return s;
  } catch {
    return { getItem: (k) => memory.get(k) ?? null, setItem: (k, v) => memory.set(k, String(v)) };
  }
})();

// The widget hands the token over in the fragment, which no server sees.
if (location.hash.startsWith('#token=')) {
  setToken(decodeURIComponent(location.hash.slice(7)));
  history.replaceState(null, '', location.pathname + location.search);
}
if (getToken()) store.setItem('sb-chat-token', getToken());
else setToken(store.getItem('sb-chat-token'));

// One chat per customer (the token's first part is the customer's account).
const KEY = `sb-chat:${(getToken() || '').split('.')[0]}`;
const saved = JSON.parse(store.getItem(KEY) || '{}');
const state = {
  conversation: saved.conversation || null,
  status: null,
  pending: saved.pending || [], // [{client_id, body}] not yet acknowledged
  shown: 0, // the highest seq on screen
  stage: 'connecting', // topic, order, ready, step_up, live
  statusWord: '',
};
let socket = null;
let retry = 0;
let typingSent = 0;
let typingTimer = null;

const log = $('#chat-log');
const panel = $('#chat-panel');
const composer = $('#chat-composer');
const input = $('#chat-input');
const fileInput = $('#chat-files');
const chosen = $('#chat-files-chosen');
const statusLine = $('#chat-status');

function save() {
  store.setItem(KEY, JSON.stringify({ conversation: state.conversation, pending: state.pending }));
}

function send(frame) {
  if (socket?.readyState !== WebSocket.OPEN) return false;
  socket.send(JSON.stringify(frame));
  return true;
}

function setStatus(text) { statusLine.textContent = text || ''; }

function showComposer(on) {
  const was = !composer.hidden;
  composer.hidden = !on;
  if (on && !was) input.focus();
}

function panelWith(...nodes) {
  clear(panel).append(...nodes.filter(Boolean));
}

function choice(label, onclick) {
  return h('button', { type: 'button', class: 'btn btn-secondary choice', onclick }, label);
}

// Topics: buttons per line; nothing can be typed before one is chosen.
function showTopics(lines) {
  state.stage = 'topic';
  showComposer(false);
  panelWith(h('h2', {}, w.choose_topic), ...lines.map((l) => h('section', { class: 'topic-group' },
    lines.length > 1 ? h('h3', {}, local(l.name)) : null,
    h('div', { class: 'choices' }, l.topics.map((t) => choice(local(t.name), () => {
      send({ type: 'topic', line: l.code, topic: t.code });
    }))))));
  panel.querySelector('button')?.focus();
}

function showOrders(orders) {
  state.stage = 'order';
  panelWith(h('h2', {}, w.choose_order), h('div', { class: 'choices' },
    orders.map((o) => choice(`${o.title} — ${o.number}`, () => send({ type: 'order', number: o.number }))),
    choice(w.not_about_order, () => send({ type: 'order', number: null }))));
  panel.querySelector('button')?.focus();
}

function showReady() {
  state.stage = 'ready';
  panelWith();
  showComposer(true);
  setStatus(w.ask);
}

function showStepUp(f) {
  state.stage = 'step_up';
  showComposer(false);
  const code = h('input', {
    id: 'chat-code', type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code',
    maxlength: 8, required: true, 'aria-describedby': 'chat-code-error',
  });
  const err = h('p', { class: 'form-error', id: 'chat-code-error', role: 'alert' });
  panelWith(h('form', {
    class: 'step-up',
    onsubmit: (e) => { e.preventDefault(); err.textContent = ''; send({ type: 'code', conversation: f.conversation, code: code.value.trim() }); },
  }, h('h2', {}, w.step_up_title), h('p', {}, `${w.step_up_text} ${f.phone}`),
  h('div', { class: 'field' }, h('label', { for: 'chat-code' }, w.code_label), code, err),
  h('button', { class: 'btn', type: 'submit' }, w.confirm)));
  code.focus();
}

// While the bot answers, the customer can always ask for a person.
function showCallButton() {
  if (state.status !== 'with_bot' || state.stage === 'step_up' || !state.conversation) return;
  if (panel.querySelector('.call-operator')) return;
  panelWith(h('button', {
    type: 'button', class: 'btn call-operator',
    onclick: (e) => { e.target.disabled = true; send({ type: 'call_operator', conversation: state.conversation }); },
  }, w.call_operator));
}

function renderSuggestions(m) {
  const list = Array.isArray(m.suggestions) ? m.suggestions : [];
  if (!list.length) return null;
  return h('div', { class: 'suggestions' }, list.map((s) => h('details', { class: 'suggestion' },
    h('summary', {}, s.title),
    h('p', { class: 'msg-body' }, s.body),
    String(s.id).includes('#') ? null
      : h('p', {}, h('a', { href: `/help/articles/${encodeURIComponent(s.id)}${lang === 'en' ? '?lang=en' : ''}`, target: '_blank', rel: 'noopener' }, w.read_article)),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'btn btn-secondary btn-small', onclick: () => send({ type: 'helped', conversation: m.conversation, answer: s.id }) }, w.helped),
      h('button', {
        type: 'button', class: 'btn btn-secondary btn-small',
        onclick: (e) => { e.target.disabled = true; send({ type: 'feedback', conversation: m.conversation, article: s.id, helped: false }); },
      }, w.not_helped)))));
}

function renderOffer(m) {
  if (!Array.isArray(m.offer?.targets)) return null;
  return h('div', { class: 'actions' }, m.offer.targets.map((t) => h('button', {
    type: 'button', class: 'btn btn-danger',
    onclick: () => send({ type: 'block', conversation: m.conversation, target: t }),
  }, t === 'card' ? w.block_card : w.block_account)));
}

function author(m) {
  return { customer: w.you, bot: w.bot, system: '' }[m.author] ?? w.operator;
}

function dropPending(clientId) {
  if (!clientId) return;
  state.pending = state.pending.filter((p) => p.client_id !== clientId);
  document.getElementById(`pending-${clientId}`)?.remove();
  save();
}

function addMessage(m) {
  if (m.conversation !== state.conversation || m.seq <= state.shown) return; // never twice
  state.shown = m.seq;
  dropPending(m.client_id);
  const mine = m.author === 'customer';
  const files = (m.attachments || []).map((f) => {
    const img = String(f.content_type).startsWith('image/') ? h('img', { alt: '' }) : null;
    const link = h('a', { href: '#', download: f.file_name }, f.file_name);
    blobUrl(f.url).then((u) => { if (img) img.src = u; link.href = u; }).catch(() => {});
    return h('li', { class: 'file' }, img, link);
  });
  const who = author(m);
  log.append(h('li', { class: `msg${mine ? ' msg-mine' : ''}${m.author === 'system' ? ' msg-system' : ''}`, 'data-seq': m.seq },
    who ? h('p', { class: 'msg-author' }, who) : null,
    h('p', { class: 'msg-body' }, m.body),
    files.length ? h('ul', { class: 'files' }, files) : null,
    renderSuggestions(m), renderOffer(m)));
  if (!mine) announce(`${who}: ${m.body}`);
  log.lastElementChild.scrollIntoView({ block: 'nearest' });
}

function addPending(p) {
  log.append(h('li', { class: 'msg msg-mine msg-pending', id: `pending-${p.client_id}` },
    h('p', { class: 'msg-body' }, p.body), h('p', { class: 'muted' }, w.sending)));
}

const STATUS = () => ({ with_bot: w.with_bot, queued: w.queued, assigned: w.assigned, resolved: w.resolved, closed: w.resolved });

function onConversation(c) {
  if (state.conversation && c.conversation !== state.conversation) return;
  state.conversation = c.conversation;
  state.status = c.status;
  save();
  state.statusWord = STATUS()[c.status] || '';
  setStatus(state.statusWord);
  if (c.status === 'resolved' || c.status === 'closed') {
    state.stage = 'done';
    showComposer(false);
    panelWith(h('button', { type: 'button', class: 'btn', onclick: restart }, w.new_question));
    return;
  }
  if (c.status !== 'with_bot') {
    state.stage = 'live';
    panelWith();
  }
  if (state.stage !== 'step_up') {
    showComposer(true);
    showCallButton();
  }
}

function restart() {
  Object.assign(state, { conversation: null, status: null, shown: 0, pending: [], stage: 'topic' });
  save();
  clear(log);
  send({ type: 'topics' });
}

function onHello(f) {
  retry = 0;
  setStatus(state.statusWord);
  const open = f.conversations.filter((c) => c.status !== 'resolved' && c.status !== 'closed');
  if (!state.conversation && open.length) state.conversation = open[open.length - 1].conversation;
  if (!state.conversation) {
    // A first question never stored cannot be resent: the intake starts again.
    for (const p of [...state.pending]) dropPending(p.client_id);
    send({ type: 'topics' });
    return;
  }
  send({ type: 'resume', conversation: state.conversation, last_seq: state.shown });
  for (const p of state.pending) send({ type: 'message', conversation: state.conversation, client_id: p.client_id, body: p.body });
}

function onError(f) {
  const text = local(f.message);
  const err = $('#chat-code-error');
  if (state.stage === 'step_up' && err) err.textContent = text;
  else setStatus(text);
  if (f.code === 'conversation_not_found' && state.conversation && !f.client_id) {
    restart(); // the saved conversation is not this customer's (another sign-in)
    return;
  }
  dropPending(f.client_id);
  const call = panel.querySelector('.call-operator');
  if (call) call.disabled = false;
}

function onFrame(f) {
  switch (f.type) {
    case 'hello': onHello(f); break;
    case 'topics': if (!state.conversation) showTopics(f.lines); break;
    case 'order_required': showOrders(f.orders); break;
    case 'ready': showReady(); break;
    case 'conversation': onConversation(f); break;
    case 'message': addMessage(f); break;
    case 'ack':
      if (!state.conversation) { state.conversation = f.conversation; save(); }
      break;
    case 'joined':
      setStatus(local(f.message));
      dropPending(f.client_id);
      // A chat it joined is attached already (its frames came first).
      if (f.channel !== 'chat' && !data.embedded) panelWith(h('a', { href: `/account/requests/${encodeURIComponent(f.ticket)}` }, `${w.open_request} ${f.ticket}`));
      break;
    case 'step_up': showStepUp(f); break;
    case 'typing':
      setStatus(w.operator_typing);
      clearTimeout(typingTimer);
      typingTimer = setTimeout(() => setStatus(state.statusWord), 4000);
      break;
    case 'warning': announce(local(f.message)); setStatus(local(f.message)); break;
    case 'feedback_recorded': announce(w.thanks); setStatus(w.thanks); break;
    case 'error': onError(f); break;
    default: break;
  }
}

function connect() {
  if (!getToken()) { setStatus(w.signed_out); return; }
  const url = new URL('/api/v1/customer/chat', location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('token', getToken());
  socket = new WebSocket(url);
  socket.onmessage = (e) => {
    let f;
    try { f = JSON.parse(e.data); } catch { return; } // not a frame
    onFrame(f);
  };
  socket.onclose = (e) => {
    socket = null;
    if (e.code === 4001) { setStatus(w.signed_out); showComposer(false); return; }
    setStatus(w.reconnecting);
    retry = Math.min(retry + 1, 5);
    setTimeout(connect, 250 * 2 ** retry);
  };
}

function newClientId() {
  return `w-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

async function sendFiles(p, files) {
  try {
    setStatus(w.sending);
    await upload(`/api/v1/customer/chats/${encodeURIComponent(state.conversation)}/messages`, p, files);
    fileInput.value = '';
    chosen.textContent = '';
    input.value = '';
    setStatus(state.statusWord);
  } catch (err) {
    const fields = err instanceof ApiError ? err.fields.map((f) => local(f.message)).join(' ') : '';
    setStatus(fields || err.title || w.not_sent);
  }
}

composer.addEventListener('submit', (e) => {
  e.preventDefault();
  const body = input.value.trim();
  const files = [...fileInput.files];
  if (!body && !files.length) return;
  const p = { client_id: newClientId(), body: body || files.map((f) => f.name).join(', ') };
  if (files.length) {
    if (!state.conversation) { setStatus(w.files_later); return; }
    sendFiles(p, files);
    return;
  }
  state.pending.push(p);
  save();
  addPending(p);
  input.value = '';
  send(state.conversation
    ? { type: 'message', conversation: state.conversation, client_id: p.client_id, body: p.body }
    : { type: 'message', client_id: p.client_id, body: p.body });
});

fileInput.addEventListener('change', () => {
  chosen.textContent = [...fileInput.files].map((f) => f.name).join(', ');
});

input.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); composer.requestSubmit(); return; }
  if (state.conversation && Date.now() - typingSent > 3000) {
    typingSent = Date.now();
    send({ type: 'typing', conversation: state.conversation });
  }
});

for (const p of state.pending) addPending(p);
connect();
