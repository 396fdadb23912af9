// "My requests": the customer (one browser context) opens a request with a
// file, an operator (another context, on the JSON API until the console
// exists) answers with a hostile-looking reply; the customer sees it, replies,
// the operator resolves, the customer reopens and then files a claim.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE, launch, person, check, noProblems, api, staffLogin, demoSignIn, HOSTILE, notPwned,
} from '../lib/harness.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('an operator answer appears in My requests; reply, reopen and claim work', async () => {
  const customer = await person(browser);
  const page = await customer.page();
  await demoSignIn(page, 'buyer-1001');
  const token = await page.locator('meta[name="sb-token"]').getAttribute('content');
  const opened = await api('POST', '/api/v1/customer/tickets', {
    token,
    body: {
      line: 'marketplace', topic: 'returns', problem: 'other', problem_text: 'Вернули не всю сумму',
      order_number: 'MP-10002', description: 'Вернули 500 рублей вместо 1500', reply_channel: 'email',
    },
  });
  assert.equal(opened.status, 201, opened.text);
  const number = opened.json.number;

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

  // Another customer's request is not there for this one.
  const other = await person(browser);
  const otherPage = await other.page();
  await demoSignIn(otherPage, 'buyer-1002');
  const r = await otherPage.goto(`${BASE}/account/requests/${number}`);
  assert.equal(r.status(), 404);
  noProblems(customer);
  await customer.context.close();
  await other.context.close();
});
