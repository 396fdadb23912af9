// The customer's chat window (the full page and the widget's frame): topic →
// order or "not about an order" → the bot's answers → "Call an operator" →
// the SMS code for bank topics → the live conversation with files and typing.
//
// Delivery: every message is shown from the server's `message` frames, by
// `seq`, once; what was seen last is kept in sessionStorage, so a reload or a
// lost connection resumes from there (`resume`), and messages not yet
// acknowledged are resent with the same client_id (the server stores a
// client_id once). The box to type in appears only once the topic is chosen.

import { upload, setToken, getToken, ApiError, lang, blobUrl } from './api.js';
import { h, clear, $, announce } from './dom.js';

const data = JSON.parse($('#chat-data').textContent);
const w = data.words;

if (location.hash.startsWith('#token=')) {
  setToken(decodeURIComponent(location.hash.slice(7)));
  history.replaceState(null, '', location.pathname + location.search);
}
if (getToken()) sessionStorage.setItem('sb-chat-token', getToken());
else setToken(sessionStorage.getItem('sb-chat-token'));

const KEY = `sb-chat:${data.customer || 'embed'}`;
const saved = JSON.parse(sessionStorage.getItem(KEY) || '{}');
const state = {
  conversation: saved.conversation || null,
  status: null,
  pending: saved.pending || [], // [{client_id, body}] not yet acknowledged
  shown: 0, // highest seq on screen
  stage: 'connecting',
  step: null,
};
let socket = null;
let retry = 0;
let typingSent = 0;
let typingTimer = null;

const log = $('#chat-log');
const panel = $('#chat-panel');
const composer = $('#chat-composer');
const input = $('#chat-input');
const statusLine = $('#chat-status');

function save() {
  sessionStorage.setItem(KEY, JSON.stringify({ conversation: state.conversation, pending: state.pending }));
}

function send(frame) {
  if (socket?.readyState === WebSocket.OPEN) { socket.send(JSON.stringify(frame)); return true; }
  return false;
}

function setStatus(text) { statusLine.textContent = text || ''; }

function showComposer(on) {
  composer.hidden = !on;
  if (on) input.focus();
}

function local(t) { return (t && (t[lang] || t.ru)) || ''; }

function panelWith(...nodes) {
  clear(panel).append(...nodes);
  panel.hidden = nodes.length === 0;
}

// Topics: buttons per line; nothing can be typed before one is chosen.
function showTopics(lines) {
  state.stage = 'topic';
  showComposer(false);
  panelWith(h('h2', {}, w.choose_topic), ...lines.map((l) => h('section', { class: 'topic-group' },
    h('h3', {}, local(l.name)),
    h('div', { class: 'chips' }, l.topics.map((t) => h('button', {
      type: 'button', class: 'btn btn-secondary chip',
      onclick: () => { send({ type: 'topic', line: l.code, topic: t.code }); setStatus(''); },
    }, local(t.name)))))));
  panel.querySelector('button')?.focus();
}

function showOrders(orders) {
  state.stage = 'order';
  panelWith(h('h2', {}, w.choose_order), h('div', { class: 'chips' },
    orders.map((o) => h('button', {
      type: 'button', class: 'btn btn-secondary chip',
      onclick: () => send({ type: 'order', number: o.number }),
    }, `${o.title} — ${o.number}`)),
    h('button', { type: 'button', class: 'btn btn-secondary chip', onclick: () => send({ type: 'order', number: null }) }, w.not_about_order)));
  panel.querySelector('button')?.focus();
}

function showReady() {
  state.stage = 'ready';
  panelWith();
  showComposer(true);
  setStatus(w.ask);
}

