// The supervisor dashboard, live: the figures (queues, deadlines, operators,
// alerts) are re-rendered by the server (/staff/dashboard/figures) when the
// console socket reports a change (an alert, a ticket queued or assigned)
// and every 10 seconds for the waiting times; the charts are images the
// server draws, reloaded every minute. Reassigning goes through the JSON API
// (POST /api/v1/tickets/{n}/assign) like any client.

import { post, ApiError, lang } from './api.js';
import { $, announce } from './dom.js';

const box = $('[data-figures]');
const errorBox = () => $('[data-reassign-error]');

let pending = null;
let busy = false;

async function refresh() {
  // Never replace the figures under a supervisor who is choosing someone.
  if (busy || box.contains(document.activeElement) && document.activeElement.matches('select')) return;
  busy = true;
  try {
    const r = await fetch(`/staff/dashboard/figures${lang === 'en' ? '?lang=en' : ''}`, { headers: { 'Accept-Language': lang } });
    if (r.ok) {
      const body = new DOMParser().parseFromString(await r.text(), 'text/html').body;
      box.replaceChildren(...body.childNodes);
      box.dataset.refreshed = String(Date.now());
    }
  } finally {
    busy = false;
  }
}

function soon() {
  clearTimeout(pending);
  pending = setTimeout(refresh, 300);
}

box?.addEventListener('submit', async (e) => {
  const form = e.target.closest('form[data-reassign]');
  if (!form) return;
  e.preventDefault();
  const n = form.dataset.reassign;
  const operator = Number(new FormData(form).get('operator_id'));
  errorBox().textContent = '';
  try {
    await post(`/api/v1/tickets/${encodeURIComponent(n)}/assign`, { operator_id: operator });
    const name = form.querySelector('select option:checked')?.textContent || '';
    announce(`${n} → ${name}`);
    form.closest('li')?.setAttribute('data-reassigned', String(operator));
    soon();
  } catch (err) {
    const fields = err instanceof ApiError ? err.fields.map((f) => f.message).join(' ') : '';
    errorBox().textContent = err instanceof ApiError ? `${n}: ${err.message} ${fields}`.trim() : String(err);
  }
});

let backoff = 500;
function connect() {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/chat/console`;
  const socket = new WebSocket(url); // the session cookie signs it in
  socket.addEventListener('message', (e) => {
    let f;
    try { f = JSON.parse(e.data); } catch { return; }
    if (f.type === 'hello') backoff = 500;
    if (f.type === 'alert') announce(`${f.event?.kind || ''} ${f.ticket || ''}`.trim());
    if (['alert', 'queued', 'assigned', 'unassigned', 'conversation', 'presence'].includes(f.type)) soon();
  });
  socket.addEventListener('close', () => {
    setTimeout(connect, backoff);
    backoff = Math.min(backoff * 2, 10000);
  });
}

if (box) {
  connect();
  setInterval(refresh, 10000);
  setInterval(() => {
    for (const img of document.querySelectorAll('img[data-chart]')) {
      const u = new URL(img.src);
      u.searchParams.set('t', String(Date.now()));
      img.src = u.toString();
    }
  }, 60000);
}
