// What the browser scripts share: a failed step's exit, and axe-core's accessibility
// check of a page.
'use strict';
const axe = require('axe-core');

/** Fail the script with `what` unless `ok`. */
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

module.exports = { check, accessible };
