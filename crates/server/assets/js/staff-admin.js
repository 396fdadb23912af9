// The admin pages (issue 12): a configuration document saved as a new
// version or rolled back, and staff accounts changed, all through the JSON
// API; a refusal is shown where it was typed (role="alert"), and the page is
// shown again as the server renders it once a change is saved.

import { post, ApiError, getToken, lang } from './api.js';
import { $ } from './dom.js';

async function send(method, path, body) {
  const r = await fetch(path, {
    method,
    headers: {
      Accept: 'application/json', 'Accept-Language': lang, Authorization: `Bearer ${getToken()}`,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify(body ?? {}),
  });
  const type = r.headers.get('content-type') || '';
  const json = type.includes('json') ? await r.json() : null;
  if (!r.ok) throw new ApiError(r.status, json);
  return json;
}

function explain(err) {
  if (!(err instanceof ApiError)) return String(err);
  const fields = err.fields.map((f) => f.message).join(' ');
  return `${err.message} ${fields}`.trim();
}

// A form that saves through the API and says how it went.
function saving(form, act) {
  const error = form.querySelector('[data-config-error]') || $('[data-staff-error]');
  const ok = form.querySelector('[data-config-ok]') || $('[data-staff-ok]');
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    ok.textContent = '';
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      const said = await act(new FormData(form));
      ok.textContent = said;
      setTimeout(() => location.reload(), 600);
    } catch (err) {
      error.textContent = explain(err);
      form.querySelector('textarea, input')?.setAttribute('aria-invalid', 'true');
    } finally {
      button.disabled = false;
    }
  });
}

const configForm = $('[data-config-form]');
if (configForm) {
  saving(configForm, async (data) => {
    const { doc, base } = configForm.dataset;
    const saved = await send('PUT', `/api/v1/admin/config/${encodeURIComponent(doc)}`, {
      base_version: Number(base), body: data.get('body'), comment: data.get('comment') || '',
    });
    return `${configForm.querySelector('[data-config-ok]').dataset.saved} ${saved.version}`;
  });
}

const rollbackForm = $('[data-rollback-form]');
if (rollbackForm) {
  saving(rollbackForm, async (data) => {
    const { doc, version, base } = rollbackForm.dataset;
    const saved = await post(`/api/v1/admin/config/${encodeURIComponent(doc)}/versions/${encodeURIComponent(version)}/rollback`, {
      base_version: Number(base), comment: data.get('comment') || '',
    });
    return `${rollbackForm.querySelector('[data-config-ok]').dataset.saved} ${saved.version}`;
  });
}

const skillsOf = (raw) => String(raw || '').split(',').map((s) => s.trim()).filter(Boolean);
const done = () => $('[data-staff-ok]')?.dataset.saved || 'OK';

for (const form of document.querySelectorAll('[data-staff-form]')) {
  const id = form.closest('[data-staff-id]').dataset.staffId;
  saving(form, async (data) => {
    await send('PUT', `/api/v1/staff/${id}`, {
      name: data.get('name'), role: data.get('role'), skills: skillsOf(data.get('skills')),
      capacity: Number(data.get('capacity')),
    });
    return done();
  });
}

for (const form of document.querySelectorAll('[data-password-form]')) {
  const id = form.closest('[data-staff-id]').dataset.staffId;
  saving(form, async (data) => {
    await send('PUT', `/api/v1/staff/${id}/password`, { password: data.get('password') });
    return done();
  });
}

const createForm = $('[data-create-form]');
if (createForm) {
  saving(createForm, async (data) => {
    await post('/api/v1/staff', {
      login: data.get('login'), name: data.get('name'), role: data.get('role'),
      skills: skillsOf(data.get('skills')), capacity: Number(data.get('capacity')), password: data.get('password'),
    });
    return done();
  });
}

document.querySelector('.staff-list')?.addEventListener('click', async (e) => {
  const b = e.target.closest('button[data-active], button[data-totp-reset], button[data-revoke]');
  if (!b) return;
  const id = b.closest('[data-staff-id]').dataset.staffId;
  const error = $('[data-staff-error]');
  const ok = $('[data-staff-ok]');
  error.textContent = '';
  try {
    if (b.dataset.active !== undefined) {
      await send('PUT', `/api/v1/staff/${id}/active`, { active: b.dataset.active === 'true' });
      setTimeout(() => location.reload(), 600);
    } else if (b.hasAttribute('data-totp-reset')) {
      await post(`/api/v1/staff/${id}/totp/reset`, {});
    } else {
      await post(`/api/v1/staff/${id}/sessions/revoke`, {});
    }
    ok.textContent = done();
  } catch (err) {
    error.textContent = explain(err);
  }
});

