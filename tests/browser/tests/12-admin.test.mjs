// The admin pages (issue 12) in real Chromium: an admin adds a topic to the
// catalog (a bad edit is refused where it was typed and changes nothing),
// sees the new version's diff, and gives an operator the topic's skill; a
// customer's chat on that topic is then routed to that operator, without a
// restart. Hostile comments stay text. A knowledge base article is written
// as a draft, previewed, published to the help centre, withdrawn and deleted.
// Every page is checked with axe-core and photographed.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE, launch, person, check, noProblems, api, HOSTILE, notPwned, staffLogin,
} from '../lib/harness.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function signIn(page, login, password = `${login}-demo`) {
  await page.goto(`${BASE}/staff`);
  await page.waitForURL(/\/staff\/sign-in/);
  await page.getByLabel(/Логин|Login/).fill(login);
  await page.getByLabel(/Пароль|Password/).fill(password);
  await page.getByRole('button', { name: /Войти|Sign in/ }).click();
  await page.waitForURL(`${BASE}/staff`);
}

// An admin pastes a whole document: the box's value is set at once, with
// the input event a paste fires. (Typing ~100 KB through the input pipeline,
// as fill() does, outlasts the action timeout on a loaded machine.)
async function paste(locator, value) {
  await locator.evaluate((el, v) => {
    el.focus();
    el.value = v;
    el.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
  }, value);
}

const customerToken = async (id) => {
  const who = await person(browser);
  const page = await who.page();
  await page.goto(`${BASE}/demo`);
  await page.locator(`form:has(input[name="customer"][value="${id}"]) button`).click();
  await page.waitForURL(/\/account/);
  const token = await page.locator('meta[name="sb-token"]').getAttribute('content');
  await who.context.close();
  return token;
};

// The new topic goes last in the cross-border line (before the partners'
// line), so the other tests' menus keep their order.
const GIFTS = '[[line.topic]]\ncode = "gift_cards"\nname = { ru = "Подарочные карты", en = "Gift cards" }\nskill = "gifts"\n\n'
  + '[[line.topic.problem]]\ncode = "not_activated"\nname = { ru = "Карта не активирована", en = "The card is not activated" }\n\n';
const withGifts = (text) => {
  const at = text.indexOf('[[line]]\ncode = "partners"');
  assert.ok(at > 0, 'the demo catalog has the partners line');
  return text.slice(0, at) + GIFTS + text.slice(at);
};

test('an admin adds a topic and an operator skill; a chat on it is routed to that operator', async () => {
  const admin = await person(browser);
  const page = await admin.page();
  await signIn(page, 'admin');
  await page.getByRole('link', { name: 'Администрирование' }).click();
  await page.getByRole('heading', { name: 'Администрирование' }).waitFor();
  await check(page, 'admin-home');

  await page.getByRole('link', { name: 'Линии, темы и проблемы' }).click();
  await page.getByRole('heading', { name: 'Линии, темы и проблемы' }).waitFor();
  const text = page.getByLabel(/Текст документа/);
  const original = await text.inputValue();
  // A broken edit: refused where it was typed, nothing saved.
  await paste(text, original.replace('code = "ordering"', 'code = "delivery"'));
  await page.getByRole('button', { name: 'Сохранить новую версию' }).click();
  await page.getByRole('alert').filter({ hasText: '(catalog)' }).waitFor();
  assert.equal((await api('GET', '/api/v1/catalog')).json.length > 0, true);
  await check(page, 'admin-config-refused');

  await paste(text, withGifts(original));
  await page.getByLabel('Комментарий к правке').fill(`Подарочные карты ${HOSTILE}`);
  await Promise.all([
    page.waitForNavigation(),
    page.getByRole('button', { name: 'Сохранить новую версию' }).click(),
  ]);
  await page.locator('[data-catalog-overview] code', { hasText: 'gift_cards' }).first().waitFor({ state: 'attached' });
  await page.locator('[data-config-history] td', { hasText: '<script>' }).first().waitFor();
  await notPwned(page);
  await check(page, 'admin-config-catalog');
  // The form offers the topic at once (no restart).
  const lines = (await api('GET', '/api/v1/catalog')).json;
  assert.ok(lines.find((l) => l.code === 'crossborder').topics.some((t) => t.code === 'gift_cards'));

  // The new version's diff shows what was added.
  const newest = await page.locator('[data-config-form]').getAttribute('data-base');
  await page.goto(`${BASE}/staff/admin/config/catalog/versions/${newest}`);
  await page.locator('[data-diff] .diff-ins', { hasText: 'code = "gift_cards"' }).waitFor();
  await check(page, 'admin-config-version');

  // The operator gets the skill.
  await page.goto(`${BASE}/staff/admin/staff`);
  const card = page.locator('[data-login="operator"]');
  const skills = card.getByLabel('Навыки');
  await skills.fill(`${await skills.inputValue()}, gifts`);
  await Promise.all([
    page.waitForNavigation(),
    card.getByRole('button', { name: 'Сохранить' }).click(),
  ]);
  assert.match(await page.locator('[data-login="operator"]').getByLabel('Навыки').inputValue(), /gifts/);
  await check(page, 'admin-staff');
  noProblems(admin);
  await admin.context.close();

  // The operator is online; a customer's chat on the new topic comes to them.
  const op = await person(browser);
  const opPage = await op.page();
  await signIn(opPage, 'operator');
  await opPage.locator('[data-live-state]').filter({ hasText: /вживую/ }).waitFor();
  await opPage.getByLabel('Мой статус').selectOption('online');
  const token = await customerToken('buyer-1001');
  const opened = await api('POST', '/api/v1/customer/chats', {
    token,
    body: { line: 'crossborder', topic: 'gift_cards', body: 'Подарочная карта не активируется', client_id: `adm-${Date.now()}` },
  });
  assert.equal(opened.status, 201, opened.text);
  const number = opened.json.conversation;
  const handed = await api('POST', `/api/v1/customer/chats/${number}/operator`, { token, body: {} });
  assert.ok(handed.status < 300, handed.text);
  await opPage.locator(`[data-list="mine"] a[data-ticket="${number}"]`).waitFor();
  noProblems(op);
  await op.context.close();
});

