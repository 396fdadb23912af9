// The chat: the customer in one browser context, the operator in another
// (the console socket opened from a page of that context, and the JSON API,
// until the console exists). Topic → order → bot → reload in the middle →
// operator → typing and replies both ways; the bank step-up with the code
// read from the SMS gateway; the widget on a host page of another origin.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import {
  BASE, launch, person, check, noProblems, api, staffLogin, demoSignIn, HOSTILE, notPwned,
} from '../lib/harness.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// The operator's console socket, opened in the operator's own browser context.
async function console_(operatorCtx, token) {
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
    waitFor: (pred) => page.waitForFunction(`window.frames_.some(${pred})`),
  };
}

async function smsCode(phone) {
  for (let i = 0; i < 150; i++) {
    const lines = readFileSync(process.env.SMS_LOG, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const m = lines.reverse().find((x) => x.to === phone && /\d{6}/.test(x.text));
    if (m) return m.text.match(/\d{6}/)[0];
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no SMS to ${phone}`);
}

test('a chat from topic to bot to operator and back, with a reload in the middle', async () => {
  const customer = await person(browser);
  const page = await customer.page();
  await demoSignIn(page, 'buyer-1001');
  await page.goto(`${BASE}/chat`);
  await assert.doesNotReject(page.getByRole('heading', { name: 'О чём ваш вопрос?' }).waitFor());
  assert.equal(await page.locator('#chat-input').isVisible(), false, 'no typing before the topic');
  await check(page, 'chat-topics');

  await page.getByRole('button', { name: 'Доставка и отслеживание' }).click();
  await assert.doesNotReject(page.getByRole('heading', { name: 'О каком заказе вопрос?' }).waitFor());
  assert.equal(await page.locator('#chat-input').isVisible(), false, 'no typing before the order');
  assert.ok(await page.getByRole('button', { name: 'Вопрос не про заказ' }).isVisible());
  await page.getByRole('button', { name: /MP-10001/ }).click();
  await page.locator('#chat-input').waitFor({ state: 'visible' });
  await page.locator('#chat-input').fill('Где мой заказ? Курьер не приехал');
  await page.keyboard.press('Enter');
  await assert.doesNotReject(page.locator('.msg', { hasText: 'Бот' }).first().waitFor());
  await assert.doesNotReject(page.getByRole('button', { name: 'Позвать оператора' }).waitFor());
  await check(page, 'chat-bot');

  // A reload: the same dialogue, each message once.
  const before_ = await page.locator('#chat-log .msg').count();
  await page.reload();
  await page.locator('#chat-log .msg').nth(before_ - 1).waitFor();
  const seqs = await page.locator('#chat-log .msg').evaluateAll((els) => els.map((e) => e.dataset.seq));
  assert.equal(new Set(seqs).size, seqs.length, `nothing twice: ${seqs}`);
  assert.equal(seqs.length, before_, 'nothing lost');

  await page.getByRole('button', { name: 'Позвать оператора' }).click();
  await assert.doesNotReject(page.locator('#chat-status', { hasText: /Ждём оператора|Оператор в чате/ }).waitFor());
  const conversation = JSON.parse(await page.evaluate(() => JSON.stringify(sessionStorage))).valueOf();
  const number = Object.entries(conversation).map(([k, v]) => k.startsWith('sb-chat:') && JSON.parse(v).conversation).find(Boolean);
  assert.match(number, /^SB-\d{6}$/);

  const operatorCtx = (await person(browser)).context;
  const operator = await staffLogin('operator');
  const ws = await console_(operatorCtx, operator);
  await api('POST', `/api/v1/tickets/${number}/take`, { token: operator });
  await ws.send({ type: 'resume', conversation: number, last_seq: 0 });
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

  await page.locator('#chat-input').fill('Спасибо, жду');
  await page.keyboard.press('Enter');
  await assert.doesNotReject(ws.waitFor(`(f) => f.type === 'message' && f.body === 'Спасибо, жду'`));
  await check(page, 'chat-operator');
  noProblems(customer);
  await customer.context.close();
  await operatorCtx.close();
});

test('bank topics ask for the SMS code before the hand-over', async () => {
  const customer = await person(browser);
  const page = await customer.page();
  await demoSignIn(page, 'bank-3001');
  await page.goto(`${BASE}/chat`);
  await page.getByRole('button', { name: 'Карты' }).first().click();
  await page.locator('#chat-input').waitFor({ state: 'visible' });
  await page.locator('#chat-input').fill('Не проходит оплата картой');
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Позвать оператора' }).click();
  await assert.doesNotReject(page.getByRole('heading', { name: 'Подтвердите, что это вы' }).waitFor());
  assert.equal(await page.locator('#chat-input').isVisible(), false);
  await page.getByLabel('Код из SMS').fill('000000');
  await page.getByRole('button', { name: 'Подтвердить' }).click();
  await assert.doesNotReject(page.locator('#chat-code-error:not([hidden])').waitFor());
  await check(page, 'chat-step-up');
  await page.getByLabel('Код из SMS').fill(await smsCode('+79857776655'));
  await page.getByRole('button', { name: 'Подтвердить' }).click();
  await assert.doesNotReject(page.locator('#chat-status', { hasText: /Ждём оператора|Оператор в чате/ }).waitFor());
  await page.locator('#chat-input').waitFor({ state: 'visible' });
  noProblems(customer);
  await customer.context.close();
});

test('the widget: one script tag on a host page of another origin', async () => {
  const widget = readFileSync(new URL('../../../crates/server/assets/js/widget.js', import.meta.url));
  const chat = readFileSync(new URL('../../../crates/server/assets/js/chat.js', import.meta.url));
  const dom = readFileSync(new URL('../../../crates/server/assets/js/dom.js', import.meta.url));
  const apiJs = readFileSync(new URL('../../../crates/server/assets/js/api.js', import.meta.url));
  const css = readFileSync(new URL('../../../crates/server/assets/css/app.css', import.meta.url));
  const total = [widget, chat, dom, apiJs, css].reduce((n, b) => n + gzipSync(b, { level: 9 }).length, 0);
  console.log(`# figure: widget script + chat window scripts + styles, gzip -9: ${total} bytes`);
  assert.ok(total < 30 * 1024, `${total} bytes compressed`);

  const signIn = await api('POST', '/api/v1/customer/chats', {}); // unauthenticated: refused
  assert.equal(signIn.status, 401);
  const token = await (async () => {
    const who = await person(browser);
    const p = await who.page();
    await demoSignIn(p, 'buyer-1002');
    const t = await p.locator('meta[name="sb-token"]').getAttribute('content');
    await who.context.close();
    return t;
  })();
  const host = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><title>Shop</title></head><body><h1>A shop</h1>
      <script src="${BASE}/assets/js/widget.js" data-token="${token}" async></script></body></html>`);
  });
  await new Promise((r) => host.listen(0, 'localhost', r));
  const hostUrl = `http://localhost:${host.address().port}/`;
  assert.notEqual(new URL(hostUrl).origin, new URL(BASE).origin);

  const who = await person(browser, { viewport: { width: 360, height: 740 } });
  const page = await who.page();
  await page.goto(hostUrl);
  await page.getByRole('button', { name: 'Chat with support' }).click();
  const frame = page.frameLocator('iframe[title="Chat with support"]');
  await assert.doesNotReject(frame.getByRole('heading', { name: 'What is your question about?' }).waitFor());
  await frame.getByRole('button', { name: 'Delivery and tracking' }).click();
  await frame.getByRole('button', { name: 'Question not about an order' }).click();
  await frame.locator('#chat-input').fill('Hello from the widget');
  await frame.locator('#chat-input').press('Enter');
  await assert.doesNotReject(frame.locator('.msg-mine', { hasText: 'Hello from the widget' }).waitFor());
  await page.screenshot({ path: `${process.env.SHOTS}/widget-on-host-360.png` });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: `${process.env.SHOTS}/widget-on-host-desktop.png` });
  noProblems(who);
  await who.context.close();
  host.close();
});
