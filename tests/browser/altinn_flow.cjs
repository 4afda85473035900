// A citizen's Altinn form in headless Chromium (Debian's, driven by playwright-core),
// run by tests/altinn_browser.rs with FJORD_BASE, ARTEFACTS, USER_NAME and PASSWORD:
// logs in, opens "Melding om flytting" from the forms list, sends it with a bad postcode
// (refused, the field named and focused), corrects it, sends it, sees the receipt, and
// finds it on MyPage. axe-core checks the form, receipt and MyPage pages. Exits
// non-zero with the reason when a step fails.
'use strict';
const { check, accessible, launch, run, openPage } = require('./common.cjs');
const path = require('path');

const base = process.env.FJORD_BASE;
const artefacts = process.env.ARTEFACTS;

async function main() {
  const browser = await launch();
  const errors = [];
  try {
    const page = await openPage(browser, errors);

    // MyPage asks to log in; the login comes back to it
    await page.goto(base + '/minside');
    await page.locator('main').getByRole('link', { name: 'Logg inn' }).click();
    await page.getByLabel('Brukernavn').fill(process.env.USER_NAME);
    await page.getByLabel('Passord').fill(process.env.PASSWORD);
    await page.getByRole('button', { name: 'Logg inn' }).click();
    await page.waitForURL(/\/minside$/);
    check((await page.locator('h1').textContent()) === 'Min side', 'MyPage after logging in');

    // the forms list, then the change-of-address form
    await page.goto(base + '/skjema');
    await page.getByRole('link', { name: 'Melding om flytting' }).click();
    await page.waitForURL(/\/skjema\/form-flytting/);
    await page.getByLabel('Ny adresse').fill('Strandkaien 2');
    await page.getByLabel('Postnummer').fill('50');
    await page.getByLabel('Poststed').fill('Bergen');
    await page.getByLabel('Flyttedato').fill('2026-12-01');
    await page.getByLabel('Boligtype').selectOption('leilighet');
    await page.getByLabel('Antall personer som flytter').fill('2');
    await accessible(page, 'form page');
    await page.screenshot({ path: path.join(artefacts, 'altinn-form.png'), fullPage: true });

    // a bad postcode: refused, named, focused; the draft is kept
    await page.getByRole('button', { name: 'Send inn' }).click();
    await page.waitForFunction(() => document.querySelector('[data-problem]').textContent.includes('data.postnummer'));
    const focused = await page.evaluate(() => document.activeElement.name);
    check(focused === 'postnummer', `the refused field has the focus: ${focused}`);
    check(/utkast=/.test(page.url()), `the draft's address: ${page.url()}`);
    await page.screenshot({ path: path.join(artefacts, 'altinn-refused.png'), fullPage: true });

    // corrected and sent: the receipt
    await page.getByLabel('Postnummer').fill('5003');
    await page.getByRole('button', { name: 'Send inn' }).click();
    await page.waitForURL(/\/receipt$/);
    const receipt = (await page.locator('[data-receipt]').textContent()).trim();
    check(/^AR[0-9]{10}$/.test(receipt), `a receipt number: ${receipt}`);
    await accessible(page, 'receipt page');
    await page.screenshot({ path: path.join(artefacts, 'altinn-receipt.png'), fullPage: true });

    // MyPage lists it as sent, with its receipt number
    await page.getByRole('link', { name: 'Til Min side' }).click();
    await page.waitForURL(/\/minside$/);
    const row = page.locator('#submissions tbody tr').filter({ hasText: receipt });
    check((await row.count()) === 1, `MyPage lists receipt ${receipt}`);
    check((await row.textContent()).includes('Sendt inn'), `its status: ${await row.textContent()}`);
    check((await page.getByRole('link', { name: /Folkeregisteret har registrert/ }).getAttribute('href')) === '/minside/folkeregister',
      'the National Register link');
    await accessible(page, 'MyPage');
    await page.screenshot({ path: path.join(artefacts, 'altinn-mypage.png'), fullPage: true });
    console.log(`sent ${receipt}`);
    check(errors.length === 0, `script errors in the pages: ${errors.join('; ')}`);
  } finally {
    await browser.close();
  }
}

run(main);