test('an admin adds a topic and a holiday, sets SLA targets and a rule\'s priority, with the forms', async () => {
  const admin = await person(browser);
  const page = await admin.page();
  await signIn(page, 'admin');
  await page.goto(`${BASE}/staff/admin/config/catalog`);
  await page.getByRole('heading', { name: 'Добавить тему' }).waitFor();
  const form = page.locator('[data-topic-form]');
  await form.getByLabel('Линия').selectOption('partners');
  // A code the catalog refuses: shown in the form, nothing saved.
  await form.getByLabel('Код темы').fill('Press Kit!');
  await form.getByLabel('Название по-русски').fill(`Пресс-кит ${HOSTILE}`);
  await form.getByRole('button', { name: 'Добавить' }).click();
  await form.locator('[data-config-error]').filter({ hasText: /./ }).waitFor();
  await form.getByLabel('Код темы').fill('press_kit');
  await form.getByLabel('Название по-английски').fill('Press kit');
  await form.getByLabel('Проблемы').fill('logo | Нужен логотип | I need the logo\nphotos | Нужны фото | I need photos');
  await form.getByRole('button', { name: 'Добавить' }).click();
  await form.locator('[data-config-ok]').filter({ hasText: /Сохранено как версия \d+/ }).waitFor();
  await page.waitForLoadState('load');
  await page.locator('[data-catalog-overview] code', { hasText: 'press_kit' }).first().waitFor({ state: 'attached' });
  const catalog = await api('GET', '/api/v1/admin/config/catalog', { token: await staffLogin('admin') });
  const body = catalog.json.body;
  assert.ok(body.indexOf('code = "press_kit"') > body.indexOf('code = "partners"'), 'last, in the partners line');
  await notPwned(page);
  await check(page, 'admin-config-catalog-forms');

  await page.goto(`${BASE}/staff/admin/config/calendars`);
  const holiday = page.locator('[data-holiday-form]');
  await holiday.getByLabel('Набор праздников').selectOption('ru');
  await holiday.getByLabel('Дата').fill('2027-12-30');
  await holiday.getByRole('button', { name: 'Добавить' }).click();
  await holiday.locator('[data-config-ok]').filter({ hasText: /Сохранено как версия/ }).waitFor();
  const cal = await api('GET', '/api/v1/admin/config/calendars', { token: await staffLogin('admin') });
  assert.ok(cal.json.body.includes('2027-12-30'));

  // An SLA policy's targets: a wrong amount is refused and said, a right one saved.
  await page.goto(`${BASE}/staff/admin/config/sla`);
  const claim = page.locator('tr[data-policy="claim"]');
  await claim.getByLabel('Первый ответ — claim').fill('скоро');
  await claim.getByRole('button', { name: 'Сохранить сроки — claim' }).click();
  await page.locator('[data-policy-error]').filter({ hasText: /claim/ }).waitFor();
  await claim.getByLabel('Первый ответ — claim').fill('9d');
  // Once saved, the page shows itself again as the server renders it.
  const reloaded = page.waitForEvent('load');
  await claim.getByRole('button', { name: 'Сохранить сроки — claim' }).click();
  await page.locator('[data-policy-ok]').filter({ hasText: /Сохранено как версия/ }).waitFor();
  await reloaded;
  assert.equal(await page.locator('tr[data-policy="claim"]').getByLabel('Первый ответ — claim').inputValue(), '9d');
  await check(page, 'admin-config-sla-forms');
  const sla = await api('GET', '/api/v1/admin/config/sla', { token: await staffLogin('admin') });
  const claimText = sla.json.body.slice(sla.json.body.indexOf('code = "claim"'));
  assert.match(claimText.slice(0, claimText.indexOf('[[policy]]')), /first_response = "9d"/);

  // The priority a rule gives.
  await page.goto(`${BASE}/staff/admin/config/priority`);
  const rule = page.locator('tr[data-rule="travel_hotel"]');
  await rule.getByLabel('Приоритет — travel_hotel', { exact: true }).selectOption('urgent');
  const again = page.waitForEvent('load');
  await rule.getByRole('button', { name: 'Сохранить приоритет — travel_hotel' }).click();
  await page.locator('[data-rule-ok]').filter({ hasText: /Сохранено как версия/ }).waitFor();
  await again;
  assert.equal(await page.locator('tr[data-rule="travel_hotel"] select').inputValue(), 'urgent');
  await check(page, 'admin-config-priority-forms');
  noProblems(admin);
  await admin.context.close();
});

