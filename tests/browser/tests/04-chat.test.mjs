// The chat page: the customer in one browser context, the operator in
// another (the operator's console socket opened from a page of that context,
// and the staff JSON API). Topic → order → bot → a reload in the middle →
// "Call an operator" → typing and replies both ways → a lost connection
// while the operator writes → resolved → a new question (back to topics);
// the bank step-up with the code read from the SMS gateway.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  BASE, launch, person, check, noProblems, api, staffLogin, demoSignIn, HOSTILE, notPwned, PHONE, PNG, PDF,
  hostileOrder, HOSTILE_ORDER, tabTo,
} from '../lib/harness.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// The operator's console socket, opened in the operator's own browser context.
async function consoleSocket(operatorCtx, token) {
  const page = await operatorCtx.newPage();
  await page.goto(`${BASE}/help`);
  await page.evaluate((t) => new Promise((resolve, reject) => {
    const url = new URL('/api/v1/chat/console', location.href);
    url.protocol = 'ws:';
    url.searchParams.set('token', t);
    window.frames_ = [];
    window.ws_ = new WebSocket(url);
    window.ws_.onmessage = (e) => window.frames_.push(JSON.parse(e.data));
    window.ws_.onopen = () => resolve();
    window.ws_.onerror = () => reject(new Error('console socket failed'));
  }), token);
  return {
    send: (frame) => page.evaluate((f) => window.ws_.send(JSON.stringify(f)), frame),
    // The first frame received that has every field of `like`.
    waitFor: (like) => page.waitForFunction(
      (l) => window.frames_.some((f) => Object.entries(l).every(([k, v]) => f[k] === v)), like),
  };
}

// The marketplace operator comes online on the console (in the operator's
// own browser context); the router gives the waiting chat to an online
// operator with the topic's skill. The test then acts as the operator the
// router chose: it reads the ticket's assignee and signs in as that account.
async function operatorOnline(operatorCtx) {
  const token = await staffLogin('operator');
  const ws = await consoleSocket(operatorCtx, token);
  await ws.send({ type: 'presence', status: 'online' });
  await ws.waitFor({ type: 'presence', status: 'online' });
  return { login: 'operator', token, ws };
}

async function assigneeOf(number, online, operatorCtx) {
  const supervisor = await staffLogin('supervisor');
  const t = await api('GET', `/api/v1/tickets/${number}`, { token: supervisor });
  assert.equal(t.status, 200, t.text);
  assert.ok(t.json.assignee_id != null, `${number} has an operator`);
  const staff = await api('GET', '/api/v1/staff', { token: supervisor });
  assert.equal(staff.status, 200, staff.text);
  const who = staff.json.find((o) => o.id === t.json.assignee_id);
  assert.ok(who, `operator ${t.json.assignee_id} is a staff account`);
  if (who.login === online.login) return online;
  const token = await staffLogin(who.login);
  return { login: who.login, token, ws: await consoleSocket(operatorCtx, token) };
}

