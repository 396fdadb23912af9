// The operator console, live: one socket for the whole session (presence,
// new messages, typing, queue changes), the lists re-rendered by the server
// (/staff/lists) and the conversation pane swapped in without a reload
// (/staff/pane/N), so the socket — and with it the operator's presence and
// chats — stays up while they move between conversations. Everything
// anyone typed reaches the page as text (dom.js) or as HTML the server
// escaped.

import { get, post, upload, ApiError, lang } from './api.js';
import { h, clear, $, announce } from './dom.js';

const root = $('[data-console]');
const pane = $('[data-pane]');
const listsBox = $('[data-lists]');
const liveState = $('[data-live-state]');
const presence = $('[data-presence]');
const me = $('meta[name="sb-operator"]')?.content;

let socket = null;
let backoff = 500;
let typingTimer = null;
let lastTypingSent = 0;

// --- the conversation pane -------------------------------------------------

function conv() { return $('[data-conversation]', pane); }
function number() { return conv()?.dataset.conversation || null; }

function lastSeq() { return Number(conv()?.dataset.lastSeq || 0); }

function setLastSeq(seq) {
  const c = conv();
  if (c && seq > lastSeq()) c.dataset.lastSeq = String(seq);
}

function attachmentNodes(files) {
  if (!files?.length) return null;
  return h('ul', { class: 'files' }, files.map((f) => h('li', {},
    (f.content_type || '').startsWith('image/')
      ? h('a', { href: f.url, target: '_blank', rel: 'noopener' },
        h('img', { class: 'preview', src: f.url, alt: f.file_name, loading: 'lazy' }))
      : null,
    h('a', { href: f.url, download: f.file_name }, f.file_name))));
}

const AUTHOR = {
  ru: { customer: 'Клиент', contact: 'Клиент', operator: 'Оператор', bot: 'Бот', system: 'Система', note: 'Внутренняя заметка' },
  en: { customer: 'Customer', contact: 'Customer', operator: 'Operator', bot: 'Bot', system: 'System', note: 'Internal note' },
}[lang];

function showMessage(m) {
  const list = $('[data-messages]', pane);
  if (!list || m.conversation !== number()) return;
  if (m.seq <= lastSeq()) return; // already on screen
  if (m.seq > lastSeq() + 1) { openConversation(number(), false); return; } // a gap: re-read
  const at = new Date(m.at);
  const node = h('li', { class: `msg msg-${m.author}${m.internal ? ' msg-note' : ''}`, 'data-seq': m.seq },
    h('p', { class: 'msg-head' },
      h('span', { class: 'msg-author' }, AUTHOR[m.author] || m.author),
      m.internal ? [' ', h('span', { class: 'note-label' }, AUTHOR.note)] : null,
      ' ', h('time', { datetime: m.at }, Number.isNaN(at.getTime()) ? '' : at.toLocaleTimeString(lang === 'en' ? 'en-GB' : 'ru-RU'))),
    h('p', { class: 'msg-body' }, m.body),
    attachmentNodes(m.attachments));
  list.append(node);
  setLastSeq(m.seq);
  node.scrollIntoView({ block: 'nearest' });
  hideTyping();
  if (m.author === 'customer' || m.author === 'contact') announce(`${AUTHOR.customer}: ${m.body}`);
  window.__sbLastMessageShown = { seq: m.seq, body: m.body, at: performance.now() };
}

function hideTyping() {
  const t = $('[data-typing]', pane);
  if (t) t.hidden = true;
}

function showTyping() {
  const t = $('[data-typing]', pane);
  if (!t) return;
  t.hidden = false;
  clearTimeout(typingTimer);
  typingTimer = setTimeout(hideTyping, 4000);
}

async function fetchHtml(path) {
  const r = await fetch(path, { headers: { 'Accept-Language': lang } });
  if (!r.ok) throw new ApiError(r.status, null);
  return new DOMParser().parseFromString(await r.text(), 'text/html').body;
}

async function openConversation(n, push = true) {
  try {
    const body = await fetchHtml(`/staff/pane/${encodeURIComponent(n)}${lang === 'en' ? '?lang=en' : ''}`);
    // A refresh of the open ticket keeps what the operator is typing.
    const same = n === number();
    const draft = same ? $('[data-reply]', pane)?.value : '';
    const typingHere = same && document.activeElement?.matches?.('[data-reply]');
    pane.replaceChildren(...body.childNodes);
    const box = $('[data-reply]', pane);
    if (box && draft) box.value = draft;
    if (push) history.pushState({ n }, '', `/staff/tickets/${encodeURIComponent(n)}?${listsBox.dataset.query}`);
    document.title = `${n} — ${document.title.split(' — ').slice(-2).join(' — ')}`;
    wirePane();
    markSelected(n);
    attach();
    if (push || typingHere) box?.focus();
  } catch (e) {
    showError('[data-action-error]', e);
  }
}

