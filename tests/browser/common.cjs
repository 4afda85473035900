// What the browser scripts share: a check that fails the script with its reason,
// axe-core's WCAG 2.1 A/AA check of a page, and Debian's headless Chromium.
'use strict';
const { chromium } = require('playwright-core');
const axe = require('axe-core');

function check(ok, what) {
  if (!ok) throw new Error(what);
}

/** axe-core in the page: no serious or critical WCAG 2.1 A/AA violations. */
async function accessible(page, name) {
  await page.addScriptTag({ content: axe.source });
  const result = await page.evaluate(() =>
    window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of bad) console.log(`axe ${name}: ${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`);
  check(bad.length === 0, `${name}: ${bad.length} serious or critical accessibility violations`);
  console.log(`axe ${name}: ${result.passes.length} rules pass, no serious or critical violations`);
}

/** Debian's Chromium, headless (playwright-core downloads no browser). */
function launch() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
}

/** Run a script's `main`, exiting non-zero with the reason when a step fails. */
function run(main) {
  main().catch((e) => {
    console.error(e.stack || String(e));
    process.exit(1);
  });
}

/** A new page in a fresh browser context (Norwegian, `width` × `height`), whose script
 * errors are gathered in `errors`, with a 60 s timeout for each step. */
async function openPage(browser, errors, width = 1200, height = 1000) {
  const context = await browser.newContext({ viewport: { width, height }, locale: 'nb-NO' });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  page.setDefaultTimeout(60000);
  return page;
}

module.exports = { check, accessible, launch, run, openPage };