test('an admin writes a knowledge base draft, previews it, publishes it and withdraws it', async () => {
  const admin = await person(browser);
  const page = await admin.page();
  await signIn(page, 'admin');
  await page.goto(`${BASE}/staff/admin`);
  await page.getByRole('link', { name: 'База знаний' }).click();
  await page.getByRole('heading', { name: 'База знаний', level: 1 }).waitFor();
  await check(page, 'admin-kb');

  await page.getByRole('link', { name: 'Новая статья' }).click();
  await page.getByRole('heading', { name: 'Новая статья' }).waitFor();
  const id = `gift-${Date.now()}`;
  const title = `Подарочная карта ${HOSTILE}`;
  await page.getByLabel('Идентификатор').fill(id);
  await page.getByLabel('Заголовок по-русски').fill(title);
  await page.getByLabel('Текст по-русски').fill('Карта активируется в день покупки.\n\nЕсли прошло больше суток — напишите нам.');
  // A topic the catalog does not have is refused where it was typed.
  await page.getByLabel('Темы для подсказок бота').fill('nowhere/nothing');
  await page.getByRole('button', { name: 'Сохранить черновик' }).click();
  await page.locator('[data-kb-error]').filter({ hasText: /./ }).waitFor();
  assert.equal((await api('GET', `/help/articles/${id}`)).status, 404, 'nothing was saved');
  await page.getByLabel('Темы для подсказок бота').fill('');
  await page.getByRole('button', { name: 'Сохранить черновик' }).click();
  await page.waitForURL(`${BASE}/staff/admin/kb/articles/${id}`);
  await page.locator('[data-kb-state]', { hasText: 'Черновик' }).waitFor();
  // The preview shows the saved text as the help centre will, markup as text.
  const preview = page.locator('[data-kb-preview] article');
  await preview.getByRole('heading', { name: title }).waitFor();
  assert.equal(await preview.locator('p').count(), 2);
  await notPwned(page);
  await check(page, 'admin-kb-article');
  // A draft is not on the help centre.
  assert.equal((await api('GET', `/help/articles/${id}`)).status, 404);

  await page.getByRole('button', { name: 'Опубликовать' }).click();
  await page.locator('[data-kb-state]', { hasText: 'Опубликована' }).waitFor();
  const published = await api('GET', `/help/articles/${id}`);
  assert.equal(published.status, 200);
  assert.ok(published.text.includes('Карта активируется в день покупки.'));

  // An edit shows in the preview once saved.
  await page.getByLabel('Текст по-русски').fill('Карта активируется в течение часа после покупки.');
  await page.getByRole('button', { name: 'Сохранить', exact: true }).click();
  await preview.getByText('в течение часа').waitFor();

  await page.getByRole('button', { name: 'Снять с публикации' }).click();
  await page.locator('[data-kb-state]', { hasText: 'Черновик' }).waitFor();
  assert.equal((await api('GET', `/help/articles/${id}`)).status, 404);

  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: 'Удалить статью' }).click();
  await page.waitForURL(`${BASE}/staff/admin/kb`);
  assert.equal(await page.locator(`[data-kb-article="${id}"]`).count(), 0);
  await notPwned(page);
  noProblems(admin);
  await admin.context.close();
});

test('the admin pages are for admins only, and speak English by choice', async () => {
  const sup = await person(browser);
  const page = await sup.page();
  await signIn(page, 'supervisor');
  const r = await page.goto(`${BASE}/staff/admin`);
  assert.equal(r.status(), 403);
  await page.getByText('Эта страница только для администраторов.').waitFor();
  noProblems(sup);
  await sup.context.close();

  const admin = await person(browser);
  const p = await admin.page();
  await signIn(p, 'admin');
  await p.goto(`${BASE}/staff/admin/config/sla?lang=en`);
  await p.getByRole('heading', { name: 'Reply deadlines (SLA)' }).waitFor();
  await check(p, 'admin-config-sla-en');
  await p.goto(`${BASE}/staff/admin/kb?lang=en`);
  await p.getByRole('heading', { name: 'Knowledge base', level: 1 }).waitFor();
  // The choice is the admin account's: back to Russian for the next runs.
  await p.goto(`${BASE}/staff/admin?lang=ru`);
  noProblems(admin);
  await admin.context.close();
});