function markSelected(n) {
  for (const a of listsBox.querySelectorAll('a[data-ticket]')) {
    const on = a.dataset.ticket === n;
    a.closest('li')?.classList.toggle('row-selected', on);
    if (on) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
}

let refreshTimer = null;
function refreshLists() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(async () => {
    try {
      const q = `${listsBox.dataset.query}&selected=${encodeURIComponent(number() || '')}${lang === 'en' ? '&lang=en' : ''}`;
      const body = await fetchHtml(`/staff/lists?${q}`);
      listsBox.replaceChildren(...body.childNodes);
    } catch { /* the next change refreshes again */ }
  }, 150);
}

// --- acting ------------------------------------------------------------------

function showError(selector, e) {
  const box = $(selector, pane) || $(selector);
  if (!box) return;
  box.textContent = e instanceof ApiError ? (e.message || e.title || e.code) : String(e);
}

function clearError(selector) {
  const box = $(selector, pane);
  if (box) box.textContent = '';
}

async function act(path, body) {
  const n = number();
  if (!n) return;
  clearError('[data-action-error]');
  try {
    await post(`/api/v1/tickets/${encodeURIComponent(n)}/${path}`, body);
    await openConversation(n, false);
    refreshLists();
  } catch (e) {
    showError('[data-action-error]', e);
  }
}

async function send(internal) {
  const n = number();
  const box = $('[data-reply]', pane);
  const filesInput = $('[data-files]', pane);
  if (!n || !box) return;
  const text = box.value.trim();
  const files = filesInput ? [...filesInput.files] : [];
  if (!text && !files.length) return;
  clearError('[data-reply-error]');
  const path = `/api/v1/tickets/${encodeURIComponent(n)}/${internal ? 'notes' : 'replies'}`;
  try {
    if (files.length) await upload(path, { body: text }, files);
    else await post(path, { body: text });
    box.value = '';
    if (filesInput) filesInput.value = '';
    await openConversation(n, false);
    refreshLists();
  } catch (e) {
    // A reply the judgement blocks is explained where it was typed; the text stays.
    showError('[data-reply-error]', e);
    box.focus();
  }
}

// Canned replies: typing "/" and the start of a title in the reply box
// lists them, filled for this ticket's customer; a click puts one in.
async function canned(box) {
  const list = $('[data-canned]', pane);
  if (!list) return;
  const m = /^\/(\S*)$/.exec(box.value);
  if (!m) { list.hidden = true; return; }
  let items = [];
  try { items = await get(`/api/v1/canned?q=${encodeURIComponent(m[1])}&ticket=${encodeURIComponent(number())}`); } catch { items = []; }
  clear(list);
  for (const c of items) {
    list.append(h('li', {}, h('button', {
      type: 'button', class: 'btn-link', 'data-canned-id': c.id,
      onclick: () => { box.value = c.filled || c.body; list.hidden = true; box.focus(); },
    }, c.title)));
  }
  list.hidden = items.length === 0;
}

async function kbSearch(input) {
  const out = $('[data-kb-results]', pane);
  if (!out) return;
  const q = input.value.trim();
  clear(out);
  if (q.length < 2) return;
  try {
    const hits = await get(`/api/v1/kb/search?q=${encodeURIComponent(q)}&drafts=false&limit=5&lang=${lang}`);
    for (const hit of hits) {
      const link = new URL(hit.url || `/help/articles/${hit.article_id}`, location.origin).href;
      out.append(h('li', {},
        h('a', { href: link, target: '_blank', rel: 'noopener' }, hit.title), ' ',
        h('button', {
          type: 'button', class: 'btn-link', 'data-kb-insert': hit.article_id,
          onclick: () => {
            const box = $('[data-reply]', pane);
            if (!box) return;
            box.value = `${box.value}${box.value && !box.value.endsWith('\n') ? '\n' : ''}${hit.title}: ${link}`;
            box.focus();
          },
        }, out.dataset.insert)));
    }
  } catch (e) {
    out.append(h('li', { class: 'form-error' }, e.message));
  }
}

