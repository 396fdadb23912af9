// "Contact us": line → topic → problem (with "Other" always last), the
// customer's orders for purchase topics, up to 5 files checked before
// sending and previewed, reply channel, "urgent" where the topic allows it.
// Sends multipart to the JSON API with upload progress; the server's
// per-field errors are shown next to their fields.

import { upload, ApiError } from './api.js';
import { h, clear, $, announce, moscowTime } from './dom.js';

const data = JSON.parse($('#contact-data').textContent);
const w = data.words;
const form = $('#contact');
const summary = $('#summary');
const TYPES = /^(image\/(png|jpeg|gif|webp|heif|heic)|application\/pdf|text\/plain)$/;
let files = [];
const FILE_CODES = ['too_many_files', 'file_too_large', 'empty_file', 'file_type_not_allowed'];

function options(select, items, placeholder) {
  clear(select);
  select.append(h('option', { value: '' }, placeholder));
  for (const it of items) select.append(h('option', { value: it.value }, it.label));
  select.disabled = items.length === 0;
}

const line = () => data.lines.find((l) => l.code === $('#line').value);
const topic = () => line()?.topics.find((t) => t.code === $('#topic').value);

function onLine() {
  options($('#topic'), (line()?.topics || []).map((t) => ({ value: t.code, label: t.name })), w.choose);
  onTopic();
}

function onTopic() {
  const t = topic();
  const problems = (t?.problems || []).map((p) => ({ value: p.code, label: p.name }));
  if (t) problems.push({ value: 'other', label: w.other });
  options($('#problem'), problems, w.choose);
  $('#order-field').hidden = !t?.order;
  $('#urgent-field').hidden = !t?.urgent;
  if (!t?.urgent) $('#urgent').checked = false;
  onProblem();
}

function onProblem() {
  $('#other-field').hidden = $('#problem').value !== 'other';
}

function fieldError(name, message) {
  const el = document.getElementById(`${name}-error`);
  const input = document.getElementById(name);
  if (!el) return false;
  el.textContent = message || '';
  el.hidden = !message;
  if (input) input.setAttribute('aria-invalid', message ? 'true' : 'false');
  return !!message;
}

function clearErrors() {
  for (const el of form.querySelectorAll('.error')) { el.hidden = true; el.textContent = ''; }
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  summary.hidden = true;
}

function fileProblem(f) {
  if (f.size === 0) return w.err_empty;
  if (f.size > data.max_file_bytes) return w.err_too_large;
  if (f.type && !TYPES.test(f.type)) return w.err_type;
  return null;
}

function renderFiles() {
  const list = clear($('#file-list'));
  files.forEach((f, i) => {
    const preview = f.type.startsWith('image/') ? h('img', { src: URL.createObjectURL(f), alt: '' }) : null;
    list.append(h('li', { class: 'file' }, preview,
      h('span', {}, f.name, ' ', h('small', {}, `${Math.ceil(f.size / 1024)} KB`)),
      h('button', {
        type: 'button', class: 'btn-link', 'aria-label': `${w.remove}: ${f.name}`,
        onclick: () => { files.splice(i, 1); renderFiles(); fieldError('files', null); },
      }, w.remove)));
  });
}

function onFiles(event) {
  const chosen = [...event.target.files];
  event.target.value = '';
  const problems = [];
  for (const f of chosen) {
    const p = fileProblem(f);
    if (p) { problems.push(`${f.name}: ${p}`); continue; }
    if (files.length >= data.max_files) { problems.push(w.err_too_many); break; }
    files.push(f);
  }
  fieldError('files', problems.join(' '));
  renderFiles();
}

function validate() {
  let bad = false;
  for (const name of ['line', 'topic', 'problem', 'description']) {
    bad = fieldError(name, document.getElementById(name).value.trim() ? null : w.err_required) || bad;
  }
  if ($('#problem').value === 'other') {
    bad = fieldError('problem_text', $('#problem_text').value.trim() ? null : w.err_required) || bad;
  }
  if (topic()?.order) {
    bad = fieldError('order_number', $('#order_number').value ? null : w.err_required) || bad;
  }
  return !bad;
}

function showSummary(text) {
  summary.textContent = text;
  summary.hidden = false;
  summary.focus();
}

function done(ticket) {
  form.hidden = true;
  $('#done-number').textContent = ticket.number;
  $('#done-joined').hidden = !ticket.duplicate_of;
  $('#done-due').textContent = ticket.reply_due_at
    ? `${w.done_due} ${moscowTime(ticket.reply_due_at)} ${w.timezone_note}`
    : w.done_due_none;
  const notices = clear($('#done-notices'));
  for (const n of [...(ticket.warnings || []), ...(ticket.notices || [])]) {
    notices.append(h('p', {}, n.message?.[document.documentElement.lang] || n.message?.ru || ''));
  }
  $('#done').hidden = false;
  $('#done').focus();
}

async function onSubmit(event) {
  event.preventDefault();
  clearErrors();
  if (!validate()) { showSummary(w.err_summary); return; }
  const t = topic();
  const body = {
    line: $('#line').value,
    topic: $('#topic').value,
    problem: $('#problem').value,
    description: $('#description').value,
    reply_channel: form.querySelector('input[name="reply_channel"]:checked')?.value || 'email',
    urgent: !!(t?.urgent && $('#urgent').checked),
  };
  if (body.problem === 'other') body.problem_text = $('#problem_text').value;
  if (t?.order) body.order_number = $('#order_number').value;
  const submit = $('#submit');
  const progress = $('#progress');
  submit.disabled = true;
  submit.textContent = w.sending;
  progress.hidden = files.length === 0;
  try {
    const ticket = await upload('/api/v1/customer/tickets', body, files, (p) => { progress.value = p; });
    done(ticket);
    announce(`${w.done_title}: ${ticket.number}`);
  } catch (e) {
    const err = e instanceof ApiError ? e : new ApiError(0, null);
    // The server's file checks answer with a code, not a field.
    let placed = FILE_CODES.includes(err.code) && fieldError('files', err.message);
    for (const f of err.fields) {
      // The API names the uploads' field "attachments".
      const name = ['attachments', 'file', 'files'].includes(f.field) ? 'files' : f.field;
      placed = fieldError(name, f.message || err.message) || placed;
    }
    showSummary(err.status === 0 ? w.err_network : (placed ? w.err_summary : err.message));
  } finally {
    submit.disabled = false;
    submit.textContent = w.submit;
    progress.hidden = true;
  }
}

options($('#line'), data.lines.map((l) => ({ value: l.code, label: l.name })), w.choose);
options($('#order_number'), data.orders.map((o) => ({
  value: o.number,
  label: `${o.title} — ${o.number}, ${new Date(o.placed_at).toLocaleDateString(document.documentElement.lang === 'en' ? 'en-GB' : 'ru-RU')}`,
})), w.choose);
$('#line').addEventListener('change', onLine);
$('#topic').addEventListener('change', onTopic);
$('#problem').addEventListener('change', onProblem);
$('#files').addEventListener('change', onFiles);
form.addEventListener('submit', onSubmit);
if (data.lines.length === 1) { $('#line').value = data.lines[0].code; onLine(); }
form.hidden = false;
