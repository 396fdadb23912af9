// The chat widget on a host site of another origin: the host page (served by
// this test on its own port, under its own strict CSP that lets in only our
// script and our frame) carries one script tag with the customer's identity
// token; the widget's button opens the chat window in a frame from support's
// origin, where the customer chats. Also: the widget's weight (printed as a
// figure), the frame rules of the pages, and a frame without a token.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import {
  BASE, SHOTS, launch, person, noProblems, api, axe, shoot, customerToken, PHONE, DESKTOP,
} from '../lib/harness.mjs';

let browser;
let host;
let hostUrl;
before(async () => {
  browser = await launch();
  // "localhost" against the service's 127.0.0.1: another origin and another site.
  host = createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const token = url.searchParams.get('token') || '';
    const lang = url.searchParams.get('lang') || 'ru';
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      // What the README tells a host site to allow: our script and our frame.
      'content-security-policy': `default-src 'self'; script-src 'self' ${BASE}; frame-src ${BASE}`,
    });
    res.end(`<!doctype html><html lang="${lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>A shop</title></head>
<body><main><h1>A shop</h1><p>Goods and more goods.</p></main>
<script src="${BASE}/assets/js/widget.js" data-token="${token}" async></script></body></html>`);
  });
  await new Promise((r) => host.listen(0, 'localhost', r));
  hostUrl = `http://localhost:${host.address().port}/`;
  assert.notEqual(new URL(hostUrl).origin, new URL(BASE).origin);
});
after(async () => { await browser?.close(); host?.close(); });

test('the widget weighs under 30 KB compressed', () => {
  const file = (p) => readFileSync(new URL(`../../../crates/server/assets/${p}`, import.meta.url));
  // The host loads widget.js; the frame loads the chat window's modules and the stylesheet.
  const parts = ['js/widget.js', 'js/chat.js', 'js/api.js', 'js/dom.js', 'css/app.css'];
  const sizes = parts.map((p) => [p, gzipSync(file(p), { level: 9 }).length]);
  const total = sizes.reduce((n, [, s]) => n + s, 0);
  console.log(`# figure: widget script + chat window scripts + styles, gzip -9: ${total} bytes (${sizes.map(([p, s]) => `${p} ${s}`).join(', ')})`);
  assert.ok(total < 30 * 1024, `${total} bytes compressed`);
});

test('the chat window may be framed by any site; the other pages by none', async () => {
  const embed = await api('GET', '/chat/embed');
  assert.equal(embed.status, 200);
  assert.match(embed.headers.get('content-security-policy'), /frame-ancestors \*/);
  const help = await api('GET', '/help');
  assert.match(help.headers.get('content-security-policy'), /frame-ancestors 'none'/);
  const widget = await fetch(`${BASE}/assets/js/widget.js`);
  assert.equal(widget.status, 200);
  assert.match(widget.headers.get('content-type'), /javascript/);
});

test('one script tag on a host page of another origin opens the chat', async () => {
  const token = await customerToken(browser, 'buyer-1002');
  const who = await person(browser, { viewport: PHONE, locale: 'en-GB' });
  const page = await who.page();
  await page.goto(`${hostUrl}?lang=en&token=${encodeURIComponent(token)}`);
  const button = page.getByRole('button', { name: 'Chat with support' });
  await button.click();
  assert.equal(await page.getByRole('button', { name: 'Minimise chat' }).getAttribute('aria-expanded'), 'true');
  const frame = page.frameLocator('iframe[title="Chat with support"]');
  await assert.doesNotReject(frame.getByRole('heading', { name: 'What is your question about?' }).waitFor());
  // The token went in the fragment: the frame's address no longer shows it.
  const src = page.frames().find((f) => f.url().includes('/chat/embed'));
  assert.ok(src && !src.url().includes(token), 'the token is not left in the frame URL');
  await shoot(page, 'widget-topics');
  assert.equal(await frame.locator('#chat-input').isVisible(), false, 'no typing before the topic');

  await frame.getByRole('button', { name: 'Delivery and tracking' }).click();
  await frame.getByRole('button', { name: 'Question not about an order' }).click();
  await frame.locator('#chat-input').fill('Hello from the widget: where is my parcel? The courier did not come');
  await frame.locator('#chat-input').press('Enter');
  await assert.doesNotReject(frame.locator('.msg-mine', { hasText: 'Hello from the widget' }).waitFor());
  await assert.doesNotReject(frame.locator('.msg', { hasText: 'Bot' }).first().waitFor());
  await assert.doesNotReject(frame.getByRole('link', { name: 'Help centre' }).waitFor());
  const help = await frame.getByRole('link', { name: 'Help centre' }).getAttribute('target');
  assert.equal(help, '_blank', 'the help centre opens outside the frame');
  const chatFrame = page.frames().find((f) => f.url().includes('/chat/embed'));
  await axe(chatFrame, 'widget-frame');
  await axe(page, 'widget-on-host');
  await page.screenshot({ path: `${SHOTS}/widget-on-host-360.png` });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the host page scrolls sideways by ${overflow}px at 360 px`);
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: `${SHOTS}/widget-on-host-desktop.png` });

  // Minimised and opened again: the same conversation, not a new one.
  await page.getByRole('button', { name: 'Minimise chat' }).click();
  assert.equal(await page.locator('iframe[title="Chat with support"]').isVisible(), false);
  await page.getByRole('button', { name: 'Chat with support' }).click();
  assert.equal(await frame.locator('.msg-mine', { hasText: 'Hello from the widget' }).count(), 1);

  // A ready answer that helped ends the chat with the bot; a new question starts over.
  const answer = frame.locator('details.suggestion').first();
  await assert.doesNotReject(answer.waitFor());
  await answer.locator('summary').click();
  await answer.getByRole('button', { name: 'This helped' }).click();
  await assert.doesNotReject(frame.locator('#chat-status', { hasText: 'The chat has ended' }).waitFor());
  await frame.getByRole('button', { name: 'New question' }).click();
  await assert.doesNotReject(frame.getByRole('heading', { name: 'What is your question about?' }).waitFor());

  noProblems(who);
  await who.context.close();
});

test('a host page that passes no token gets a frame that says so and connects nowhere', async () => {
  const who = await person(browser);
  const page = await who.page();
  await page.goto(hostUrl);
  await page.getByRole('button', { name: 'Чат с поддержкой' }).click();
  const frame = page.frameLocator('iframe[title="Чат с поддержкой"]');
  await assert.doesNotReject(frame.locator('#chat-status', { hasText: 'Вход не выполнен' }).waitFor());
  assert.equal(await frame.getByRole('heading', { name: 'О чём ваш вопрос?' }).count(), 0);
  await axe(page.frames().find((f) => f.url().includes('/chat/embed')), 'widget-signed-out');
  await shoot(page, 'widget-signed-out');
  noProblems(who);
  await who.context.close();
});