function wirePane() {
  const c = conv();
  if (!c) return;
  for (const b of pane.querySelectorAll('[data-action]')) {
    b.addEventListener('click', () => act(b.dataset.action, {}));
  }
  for (const f of pane.querySelectorAll('form[data-form]')) {
    f.addEventListener('submit', (e) => {
      e.preventDefault();
      const data = new FormData(f);
      if (f.dataset.form === 'assign') act('assign', { operator_id: Number(data.get('operator_id')) });
      if (f.dataset.form === 'priority') act('priority', { priority: data.get('priority') });
      if (f.dataset.form === 'topic') {
        const [line, topic] = String(data.get('topic')).split('/');
        act('transfer', { line, topic });
      }
      if (f.dataset.form === 'merge') act('merge', { into: String(data.get('into')).trim() });
    });
  }
  const composer = $('[data-composer]', pane);
  const box = $('[data-reply]', pane);
  composer?.addEventListener('submit', (e) => { e.preventDefault(); send(false); });
  $('[data-note]', pane)?.addEventListener('click', () => send(true));
  box?.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); send(false); }
  });
  box?.addEventListener('input', () => {
    canned(box);
    const now = Date.now();
    if (socket?.readyState === WebSocket.OPEN && now - lastTypingSent > 2000) {
      lastTypingSent = now;
      socket.send(JSON.stringify({ type: 'typing', conversation: number() }));
    }
  });
  const kb = $('[data-kb-query]', pane);
  let kbTimer = null;
  kb?.addEventListener('input', () => { clearTimeout(kbTimer); kbTimer = setTimeout(() => kbSearch(kb), 250); });
}

// --- the socket --------------------------------------------------------------

function attach() {
  const n = number();
  // Live conversations (chat, messengers) stream over the socket.
  if (n && conv()?.dataset.live === 'true' && socket?.readyState === WebSocket.OPEN) {
    socket.send(JSON.stringify({ type: 'resume', conversation: n, last_seq: lastSeq() }));
  }
}

function setLive(ok) {
  if (!liveState) return;
  liveState.textContent = ok ? liveState.dataset.ok : liveState.dataset.lost;
  liveState.classList.toggle('live-lost', !ok);
}

function onFrame(f) {
  switch (f.type) {
    case 'hello':
      setLive(true);
      backoff = 500;
      attach();
      break;
    case 'message':
      showMessage(f);
      if (f.conversation !== number()) refreshLists();
      break;
    case 'typing':
      if (f.conversation === number() && f.from !== 'operator') showTyping();
      break;
    case 'queued': case 'assigned': case 'unassigned': case 'conversation':
      refreshLists();
      if (f.type === 'assigned' || f.type === 'unassigned') {
        const load = $('[data-load]');
        const now = Number(load?.textContent || 0) + (f.type === 'assigned' ? 1 : -1);
        if (load) load.textContent = String(Math.max(0, now));
        if (f.type === 'assigned') announce(f.conversation);
      }
      break;
    case 'presence':
      presence.value = f.status;
      break;
    case 'alert':
      announce(`${f.event?.kind || 'alert'} ${f.ticket || ''}`);
      refreshLists();
      break;
    case 'error':
      if (f.code === 'assigned_to_someone_else' || f.code === 'not_found') break;
      if (f.message) liveState.textContent = typeof f.message === 'string' ? f.message : (f.message[lang] || f.message.ru);
      break;
    default:
      break;
  }
}

function connect() {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/chat/console`;
  socket = new WebSocket(url); // the session cookie signs it in; no token in the URL
  socket.addEventListener('message', (e) => {
    try { onFrame(JSON.parse(e.data)); } catch { /* ignore a frame we cannot read */ }
  });
  socket.addEventListener('close', () => {
    setLive(false);
    setTimeout(connect, backoff);
    backoff = Math.min(backoff * 2, 10000);
  });
}

// --- wiring --------------------------------------------------------------------

// The status shown is the server's (rendered, then `presence` frames); it is
// sent only when the operator changes it, so opening another tab or
// reconnecting never changes it behind their back.
presence?.addEventListener('change', () => {
  if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'presence', status: presence.value }));
});

listsBox?.addEventListener('click', (e) => {
  const a = e.target.closest('a[data-ticket]');
  if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
  e.preventDefault();
  openConversation(a.dataset.ticket);
});

window.addEventListener('popstate', () => {
  const m = /^\/staff\/tickets\/([^/?]+)/.exec(location.pathname);
  if (m) openConversation(decodeURIComponent(m[1]), false);
});

function step(dir) {
  const links = [...listsBox.querySelectorAll('a[data-ticket]')];
  if (!links.length) return;
  const i = links.findIndex((a) => a.dataset.ticket === number());
  const next = links[(i + dir + links.length) % links.length];
  openConversation(next.dataset.ticket);
}

document.addEventListener('keydown', (e) => {
  if (!e.altKey || !e.shiftKey) return;
  const key = e.key.toLowerCase();
  const actions = {
    t: () => $('[data-action="take"]', pane)?.click(),
    r: () => $('[data-action="resolve"]', pane)?.click(),
    n: () => $('[data-note]', pane)?.click(),
    k: () => $('[data-kb-query]', pane)?.focus(),
    j: () => step(1),
  };
  // Alt+Shift+K is the knowledge base; the previous ticket is Alt+Shift+P too.
  if (key === 'p') { e.preventDefault(); step(-1); return; }
  if (actions[key]) { e.preventDefault(); actions[key](); }
});

if (root) {
  wirePane();
  connect();
  void me;
}