// The knowledge base editor: an article saved (a new one as a draft),
// published or withdrawn, deleted — through the knowledge-base API.
const listOf = (raw) => String(raw || '').split(',').map((s) => s.trim()).filter(Boolean);
const kbForm = $('[data-kb-form]');
if (kbForm) {
  const error = kbForm.querySelector('[data-kb-error]');
  const ok = kbForm.querySelector('[data-kb-ok]');
  const id = kbForm.dataset.id;
  const path = (suffix = '') => `/api/v1/kb/articles/${encodeURIComponent(id)}${suffix}`;
  const shown = (err) => {
    error.textContent = explain(err);
    ok.textContent = '';
  };
  kbForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    const data = new FormData(kbForm);
    const article = {
      section: data.get('section'),
      topics: listOf(data.get('topics')),
      title: { ru: data.get('title_ru'), en: data.get('title_en') || '' },
      body: { ru: data.get('body_ru'), en: data.get('body_en') || '' },
      keywords: listOf(data.get('keywords')),
    };
    const button = kbForm.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      if (id) {
        await send('PUT', path(), article);
        ok.textContent = ok.dataset.saved;
        setTimeout(() => location.reload(), 600);
      } else {
        const saved = await post('/api/v1/kb/articles', { ...article, id: data.get('id') });
        location.assign(`/staff/admin/kb/articles/${encodeURIComponent(saved.id)}`);
      }
    } catch (err) {
      shown(err);
    } finally {
      button.disabled = false;
    }
  });
  kbForm.addEventListener('click', async (e) => {
    const publish = e.target.closest('button[data-kb-publish]');
    const remove = e.target.closest('button[data-kb-delete]');
    if (!publish && !remove) return;
    error.textContent = '';
    try {
      if (publish) {
        await post(path(publish.dataset.kbPublish === 'true' ? '/publish' : '/unpublish'), {});
        location.reload();
      } else if (window.confirm(remove.dataset.confirm)) {
        await send('DELETE', path());
        ok.textContent = ok.dataset.deleted;
        location.assign('/staff/admin/kb');
      }
    } catch (err) {
      shown(err);
    }
  });
}

// The documents' forms: a topic added to the catalog, a holiday to the
// calendars — each saved as a new version through the configuration API.
const topicForm = $('[data-topic-form]');
if (topicForm) {
  saving(topicForm, async (data) => {
    const problems = String(data.get('problems') || '').split('\n').map((l) => l.trim()).filter(Boolean)
      .map((l) => {
        const [code, ru, en] = l.split('|').map((s) => s.trim());
        return { code: code || '', name: { ru: ru || '', en: en || '' } };
      });
    const saved = await post('/api/v1/admin/config/catalog/topics', {
      base_version: Number(topicForm.dataset.base), line: data.get('line'), code: data.get('code'),
      name: { ru: data.get('name_ru'), en: data.get('name_en') || '' }, skill: data.get('skill') || null,
      sla: data.get('sla'), order_expected: data.get('order_expected') === 'on',
      urgent_allowed: data.get('urgent_allowed') === 'on', problems,
    });
    return `${topicForm.querySelector('[data-config-ok]').dataset.saved} ${saved.version}`;
  });
}

const holidayForm = $('[data-holiday-form]');
if (holidayForm) {
  saving(holidayForm, async (data) => {
    const saved = await post('/api/v1/admin/config/calendars/holidays', {
      base_version: Number(holidayForm.dataset.base), set: data.get('set'), date: data.get('date'),
    });
    return `${holidayForm.querySelector('[data-config-ok]').dataset.saved} ${saved.version}`;
  });
}

// An SLA policy's targets, saved as a new version of the SLA document.
for (const form of document.querySelectorAll('[data-policy-form]')) {
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const error = $('[data-policy-error]');
    const ok = $('[data-policy-ok]');
    error.textContent = '';
    ok.textContent = '';
    const data = new FormData(form);
    const text = (name) => String(data.get(name) || '').trim();
    const share = text('at_risk').replace(',', '.');
    const button = form.querySelector('button');
    button.disabled = true;
    try {
      const saved = await send('PUT', `/api/v1/admin/config/sla/policies/${encodeURIComponent(form.dataset.code)}`, {
        base_version: Number(form.dataset.base), first_response: text('first_response'),
        next_response: text('next_response'), resolution: text('resolution'),
        at_risk: share === '' ? null : Number(share),
      });
      ok.textContent = `${ok.dataset.saved} ${saved.version}`;
      setTimeout(() => location.reload(), 600);
    } catch (err) {
      error.textContent = `${form.dataset.code}: ${explain(err)}`;
    } finally {
      button.disabled = false;
    }
  });
}

// The priority a rule gives (or the default), saved as a new version.
for (const form of document.querySelectorAll('[data-rule-form]')) {
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const error = $('[data-rule-error]');
    const ok = $('[data-rule-ok]');
    error.textContent = '';
    ok.textContent = '';
    const button = form.querySelector('button');
    button.disabled = true;
    try {
      const saved = await send('PUT', `/api/v1/admin/config/priority/rules/${encodeURIComponent(form.dataset.code)}`, {
        base_version: Number(form.dataset.base), priority: new FormData(form).get('priority'),
      });
      ok.textContent = `${ok.dataset.saved} ${saved.version}`;
      setTimeout(() => location.reload(), 600);
    } catch (err) {
      error.textContent = `${form.dataset.code}: ${explain(err)}`;
    } finally {
      button.disabled = false;
    }
  });
}
