// "My requests": the customer (one browser context) opens a request, an
// operator (on the staff JSON API) answers with a hostile-looking reply; the
// customer sees it as text, replies (an empty reply is refused, a photo is
// shown), the operator resolves, the customer reopens and then files a claim.
// Then on a phone in English, and "not found" for numbers that are not theirs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  BASE, launch, person, check, noProblems, api, staffLogin, demoSignIn, HOSTILE, notPwned, PHONE, PNG, PDF,
} from '../lib/harness.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// Signs `customer` in on `page` and opens a return request for `order` on the
// customer API with the page's own token; returns its number.
async function openReturn(page, customer, order, problemText, description) {
  await demoSignIn(page, customer);
  const token = await page.locator('meta[name="sb-token"]').getAttribute('content');
  const opened = await api('POST', '/api/v1/customer/tickets', {
    token,
    body: {
      line: 'marketplace', topic: 'returns', problem: 'other', problem_text: problemText,
      order_number: order, description, reply_channel: 'email',
    },
  });
  assert.equal(opened.status, 201, opened.text);
  return opened.json.number;
}

test('an operator answer appears in My requests; reply, reopen and claim work', async () => {
  const customer = await person(browser);
  const page = await customer.page();
  const number = await openReturn(page, 'buyer-1001', 'MP-10002', 'Вернули не всю сумму', 'Вернули 500 рублей вместо 1500');

  const operator = await staffLogin('operator');
  assert.equal((await api('POST', `/api/v1/tickets/${number}/take`, { token: operator })).status, 200);
  const answer = `Проверим возврат. ${HOSTILE}`;
  const replied = await api('POST', `/api/v1/tickets/${number}/replies`, { token: operator, body: { body: answer } });
  assert.equal(replied.status, 200, replied.text);

  await page.goto(`${BASE}/account/requests`);
  const row = page.locator('ul.requests li', { hasText: number });
  await assert.doesNotReject(row.waitFor());
  assert.match(await row.textContent(), /Ждём вашего ответа|В работе/);
  await check(page, 'requests-list');

  await row.getByRole('link').click();
  await page.waitForURL(new RegExp(`/account/requests/${number}$`));
  const support = page.locator('.dialogue .msg', { hasText: 'Проверим возврат.' });
  assert.equal(await support.locator('.msg-body').textContent(), answer, 'the reply is shown as text');
  assert.equal(await page.locator('.dialogue img').count(), 0);
  await notPwned(page);
  await check(page, 'request-dialogue');

  await page.getByLabel('Ваше сообщение').fill('Чек прилагаю позже');
  await page.getByRole('button', { name: 'Отправить' }).click();
  await assert.doesNotReject(page.locator('.msg-mine', { hasText: 'Чек прилагаю позже' }).waitFor());

  // An empty reply is refused in place; nothing is sent.
  const before = await page.locator('.dialogue .msg').count();
  await page.getByRole('button', { name: 'Отправить' }).click();
  assert.equal(await page.locator('#summary').textContent(), 'Напишите текст.');
  assert.equal(await page.locator('.dialogue .msg').count(), before);

  // A reply with a photo: shown in the dialogue, loaded with the page's session.
  await page.getByLabel('Ваше сообщение').fill('Вот фото чека');
  await page.getByLabel('Файлы (до 5)').setInputFiles([{ name: 'чек.png', mimeType: 'image/png', buffer: PNG }]);
  await page.getByRole('button', { name: 'Отправить' }).click();
  const withFile = page.locator('.msg-mine', { hasText: 'Вот фото чека' });
  await assert.doesNotReject(withFile.waitFor());
  await assert.doesNotReject(withFile.locator('a', { hasText: 'чек.png' }).waitFor());
  const loaded = await withFile.locator('img').evaluate(async (img) => {
    if (!img.complete) await new Promise((r) => { img.onload = r; img.onerror = r; });
    return img.naturalWidth;
  });
  assert.equal(loaded, 1, 'the photo loads from the API with the session cookie');

  // A file name is shown as it was stored, as text: an entity stays an entity.
  const oddName = 'Счёт &amp; акт №2 (копия).pdf';
  await page.getByLabel('Ваше сообщение').fill('Акт приложен');
  await page.getByLabel('Файлы (до 5)').setInputFiles([{ name: oddName, mimeType: 'application/pdf', buffer: PDF }]);
  await page.getByRole('button', { name: 'Отправить' }).click();
  const withPdf = page.locator('.msg-mine', { hasText: 'Акт приложен' });
  await assert.doesNotReject(withPdf.waitFor());
  assert.equal(await withPdf.locator('.file a').textContent(), oddName);

  assert.equal((await api('POST', `/api/v1/tickets/${number}/resolve`, { token: operator })).status, 200);
  await page.reload();
  assert.equal(await page.locator('#status').textContent(), 'Решено');
  await page.getByLabel('Что осталось нерешённым').fill('Деньги так и не пришли');
  await page.getByRole('button', { name: 'Открыть снова' }).click();
  await assert.doesNotReject(page.locator('.msg-mine', { hasText: 'Деньги так и не пришли' }).waitFor());
  assert.notEqual(await page.locator('#status').textContent(), 'Решено');

  await page.getByText('Подать официальную претензию').click();
  assert.match(await page.locator('details.claim').textContent(), /10 дней/);
  await check(page, 'request-claim-form');
  await page.getByLabel(/Ваше требование/).fill('Требую вернуть 1000 рублей');
  await page.getByRole('button', { name: 'Подать претензию' }).click();
  await assert.doesNotReject(page.locator('.badge', { hasText: 'Претензия' }).first().waitFor());
  const staffView = await api('GET', `/api/v1/tickets/${number}`, { token: operator });
  assert.equal(staffView.json.kind, 'claim');

  // The case file for a regulator: the link downloads a ZIP with the page's
  // session (its PDF and files are checked by the API tests).
  const caseLink = page.getByRole('link', { name: 'Скачать материалы обращения' });
  const [download] = await Promise.all([page.waitForEvent('download'), caseLink.click()]);
  assert.equal(download.suggestedFilename(), `case-${number}.zip`);
  assert.equal(readFileSync(await download.path()).subarray(0, 4).toString('latin1'), 'PK\x03\x04');
  const caseUrl = BASE + await caseLink.getAttribute('href');
  const caseFile = await page.request.get(caseUrl);
  assert.equal(caseFile.status(), 200);
  assert.equal(caseFile.headers()['content-type'], 'application/zip');
  await check(page, 'request-claim-filed');

  // Another customer's request is not there for this one.
  const other = await person(browser);
  const otherPage = await other.page();
  await demoSignIn(otherPage, 'buyer-1002');
  const r = await otherPage.goto(`${BASE}/account/requests/${number}`);
  assert.equal(r.status(), 404);
  assert.equal((await otherPage.request.get(caseUrl)).status(), 404, "another customer's case file is not found");
  noProblems(customer);
  await customer.context.close();
  await other.context.close();
});

