// The staff's pages (issue 12) in real Chromium, with a customer on the
// other side: sign-in and sign-out, a chat handed to an operator and
// answered live, a form ticket answered, noted, refused when it asks for a
// card number, transferred and resolved.
// Hostile names and texts are shown as text. Every page is checked with
// axe-core and photographed; the message-to-screen latency is printed as a
// figure (not asserted).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE, launch, person, check, noProblems, api, HOSTILE, notPwned, staffSignIn,
  customerToken as sharedCustomerToken,
} from '../lib/harness.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const customerToken = (id) => sharedCustomerToken(browser, id);
const signIn = staffSignIn;

let n = 0;
const cid = () => `bt-${Date.now()}-${n++}`;

test('staff sign in; a wrong password is refused on the form', async () => {
  const who = await person(browser);
  const page = await who.page();
  await signIn(page, 'operator', 'wrong-password');
  await assert.doesNotReject(page.getByRole('alert').filter({ hasText: 'Неверный логин или пароль' }).waitFor());
  await check(page, 'staff-signin');
  await signIn(page, 'operator');
  await page.waitForURL(`${BASE}/staff`);
  await assert.doesNotReject(page.getByRole('heading', { name: 'Очередь' }).waitFor());
  await check(page, 'staff-console-empty');
  // The page's scripts hold the session the cookie carries; the socket is up.
  await page.locator('[data-live-state]').filter({ hasText: /вживую/ }).waitFor();
  // Sign out: the session ends, and the console asks to sign in again.
  const token = await page.locator('meta[name="sb-token"]').getAttribute('content');
  await page.getByRole('button', { name: 'Выйти' }).click();
  await page.waitForURL(/\/staff\/sign-in\?reason=signed_out/);
  await page.getByRole('alert').filter({ hasText: 'Вы вышли из системы' }).waitFor();
  assert.equal((await api('GET', '/api/v1/auth/me', { token })).status, 401);
  await page.goto(`${BASE}/staff`);
  await page.waitForURL(/\/staff\/sign-in\?reason=none/);
  noProblems(who);
  await who.context.close();
});