async function smsCode(phone, after = 0) {
  const deadline = Date.now() + 15000;
  for (;;) {
    const lines = readFileSync(process.env.SMS_LOG, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const m = lines.slice(after).reverse().find((x) => x.to === phone && /\d{6}/.test(x.text));
    if (m) return m.text.match(/\d{6}/)[0];
    if (Date.now() > deadline) throw new Error(`no SMS to ${phone}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const smsCount = () => readFileSync(process.env.SMS_LOG, 'utf8').split('\n').filter(Boolean).length;

// Every message on screen once: the seq of each, in order, no repeats.
async function seqs(page) {
  return page.locator('#chat-log .msg[data-seq]').evaluateAll((els) => els.map((e) => Number(e.dataset.seq)));
}
function strictlyRising(list) {
  return list.every((s, i) => i === 0 || s > list[i - 1]);
}

// Is the marketplace line (the Moscow office: Mon–Fri 09:00–18:00) closed now
// by the clock? Holidays are not counted, so only "closed" is certain.
function moscowClosedByClock() {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Moscow', weekday: 'short', hour: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date()).map((x) => [x.type, x.value]));
  const hour = Number(p.hour);
  return p.weekday === 'Sat' || p.weekday === 'Sun' || hour < 9 || hour >= 18;
}

test('a chat from topic to bot to operator and back, with a reload and a lost connection', async () => {
  const hostileTitle = await hostileOrder('buyer-1001');
  const customer = await person(browser);
  const page = await customer.page();
  // The test's hand on the wire: it can drop the page's socket like a lost network would.
  await page.addInitScript(() => {
    const Native = window.WebSocket;
    window.__sockets = [];
    window.WebSocket = class extends Native {
      constructor(...args) { super(...args); window.__sockets.push(this); }
    };
  });
  await demoSignIn(page, 'buyer-1001');
  await page.getByRole('link', { name: 'Чат с поддержкой' }).click();
  await page.waitForURL(`${BASE}/chat`);
  await assert.doesNotReject(page.getByRole('heading', { name: 'О чём ваш вопрос?' }).waitFor());
  assert.equal(await page.locator('#chat-input').isVisible(), false, 'no typing before the topic');
  await check(page, 'chat-topics');

  await page.getByRole('button', { name: 'Доставка и отслеживание' }).click();
  await assert.doesNotReject(page.getByRole('heading', { name: 'О каком заказе вопрос?' }).waitFor());
  assert.equal(await page.locator('#chat-input').isVisible(), false, 'no typing before the order');
  assert.ok(await page.getByRole('button', { name: 'Вопрос не про заказ' }).isVisible());
  // An order whose item name is markup is a button with that text.
  const orderButtons = await page.locator('#chat-panel button').allTextContents();
  assert.ok(orderButtons.includes(`${hostileTitle} — ${HOSTILE_ORDER}`), orderButtons.join(' | '));
  await notPwned(page);
  await check(page, 'chat-order');
  await page.getByRole('button', { name: /MP-10001/ }).click();
  await page.locator('#chat-input').waitFor({ state: 'visible' });
  await page.locator('#chat-input').fill('Где мой заказ? Курьер не приехал');
  await page.keyboard.press('Enter');
  const bot = page.locator('.msg', { hasText: 'Бот' }).first();
  await assert.doesNotReject(bot.waitFor());
  await assert.doesNotReject(page.getByRole('button', { name: 'Позвать оператора' }).waitFor());
  // The bot's ready answers open in place; an article links to the help
  // centre; "Did not help" is recorded.
  const firstAnswer = page.locator('details.suggestion').first();
  await assert.doesNotReject(firstAnswer.waitFor());
  await firstAnswer.locator('summary').click();
  assert.ok((await firstAnswer.locator('.msg-body').textContent()).length > 0);
  const article = page.locator('details.suggestion a', { hasText: 'Открыть статью' }).first();
  const articleHref = await article.getAttribute('href');
  assert.match(articleHref, /^\/help\/articles\//);
  assert.equal((await page.request.get(BASE + articleHref)).status(), 200);
  await firstAnswer.getByRole('button', { name: 'Не помогло' }).click();
  await assert.doesNotReject(page.locator('#chat-status', { hasText: 'Спасибо за отзыв' }).waitFor());
  await check(page, 'chat-bot');

  // A reload: the same dialogue, each message once, nothing lost.
  const before_ = await seqs(page);
  assert.ok(before_.length >= 2, `question and bot answer: ${before_}`);
  await page.reload();
  await page.locator('#chat-log .msg').nth(before_.length - 1).waitFor();
  await page.getByRole('button', { name: 'Позвать оператора' }).waitFor();
  assert.deepEqual(await seqs(page), before_, 'after the reload: nothing twice, nothing lost');
  assert.ok(await page.locator('#chat-input').isVisible(), 'the conversation goes on after the reload');

  await page.getByRole('button', { name: 'Позвать оператора' }).click();
  await assert.doesNotReject(page.locator('#chat-status', { hasText: 'Ждём оператора' }).waitFor());
  await assert.doesNotReject(page.locator('.msg', { hasText: 'Передаю разговор оператору' }).waitFor());
  const offHours = page.locator('.msg', { hasText: 'нерабочее время' });
  if (moscowClosedByClock()) {
    await assert.doesNotReject(offHours.waitFor(), 'off hours: the chat says when a person will answer');
  }
  console.log(`# marketplace line closed by the clock: ${moscowClosedByClock()}; off-hours note shown: ${await offHours.count() > 0}`);
  const number = await page.evaluate(() => Object.entries(sessionStorage)
    .filter(([k]) => k.startsWith('sb-chat:')).map(([, v]) => JSON.parse(v).conversation).find(Boolean));
  assert.match(number, /^SB-\d+$/);

  const operatorCtx = (await person(browser)).context;
  const online = await operatorOnline(operatorCtx);
  await assert.doesNotReject(page.locator('#chat-status', { hasText: 'Оператор в чате' }).waitFor());
  const { login, token: operator, ws } = await assigneeOf(number, online, operatorCtx);
  console.log(`# the router gave the chat to ${login}`);
  await ws.send({ type: 'resume', conversation: number, last_seq: 0 });
  await ws.waitFor({ type: 'conversation', conversation: number });
  await ws.send({ type: 'typing', conversation: number });
  await assert.doesNotReject(page.locator('#chat-status', { hasText: 'Оператор печатает…' }).waitFor());
  const sent = await api('POST', `/api/v1/chats/${number}/messages`, {
    token: operator, body: { body: `Здравствуйте! Проверяю заказ. ${HOSTILE}`, client_id: 'op-1' },
  });
  assert.ok(sent.status === 200 || sent.status === 201, sent.text);
  const reply = page.locator('.msg', { hasText: 'Здравствуйте! Проверяю заказ.' });
  await assert.doesNotReject(reply.waitFor());
  assert.equal(await reply.locator('.msg-body').textContent(), `Здравствуйте! Проверяю заказ. ${HOSTILE}`);
  await notPwned(page);

  // The customer types: the operator sees "typing", then the message.
  await page.locator('#chat-input').pressSequentially('Спасибо, жду');
  await ws.waitFor({ type: 'typing', conversation: number });
  await page.keyboard.press('Enter');
  await assert.doesNotReject(ws.waitFor({ type: 'message', body: 'Спасибо, жду' }));

  // Files both ways. A chosen file's name is shown as text before sending;
  // a stored one as it was stored (an entity stays an entity).
  await page.locator('#chat-files').setInputFiles([{ name: `${HOSTILE}.png`, mimeType: 'image/png', buffer: PNG }]);
  assert.match(await page.locator('#chat-files-chosen').textContent(), /<img src=x onerror=/);
  await notPwned(page);
  const photoName = 'Фото &amp; чек.png';
  await page.locator('#chat-files').setInputFiles([{ name: photoName, mimeType: 'image/png', buffer: PNG }]);
  assert.equal(await page.locator('#chat-files-chosen').textContent(), photoName);
  await page.locator('#chat-input').press('Enter');
  const mineFile = page.locator('.msg-mine .file a', { hasText: 'Фото' });
  await assert.doesNotReject(mineFile.waitFor());
  assert.equal(await mineFile.textContent(), photoName);
  await assert.doesNotReject(ws.waitFor({ type: 'message', body: photoName }));
  const photoLoaded = await page.locator('.msg-mine .file img').last().evaluate(async (img) => {
    if (!img.complete || !img.naturalWidth) await new Promise((r) => { img.onload = r; img.onerror = r; });
    return img.naturalWidth;
  });
  assert.equal(photoLoaded, 1, "the customer's photo is shown in the chat");
  const form = new FormData();
  form.append('data', new Blob([JSON.stringify({ body: 'Накладная во вложении', client_id: 'op-file' })], { type: 'application/json' }));
  form.append('file', new Blob([PDF], { type: 'application/pdf' }), 'накладная.pdf');
  const withFile = await fetch(`${BASE}/api/v1/chats/${number}/messages`, {
    method: 'POST', headers: { authorization: `Bearer ${operator}` }, body: form,
  });
  assert.equal(withFile.status, 200, await withFile.text());
  const theirs = page.locator('.msg', { hasText: 'Накладная во вложении' });
  await assert.doesNotReject(theirs.waitFor());
  assert.equal(await theirs.locator('.file a').textContent(), 'накладная.pdf');
  // The link becomes the file itself, fetched with the customer's token.
  await assert.doesNotReject(theirs.locator('.file a[href^="blob:"]').waitFor());
  await check(page, 'chat-operator');

  // The connection drops while the network is down, and the operator writes
  // meanwhile: after reconnecting the message is there, once.
  await customer.context.setOffline(true);
  await page.evaluate(() => window.__sockets.at(-1).close());
  await assert.doesNotReject(page.locator('#chat-status', { hasText: 'Нет связи' }).waitFor());
  const whileAway = await api('POST', `/api/v1/chats/${number}/messages`, {
    token: operator, body: { body: 'Курьер приедет завтра до 12:00', client_id: 'op-2' },
  });
  assert.equal(whileAway.status, 200, whileAway.text);
  await customer.context.setOffline(false);
  await assert.doesNotReject(page.locator('.msg', { hasText: 'Курьер приедет завтра' }).waitFor({ timeout: 15000 }));
  const afterDrop = await seqs(page);
  assert.equal(new Set(afterDrop).size, afterDrop.length, `nothing twice: ${afterDrop}`);
  assert.ok(strictlyRising(afterDrop), `in order: ${afterDrop}`);
  assert.equal(await page.locator('.msg', { hasText: 'Курьер приедет завтра' }).count(), 1);
  assert.equal(await page.locator('.msg', { hasText: 'Спасибо, жду' }).count(), 1);

  // Resolved: no more typing; a new question starts from the topics again.
  assert.equal((await api('POST', `/api/v1/tickets/${number}/resolve`, { token: operator })).status, 200);
  await assert.doesNotReject(page.locator('#chat-status', { hasText: 'Чат завершён' }).waitFor());
  assert.equal(await page.locator('#chat-input').isVisible(), false);
  await check(page, 'chat-resolved');
  await page.getByRole('button', { name: 'Новый вопрос' }).click();
  await assert.doesNotReject(page.getByRole('heading', { name: 'О чём ваш вопрос?' }).waitFor());
  assert.equal(await page.locator('#chat-log .msg').count(), 0);

  // The socket was dropped on purpose while offline: the browser's own
  // "connection failed" lines for the retries are expected, nothing else.
  customer.problems.splice(0, customer.problems.length,
    ...customer.problems.filter((p) => !/WebSocket connection to .* failed/.test(p)));
  noProblems(customer);
  await customer.context.close();
  await operatorCtx.close();
});

test('bank topics ask for the SMS code before the hand-over; on a phone, in English', async () => {
  const customer = await person(browser, { viewport: PHONE, locale: 'en-GB' });
  const page = await customer.page();
  await demoSignIn(page, 'bank-3001');
  await page.goto(`${BASE}/chat?lang=en`);
  await page.getByRole('heading', { name: 'What is your question about?' }).waitFor();
  await page.getByRole('button', { name: 'Cards', exact: true }).click();
  await page.locator('#chat-input').waitFor({ state: 'visible' });
  await page.locator('#chat-input').fill('Не проходит оплата картой');
  await page.keyboard.press('Enter');
  await page.locator('.msg', { hasText: 'Bot' }).first().waitFor();
  const smsBefore = smsCount();
  await page.getByRole('button', { name: 'Call an operator' }).click();
  await assert.doesNotReject(page.getByRole('heading', { name: 'Confirm it is you' }).waitFor());
  assert.equal(await page.locator('#chat-input').isVisible(), false, 'no typing during the step-up');
  await page.getByLabel('Code from the SMS').fill('000000');
  await page.getByRole('button', { name: 'Confirm' }).click();
  await assert.doesNotReject(page.locator('#chat-code-error', { hasText: /\S/ }).waitFor());
  await check(page, 'chat-step-up');
  await page.getByLabel('Code from the SMS').fill(await smsCode('+79857776655', smsBefore));
  await page.getByRole('button', { name: 'Confirm' }).click();
  await assert.doesNotReject(page.locator('#chat-status', { hasText: /Waiting for an operator|An operator is in the chat/ }).waitFor());
  await page.locator('#chat-input').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#chat-code').count(), 0);
  noProblems(customer);
  await customer.context.close();
});

test('keyboard only: topic, order, the question, a ready answer, "Call an operator"', async () => {
  const customer = await person(browser);
  const page = await customer.page();
  await demoSignIn(page, 'buyer-1003');
  await page.goto(`${BASE}/chat`);
  await page.getByRole('heading', { name: 'О чём ваш вопрос?' }).waitFor();
  await tabTo(page, 'Доставка и отслеживание');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'О каком заказе вопрос?' }).waitFor();
  await tabTo(page, 'Вопрос не про заказ');
  await page.keyboard.press('Enter');
  // The box to type in takes the focus as soon as it appears.
  await page.locator('#chat-input').waitFor({ state: 'visible' });
  assert.equal(await page.evaluate(() => document.activeElement.id), 'chat-input');
  // "Attach" is on the Tab path too, its button ringed while the file input has the focus.
  await tabTo(page, '#chat-files');
  assert.notEqual(await page.evaluate(() => getComputedStyle(document.activeElement.closest('label')).outlineStyle), 'none');
  await tabTo(page, '#chat-input', { back: true });
  await page.keyboard.type('Курьер не приехал, что делать?');
  await page.keyboard.press('Enter');
  await assert.doesNotReject(page.locator('.msg', { hasText: 'Бот' }).first().waitFor());
  // A screen reader hears the bot's answer (a polite live region).
  await assert.doesNotReject(page.locator('#sb-announcer[aria-live="polite"]', { hasText: 'Бот' }).waitFor({ state: 'attached' }));
  const summaries = await page.locator('details.suggestion summary').allTextContents();
  if (summaries.length) {
    await tabTo(page, summaries[0].trim(), { back: true });
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('details.suggestion').first().evaluate((d) => d.open), true);
  }
  await page.getByRole('button', { name: 'Позвать оператора' }).waitFor();
  await tabTo(page, 'Позвать оператора');
  await page.keyboard.press('Enter');
  await assert.doesNotReject(page.locator('#chat-status', { hasText: 'Ждём оператора' }).waitFor());
  await assert.doesNotReject(page.locator('.msg', { hasText: 'Передаю разговор оператору' }).waitFor());

  // Done with it: a supervisor resolves the chat, so it waits for no one.
  const number = await page.evaluate(() => Object.entries(sessionStorage)
    .filter(([k]) => k.startsWith('sb-chat:')).map(([, v]) => JSON.parse(v).conversation).find(Boolean));
  const supervisor = await staffLogin('supervisor');
  const resolved = await api('POST', `/api/v1/tickets/${number}/resolve`, { token: supervisor });
  assert.equal(resolved.status, 200, resolved.text);
  await assert.doesNotReject(page.getByRole('button', { name: 'Новый вопрос' }).waitFor());
  noProblems(customer);
  await customer.context.close();
});