test('on a phone (360 px), in English: the list and a request read well', async () => {
  const who = await person(browser, { viewport: PHONE, locale: 'en-GB' });
  const page = await who.page();
  const number = await openReturn(page, 'buyer-1002', 'MP-10005', 'Refund missing', 'The refund has not arrived');
  await page.goto(`${BASE}/account/requests?lang=en`);
  assert.equal(await page.locator('h1').textContent(), 'My requests');
  const row = page.locator('ul.requests li', { hasText: number });
  assert.match(await row.textContent(), /We will reply by \d{2}\.\d{2}\.\d{4} \d{2}:\d{2} \(Moscow time\)/);
  await check(page, 'requests-list-phone-en');
  await row.getByRole('link').click();
  await page.waitForURL(new RegExp(`/account/requests/${number}$`));
  assert.match(await page.locator('.dialogue').textContent(), /The refund has not arrived/);
  await check(page, 'request-phone-en');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling (${overflow} px)`);
  // A number that is not a number, and one that does not exist: "not found".
  assert.equal((await page.goto(`${BASE}/account/requests/%3Cscript%3E`)).status(), 404);
  assert.equal((await page.goto(`${BASE}/account/requests/SB-999999`)).status(), 404);
  await check(page, 'customer-not-found');
  noProblems(who);
  await who.context.close();
});