function showStepUp(f) {
  const code = h('input', { id: 'chat-code', type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: 8, required: true });
  const err = h('p', { class: 'error', id: 'chat-code-error', hidden: true });
  code.setAttribute('aria-describedby', 'chat-code-error');
  panelWith(h('form', {
    class: 'step-up',
    onsubmit: (e) => { e.preventDefault(); state.step = err; send({ type: 'code', conversation: f.conversation, code: code.value.trim() }); },
  }, h('h2', {}, w.step_up_title), h('p', {}, `${w.step_up_text} ${f.phone}`),
  h('div', { class: 'field' }, h('label', { for: 'chat-code' }, w.code_label), code, err),
  h('button', { class: 'btn', type: 'submit' }, w.confirm)));
  code.focus();
}

function renderSuggestions(m) {
  const list = Array.isArray(m.suggestions) ? m.suggestions : [];
  if (!list.length) return null;
  return h('div', { class: 'suggestions' },
    list.map((s) => h('details', { class: 'card suggestion' },
      h('summary', {}, s.title),
      h('p', { class: 'msg-body' }, s.body),
      s.id.includes('#') ? null : h('p', {}, h('a', { href: `/help/articles/${encodeURIComponent(s.id)}`, target: '_blank', rel: 'noopener' }, w.read_article)),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => send({ type: 'helped', conversation: m.conversation, answer: s.id }) }, w.helped),
        h('button', { type: 'button', class: 'btn btn-secondary', onclick: (e) => { send({ type: 'feedback', conversation: m.conversation, article: s.id, helped: false }); e.target.disabled = true; } }, w.not_helped)))),
    state.status === 'with_bot' ? callButton(m.conversation) : null);
}

function callButton(conversation) {
  return h('button', {
    type: 'button', class: 'btn call-operator',
    onclick: (e) => { e.target.disabled = true; send({ type: 'call_operator', conversation }); },
  }, w.call_operator);
}

function renderOffer(m) {
  if (!m.offer?.targets) return null;
  return h('div', { class: 'actions' }, m.offer.targets.map((t) => h('button', {
    type: 'button', class: 'btn btn-danger',
    onclick: () => send({ type: 'block', conversation: m.conversation, target: t }),
  }, t === 'card' ? w.block_card : w.block_account)));
}

function author(m) {
  if (m.author === 'customer') return w.you;
  if (m.author === 'bot') return w.bot;
  if (m.author === 'system') return '';
  return w.operator;
}

function addMessage(m) {
  if (m.conversation !== state.conversation || m.seq <= state.shown) return; // never twice
  state.shown = m.seq;
  if (m.client_id) {
    state.pending = state.pending.filter((p) => p.client_id !== m.client_id);
    document.getElementById(`pending-${m.client_id}`)?.remove();
    save();
  }
  const mine = m.author === 'customer';
  const files = (m.attachments || []).map((f) => {
    const img = f.content_type.startsWith('image/') ? h('img', { alt: '' }) : null;
    const link = h('a', { href: '#', download: f.file_name }, f.file_name);
    blobUrl(f.url).then((u) => { if (img) img.src = u; link.href = u; }).catch(() => {});
    return h('li', { class: 'file' }, img, link);
  });
  log.append(h('li', { class: `msg${mine ? ' msg-mine' : ''}${m.author === 'system' ? ' msg-system' : ''}`, 'data-seq': m.seq },
    author(m) ? h('p', { class: 'msg-author' }, author(m)) : null,
    h('p', { class: 'msg-body' }, m.body),
    files.length ? h('ul', { class: 'files' }, files) : null,
    renderSuggestions(m), renderOffer(m)));
  if (!mine) announce(`${author(m)}: ${m.body}`);
  log.lastElementChild.scrollIntoView({ block: 'nearest' });
}

function addPending(p) {
  log.append(h('li', { class: 'msg msg-mine msg-pending', id: `pending-${p.client_id}` },
    h('p', { class: 'msg-body' }, p.body), h('p', { class: 'muted' }, w.sending)));
}

