// A citizen at Norway.no in headless Chromium (Debian's, driven by playwright-core), run
// by tests/portal_norway_browser.rs with FJORD_BASE (the server), ARTEFACTS (where
// screenshots go), and USER_NAME and PASSWORD (a citizen's login): opens the topic "Arbeid",
// opens NAV among the hits, asks NAV a question, logs in on the way, sends the request
// and sees where it went, then sends one routed by the service chosen (to Skatteetaten);
// axe-core checks each page for serious or critical WCAG 2.1
// A/AA violations. Exits non-zero with the reason when a step fails.
'use strict';
const { check, accessible, launch, run, openPage } = require('./common.cjs');
const path = require('path');

const base = process.env.FJORD_BASE;
const artefacts = process.env.ARTEFACTS;

async function main() {
  const browser = await launch();
  const errors = [];
  try {
    const page = await openPage(browser, errors, 1200, 1000);

    // from the catalogue's header to Norway.no's front page, then the topic "Arbeid"
    await page.goto(base + '/');
    await page.locator('header').getByRole('link', { name: 'Tjenester' }).click();
    await page.waitForURL(/\/norge$/);
    await accessible(page, 'front page');
    await page.screenshot({ path: path.join(artefacts, 'norway-front.png'), fullPage: true });
    await page.locator('main').getByRole('link', { name: 'Arbeid', exact: true }).click();
    await page.waitForURL(/theme=Arbeid/);
    const heading = await page.locator('#hits-heading').textContent();
    check(/treff i tema «Arbeid»/.test(heading), `the topic's hits: ${heading}`);
    await accessible(page, 'topic page');

    // NAV among the hits
    await page.getByRole('link', { name: /Arbeids- og velferdsetaten/ }).click();
    await page.waitForURL(/\/norge\/virksomheter\/authority-nav$/);
    const facts = await page.locator('dl.facts').textContent();
    check(facts.includes('889640782'), `NAV's facts: ${facts}`);
    await accessible(page, 'authority page');
    await page.screenshot({ path: path.join(artefacts, 'norway-authority.png'), fullPage: true });

    // ask NAV: log in first, and come back to the form with NAV chosen
    await page.getByRole('link', { name: /Send et spørsmål til/ }).click();
    await page.waitForURL(/\/norge\/hjelp\?authority=authority-nav/);
    await page.locator('main').getByRole('link', { name: 'Logg inn' }).click();
    await page.waitForURL(/\/login\?return=/);
    await page.getByLabel('Brukernavn').fill(process.env.USER_NAME);
    await page.getByLabel('Passord').fill(process.env.PASSWORD);
    await page.locator('main').getByRole('button', { name: 'Logg inn' }).click();
    await page.waitForURL(/\/norge\/hjelp\?authority=authority-nav/);
    const chosen = await page.locator('#authority').inputValue();
    check(chosen === 'authority-nav', `the authority chosen: ${chosen}`);
    await page.getByLabel('Emne').fill('Dagpenger etter permittering');
    await page.getByLabel('Spørsmålet ditt').fill('Hvor lenge kan jeg få dagpenger når jeg er permittert?');
    await accessible(page, 'helpdesk form');
    await page.screenshot({ path: path.join(artefacts, 'norway-helpdesk.png'), fullPage: true });
    await page.getByRole('button', { name: 'Send henvendelsen' }).click();
    await page.waitForSelector('p.notice');
    const receipt = await page.locator('p.notice').textContent();
    check(receipt.includes('sendt til') && receipt.includes('NAV'), `the receipt: ${receipt}`);
    await accessible(page, 'receipt');
    await page.screenshot({ path: path.join(artefacts, 'norway-sent.png'), fullPage: true });

    // a second question, routed by the service chosen
    await page.goto(base + '/norge/hjelp');
    await page.locator('#service').selectOption('Skattemelding');
    await page.getByLabel('Emne').fill('Endre skattemeldingen');
    await page.getByLabel('Spørsmålet ditt').fill('Kan jeg endre skattemeldingen etter fristen?');
    await page.getByRole('button', { name: 'Send henvendelsen' }).click();
    await page.waitForSelector('p.notice');
    const second = await page.locator('p.notice').textContent();
    check(second.includes('Skatteetaten'), `the second receipt: ${second}`);

    // a phone's width: nothing wider than the screen
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(base + '/norge/hjelp?authority=authority-nav');
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    check(wide <= 360, `at 360 px the helpdesk form is ${wide} px wide`);

    check(errors.length === 0, `script errors in the pages: ${errors.join('; ')}`);
    console.log(`sent: ${receipt.trim()}`);
  } finally {
    await browser.close();
  }
}

run(main);
