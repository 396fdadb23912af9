// Canned replies: add (personal, or shared for supervisors) and remove
// through the JSON API, then show the page again as the server renders it.

import { post, ApiError, getToken, lang } from './api.js';
import { $ } from './dom.js';

const form = $('[data-canned-form]');
const error = $('[data-canned-error]');

form?.addEventListener('submit', async (e) => {
  e.preventDefault();
  const data = new FormData(form);
  try {
    await post('/api/v1/canned', { title: data.get('title'), body: data.get('body'), shared: data.get('shared') === 'on' });
    location.reload();
  } catch (err) {
    const fields = err instanceof ApiError ? err.fields.map((f) => f.message).join(' ') : '';
    error.textContent = err instanceof ApiError ? `${err.message} ${fields}`.trim() : String(err);
  }
});

$('[data-canned-list]')?.addEventListener('click', async (e) => {
  const b = e.target.closest('button[data-delete]');
  if (!b) return;
  const r = await fetch(`/api/v1/canned/${encodeURIComponent(b.dataset.delete)}`, {
    method: 'DELETE', headers: { Authorization: `Bearer ${getToken()}`, 'Accept-Language': lang },
  });
  if (r.ok) b.closest('li')?.remove();
  else error.textContent = `HTTP ${r.status}`;
});