function onConversation(c) {
  if (state.conversation && c.conversation !== state.conversation) return;
  const first = !state.conversation;
  state.conversation = c.conversation;
  state.status = c.status;
  save();
  if (first) showReady();
  const words = { with_bot: w.with_bot, queued: w.queued, assigned: w.assigned, resolved: w.resolved, closed: w.resolved };
  setStatus(words[c.status] || '');
  if (c.status === 'queued' || c.status === 'assigned') {
    for (const b of log.querySelectorAll('.call-operator')) b.remove();
    panelWith();
  }
  if (c.status === 'resolved' || c.status === 'closed') {
    showComposer(false);
    panelWith(h('button', { type: 'button', class: 'btn', onclick: restart }, w.new_question));
  } else if (state.stage !== 'step_up') {
    showComposer(true);
  }
}

function restart() {
  state.conversation = null;
  state.status = null;
  state.shown = 0;
  state.pending = [];
  save();
  clear(log);
  send({ type: 'topics' });
}

function onFrame(f) {
  switch (f.type) {
    case 'hello': {
      retry = 0;
      setStatus('');
      const open = f.conversations.filter((c) => c.status !== 'resolved' && c.status !== 'closed');
      if (!state.conversation && open.length) state.conversation = open[open.length - 1].conversation;
      if (state.conversation) {
        send({ type: 'resume', conversation: state.conversation, last_seq: state.shown });
        for (const p of state.pending) send({ type: 'message', conversation: state.conversation, client_id: p.client_id, body: p.body });
      } else {
        send({ type: 'topics' });
      }
      break;
    }
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
      if (f.channel === 'chat') { state.conversation = f.ticket; save(); }
      state.pending = state.pending.filter((p) => p.client_id !== f.client_id);
      save();
      break;
    case 'step_up': state.stage = 'step_up'; showComposer(false); showStepUp(f); break;
    case 'typing':
      setStatus(w.operator_typing);
      clearTimeout(typingTimer);
      typingTimer = setTimeout(() => setStatus(''), 4000);
      break;
    case 'warning': announce(local(f.message)); setStatus(local(f.message)); break;
    case 'feedback_recorded': announce(w.thanks); break;
    case 'error':
      if (state.stage === 'step_up' && state.step) {
        state.step.textContent = local(f.message);
        state.step.hidden = false;
      } else {
        setStatus(local(f.message));
      }
      if (f.client_id) { state.pending = state.pending.filter((p) => p.client_id !== f.client_id); document.getElementById(`pending-${f.client_id}`)?.remove(); save(); }
      break;
    default: break;
  }
  if (f.type === 'conversation' && state.stage === 'step_up' && f.status !== 'with_bot') { state.stage = 'live'; panelWith(); showComposer(true); }
}

function connect() {
  const url = new URL('/api/v1/customer/chat', location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('token', getToken() || '');
  socket = new WebSocket(url);
  socket.onmessage = (e) => { try { onFrame(JSON.parse(e.data)); } catch { /* a frame we do not know */ } };
  socket.onclose = (e) => {
    if (e.code === 4001 || e.code === 1008 && !getToken()) { setStatus(w.signed_out); return; }
    setStatus(w.reconnecting);
    retry = Math.min(retry + 1, 5);
    setTimeout(connect, 500 * 2 ** retry);
  };
}

function newClientId() {
  return `w-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

composer.addEventListener('submit', async (e) => {
  e.preventDefault();
  const body = input.value.trim();
  const fileInput = $('#chat-files');
  const files = [...fileInput.files];
  if (!body && !files.length) return;
  const p = { client_id: newClientId(), body: body || files.map((f) => f.name).join(', ') };
  if (files.length) {
    if (!state.conversation) { setStatus(w.files_later); return; }
    try {
      await upload(`/api/v1/customer/chats/${encodeURIComponent(state.conversation)}/messages`, p, files);
      fileInput.value = '';
      input.value = '';
    } catch (err) {
      setStatus(err instanceof ApiError && err.fields.length ? err.fields.map((f) => f.message).join(' ') : (err.title || w.reconnecting));
    }
    return;
  }
  state.pending.push(p);
  save();
  addPending(p);
  input.value = '';
  send(state.conversation ? { type: 'message', conversation: state.conversation, client_id: p.client_id, body: p.body } : { type: 'message', client_id: p.client_id, body: p.body });
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
