// "Мессенджеры" in the cabinet (issue 10): from the account page to the
// messengers page, a one-time code with the Telegram deep link, in Russian
// and in English. The browser-test server has one Telegram bot configured
// (scripts/browser-test.sh) whose API is not reachable: the page still works.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, person, check, noProblems, demoSignIn } from '../lib/harness.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a customer gets a link code and the Telegram deep link from the cabinet', async () => {
  const customer = await person(browser);
  const page = await customer.page();
  await demoSignIn(page, 'buyer-1002');
  await page.goto(`${BASE}/account`);
  await page.locator('#messengers-card').click();
  await page.waitForURL(/\/account\/messengers$/);
  await assert.doesNotReject(page.locator('#none-linked').waitFor());
  await check(page, 'messengers');

  await page.locator('#get-code').click();
  const code = (await page.locator('#link-code').textContent()).trim();
  assert.match(code, /^[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}$/);
  const link = page.locator('#link-code-box a[data-bot="shop_help_bot"]');
  assert.equal(await link.getAttribute('href'), `https://t.me/shop_help_bot?start=${code.replace('-', '')}`);
  await check(page, 'messengers-code');

  // A second code replaces the first.
  await page.locator('#get-code').click();
  const second = (await page.locator('#link-code').textContent()).trim();
  assert.notEqual(second, code);
  noProblems(customer);
});

test('the messengers page in English', async () => {
  const customer = await person(browser, { locale: 'en-GB' });
  const page = await customer.page();
  await demoSignIn(page, 'buyer-1002');
  await page.goto(`${BASE}/account/messengers?lang=en`);
  await assert.doesNotReject(page.getByRole('heading', { name: 'Messengers', level: 1 }).waitFor());
  await page.getByRole('button', { name: 'Get a code' }).click();
  await assert.doesNotReject(page.getByText('Your code').waitFor());
  noProblems(customer);
});