test('the staff pages speak English by choice', async () => {
  const who = await person(browser);
  const page = await who.page();
  await page.goto(`${BASE}/staff/sign-in?lang=en`);
  await page.getByRole('heading', { name: 'Staff sign-in' }).waitFor();
  await page.getByLabel('Login').fill('operator');
  await page.getByLabel('Password').fill('operator-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${BASE}/staff`);
  await page.getByRole('heading', { name: 'Queue' }).waitFor();
  await page.locator('[data-live-state]').filter({ hasText: /live/ }).waitFor();
  await check(page, 'staff-console-en');
  noProblems(who);
  await who.context.close();
});

test('a chat handed to an operator is answered live', async () => {
  const token = await customerToken('buyer-1001');
  const op = await person(browser);
  const page = await op.page();
  await signIn(page, 'operator');
  await page.waitForURL(`${BASE}/staff`);
  await page.locator('[data-live-state]').filter({ hasText: /вживую/ }).waitFor();
  await page.getByLabel('Мой статус').selectOption('online');

  // The customer opens a chat and asks for a person.
  const opened = await api('POST', '/api/v1/customer/chats', {
    token,
    body: { line: 'marketplace', topic: 'delivery', order_number: 'MP-10002', body: `Где мой заказ? ${HOSTILE}`, client_id: cid() },
  });
  assert.equal(opened.status, 201, opened.text);
  const number = opened.json.conversation;
  const handed = await api('POST', `/api/v1/customer/chats/${number}/operator`, { token, body: {} });
  assert.ok(handed.status < 300, handed.text);

  // It arrives in "mine" without a reload, and opens without one.
  const row = page.locator(`[data-list="mine"] a[data-ticket="${number}"]`);
  await row.waitFor();
  await row.click();
  await page.locator(`[data-conversation="${number}"]`).waitFor();
  await notPwned(page);
  assert.ok(await page.locator('.msg-body').filter({ hasText: '<script>' }).count() > 0, 'hostile text shown as text');

  // A new customer message appears live; the time to screen is a figure.
  const body = `Курьер так и не позвонил ${Date.now()}`;
  const sentAt = Date.now();
  const sent = await api('POST', `/api/v1/customer/chats/${number}/messages`, { token, body: { body, client_id: cid() } });
  assert.equal(sent.status, 200, sent.text);
  await page.locator('.msg-body', { hasText: body }).waitFor();
  const shownAt = await page.evaluate(() => performance.timeOrigin + (window.__sbLastMessageShown?.at || performance.now()));
  console.log(`# figure: message-to-screen latency ${Math.round(shownAt - sentAt)} ms (customer HTTP send → operator's page)`);

  // Enter sends; Shift+Enter is a new line.
  const reply = page.getByLabel('Ответ', { exact: true });
  await reply.fill('Здравствуйте!');
  await reply.press('Shift+Enter');
  await reply.type('Уже выясняю у курьера.');
  await reply.press('Enter');
  await page.locator('.msg-operator .msg-body', { hasText: 'Уже выясняю' }).waitFor();
  const history = await api('GET', `/api/v1/customer/chats/${number}/messages`, { token });
  const last = history.json.messages?.at?.(-1) || history.json.at?.(-1);
  assert.equal(last.body, 'Здравствуйте!\nУже выясняю у курьера.');
  await check(page, 'staff-console-chat');
  noProblems(op);
  await op.context.close();
});

test('a form ticket is answered, noted, refused a card request, transferred and resolved', async () => {
  const token = await customerToken('buyer-1002');
  const created = await api('POST', '/api/v1/customer/tickets', {
    token,
    body: {
      line: 'marketplace', topic: 'delivery', problem: 'other', problem_text: 'Посылка потерялась',
      order_number: 'MP-10005', description: `Посылка не пришла. ${HOSTILE}`, reply_channel: 'email',
    },
  });
  assert.equal(created.status, 201, created.text);
  const number = created.json.number;

  const op = await person(browser);
  const page = await op.page();
  await signIn(page, 'operator');
  await page.waitForURL(`${BASE}/staff`);
  // Search by number opens it.
  await page.getByLabel('Поиск').fill(number);
  await page.getByRole('button', { name: 'Показать' }).click();
  await page.waitForURL(new RegExp(`/staff/tickets/${number}`));
  await notPwned(page);
  await page.getByRole('button', { name: 'Взять' }).click();
  await page.locator('.conv-facts', { hasText: 'в работе' }).waitFor();

  const reply = page.getByLabel('Ответ', { exact: true });
  // The judgement blocks asking for a card number, and says so where it was typed.
  await reply.fill('Пришлите, пожалуйста, полный номер карты и CVV-код');
  await reply.press('Enter');
  await page.locator('[data-reply-error]').filter({ hasText: /.+/ }).waitFor();
  assert.equal(await reply.inputValue(), 'Пришлите, пожалуйста, полный номер карты и CVV-код', 'the text stays');

  await reply.fill('Мы нашли посылку, она приедет завтра.');
  await reply.press('Enter');
  await page.locator('.msg-operator .msg-body', { hasText: 'приедет завтра' }).waitFor();
  await reply.fill(`Проверить склад ${HOSTILE}`);
  await page.getByRole('button', { name: 'Заметка' }).click();
  await page.locator('.msg-note .note-label').first().waitFor();
  await notPwned(page);
  await check(page, 'staff-console-ticket');

  // Transfer to another topic, then resolve.
  await page.locator('details.more-actions summary').click();
  await page.getByLabel('Тема', { exact: true }).selectOption('marketplace/payment');
  await page.locator('form[data-form="topic"] button').click();
  await page.locator('.conv-facts', { hasText: /Оплата|payment/i }).waitFor();
  await page.getByRole('button', { name: 'Решено' }).click();
  await page.locator('.conv-facts', { hasText: 'решено' }).waitFor();
  const seen = await api('GET', `/api/v1/customer/tickets/${number}`, { token });
  assert.equal(seen.json.status, 'resolved');
  assert.ok(JSON.stringify(seen.json).includes('приедет завтра'));
  assert.ok(!JSON.stringify(seen.json).includes('Проверить склад'), 'the note stays internal');
  noProblems(op);
  await op.context.close();
});

test('canned replies: a supervisor shares one, an operator finds it with / and it is filled in', async () => {
  const token = await customerToken('buyer-1001');
  const created = await api('POST', '/api/v1/customer/tickets', {
    token,
    body: {
      line: 'marketplace', topic: 'delivery', problem: 'other', problem_text: 'Где посылка',
      order_number: 'MP-10001', description: 'Посылка задерживается.', reply_channel: 'email',
    },
  });
  assert.equal(created.status, 201, created.text);
  const number = created.json.number;

  const sup = await person(browser);
  const sp = await sup.page();
  await signIn(sp, 'supervisor');
  await sp.waitForURL(`${BASE}/staff`);
  await sp.getByRole('link', { name: 'Шаблоны ответов' }).click();
  await sp.waitForURL(`${BASE}/staff/canned`);
  // An empty title is refused where it was typed.
  await sp.getByLabel('Название').fill('   ');
  await sp.getByLabel('Текст').fill('x');
  await sp.getByRole('button', { name: 'Сохранить' }).click();
  await sp.locator('[data-canned-error]').filter({ hasText: /Название/ }).waitFor();
  await sp.getByLabel('Название').fill(`Задержка ${HOSTILE}`);
  await sp.getByLabel('Текст').fill('Здравствуйте, {name}! Заказ {order} уже в пути.');
  await sp.getByLabel('Общий').check();
  await sp.getByRole('button', { name: 'Сохранить' }).click();
  await sp.locator('[data-canned-id] h2', { hasText: 'Задержка' }).waitFor();
  await notPwned(sp);
  await check(sp, 'staff-canned');
  noProblems(sup);
  await sup.context.close();

  const op = await person(browser);
  const page = await op.page();
  await signIn(page, 'operator');
  await page.waitForURL(`${BASE}/staff`);
  await page.goto(`${BASE}/staff/tickets/${number}`);
  const reply = page.getByLabel('Ответ', { exact: true });
  await reply.fill('/Задер');
  const pick = page.locator('[data-canned] button', { hasText: 'Задержка' });
  await pick.waitFor();
  await notPwned(page);
  await pick.click();
  assert.equal(await reply.inputValue(), 'Здравствуйте, Анна Смирнова! Заказ MP-10001 уже в пути.');
  await reply.press('Enter');
  await page.locator('.msg-operator .msg-body', { hasText: 'Анна Смирнова! Заказ MP-10001' }).waitFor();
  noProblems(op);
  await op.context.close();
});

