// The foundation every page stands on: the demo sign-in, the account page,
// the language switch kept in a cookie, the help centre on the design, hostile
// article texts shown as text, assets with their types and caching, and
// 360 px layouts. Every page is checked with axe-core and photographed.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE, launch, person, check, noProblems, api, staffLogin, demoSignIn, HOSTILE, notPwned,
} from '../lib/harness.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the sign-in page explains the host site hand-over and offers the demo', async () => {
  const who = await person(browser);
  const page = await who.page();
  const r = await page.goto(`${BASE}/account`);
  assert.equal(r.status(), 200);
  assert.match(page.url(), /\/account\/signin\?reason=none&next=\/account$/);
  await assert.doesNotReject(page.getByRole('heading', { name: 'Вход' }).waitFor());
  await check(page, 'customer-signin');
  await page.getByRole('link', { name: /Демонстрация/ }).click();
  await page.waitForURL(/\/demo\?next=/);
  assert.ok(await page.getByRole('button', { name: /buyer-1001/ }).isVisible());
  await check(page, 'customer-demo');
  noProblems(who);
  await who.context.close();
});

test('a demo customer signs in, switches to English, and the choice stays', async () => {
  const who = await person(browser);
  const page = await who.page();
  await demoSignIn(page, 'buyer-1001');
  await assert.doesNotReject(page.getByRole('heading', { name: /Здравствуйте, Анна/ }).waitFor());
  // The page hands its scripts the identity token, and it works on the API.
  const token = await page.locator('meta[name="sb-token"]').getAttribute('content');
  const me = await api('GET', '/api/v1/customer/me', { token });
  assert.equal(me.status, 200);
  assert.equal(me.json.id, 'buyer-1001');
  await check(page, 'customer-account');

  await page.getByRole('link', { name: 'English' }).click();
  await assert.doesNotReject(page.getByRole('heading', { name: /Hello, Анна/ }).waitFor());
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await page.goto(`${BASE}/help`);
  assert.equal(await page.getAttribute('html', 'lang'), 'en', 'the language cookie is kept');
  await page.getByRole('link', { name: 'Русский' }).click();
  assert.equal(await page.getAttribute('html', 'lang'), 'ru');

  await page.goto(`${BASE}/account`);
  await page.getByRole('button', { name: 'Выйти' }).click();
  await page.waitForURL(/\/account\/signin/);
  await page.goto(`${BASE}/account`);
  assert.match(page.url(), /\/account\/signin/, 'signed out');
  noProblems(who);
  await who.context.close();
});

test('a forged or expired token is refused and nobody is signed in', async () => {
  const r = await fetch(`${BASE}/account/signin`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'token=buyer-1001.9999999999.deadbeef&next=//evil.example/',
  });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/account/signin?reason=invalid&next=/account');
  assert.equal(r.headers.get('set-cookie'), null);
});

test('the help centre: sections, search with word forms, articles; hostile texts stay text', async () => {
  const admin = await staffLogin('admin');
  const created = await api('POST', '/api/v1/kb/articles', {
    token: admin,
    body: {
      id: 'kb-hostile', section: 'mp-orders', topics: ['marketplace/ordering'],
      title: { ru: `Подарочная упаковка ${HOSTILE}`, en: `Gift wrapping ${HOSTILE}` },
      body: { ru: `Упаковку выбирают при оформлении.\n\n${HOSTILE}`, en: `Choose it at checkout.\n\n${HOSTILE}` },
    },
  });
  assert.equal(created.status, 201, created.text);
  assert.equal((await api('POST', '/api/v1/kb/articles/kb-hostile/publish', { token: admin })).status, 200);

  const who = await person(browser);
  const page = await who.page();
  await page.goto(`${BASE}/help`);
  await assert.doesNotReject(page.getByRole('heading', { name: 'Центр помощи', level: 1 }).waitFor());
  await check(page, 'help-home');

  await page.getByRole('searchbox').fill('как атменить заказы');
  await page.getByRole('button', { name: 'Найти' }).click();
  await page.waitForURL(/\/help\/search\?q=/);
  const first = page.locator('ol.list li a').first();
  assert.match(await first.textContent(), /отмен/i);
  assert.ok(await page.locator('ol.list mark').count() > 0, 'matches are highlighted');
  await check(page, 'help-search');

  await page.goto(`${BASE}/help/search?q=${encodeURIComponent('упаковка ' + HOSTILE)}`);
  assert.equal(await page.getByRole('searchbox').inputValue(), 'упаковка ' + HOSTILE);
  await page.goto(`${BASE}/help/articles/kb-hostile`);
  assert.equal(await page.locator('h1').textContent(), `Подарочная упаковка ${HOSTILE}`);
  assert.equal(await page.locator('article img').count(), 0);
  await notPwned(page);
  await check(page, 'help-article');

  await page.goto(`${BASE}/help/sections/mp-orders`);
  await check(page, 'help-section');
  const missing = await page.goto(`${BASE}/help/articles/no-such-article`);
  assert.equal(missing.status(), 404);
  await assert.doesNotReject(page.getByRole('heading', { name: 'Страница не найдена' }).waitFor());
  noProblems(who);
  await who.context.close();
});

test('assets: content types, content-hash URLs cached for a year, ETags', async () => {
  const html = await (await fetch(`${BASE}/help`)).text();
  const css = html.match(/href="(\/assets\/css\/app\.css\?v=[0-9a-f]{16})"/);
  assert.ok(css, 'the page links the stylesheet by its hash');
  const r = await fetch(BASE + css[1]);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'text/css; charset=utf-8');
  assert.match(r.headers.get('cache-control'), /immutable/);
  const etag = r.headers.get('etag');
  const again = await fetch(`${BASE}/assets/css/app.css`, { headers: { 'if-none-match': etag } });
  assert.equal(again.status, 304);
  assert.equal(again.headers.get('cache-control'), 'no-cache');
  const js = await fetch(`${BASE}/assets/js/api.js`);
  assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.equal((await fetch(`${BASE}/assets/../Cargo.toml`)).status, 404);
  const page = await fetch(`${BASE}/help`);
  assert.match(page.headers.get('content-security-policy'), /script-src 'self'/);
});
