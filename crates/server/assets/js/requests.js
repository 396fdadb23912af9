// A request's page: reply (with files), reopen and claim go to the JSON API;
// on success the page reloads to show the dialogue as the server has it.

import { post, upload, ApiError } from './api.js';
import { $ } from './dom.js';

const data = JSON.parse($('#request-data').textContent);
const base = `/api/v1/customer/tickets/${encodeURIComponent(data.number)}`;
const summary = $('#summary');

function showError(form, text) {
  const el = form.querySelector('.error');
  if (el) { el.textContent = text; el.hidden = false; }
  form.querySelector('textarea')?.setAttribute('aria-invalid', 'true');
  summary.textContent = text;
  summary.hidden = false;
  summary.focus();
}

async function onSubmit(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const body = form.querySelector('textarea').value;
  if (!body.trim()) { showError(form, data.required); return; }
  const button = form.querySelector('button[type="submit"]');
  const label = button.textContent;
  button.disabled = true;
  button.textContent = data.sending;
  try {
    const input = form.querySelector('input[type="file"]');
    const files = input ? [...input.files] : [];
    const path = `${base}/${form.dataset.action}`;
    if (files.length) await upload(path, { body }, files);
    else await post(path, { body });
    window.location.reload();
  } catch (e) {
    const err = e instanceof ApiError ? e : new ApiError(0, null);
    const field = err.fields.map((f) => f.message).join(' ');
    showError(form, err.status === 0 ? data.network : (field || err.title || err.message));
    button.disabled = false;
    button.textContent = label;
  }
}

for (const form of document.querySelectorAll('form.act')) form.addEventListener('submit', onSubmit);
