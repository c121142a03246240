#!/usr/bin/env node
// Screenshots a lab page in headless Chromium, after setting its controls the way the
// README shows them:
//
//   node dist/cli/main.js lab scenarios/seed-lab.yaml --out reports/lab.html
//   node scripts/lab-screenshot.mjs reports/lab.html docs/lab.png [--off retry] [--rate 8%]
//
// --off LAYER (repeatable) unticks a layer; --rate picks the slider position showing that
// error rate. Needs playwright-core (a devDependency) and Chromium (CHROMIUM, default
// /usr/bin/chromium). The page is opened from file://; it fetches nothing.
import { chromium } from 'playwright-core';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const [page, png] = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
if (!page || !png) {
  console.error('usage: node scripts/lab-screenshot.mjs LAB.html OUT.png [--off LAYER ...] [--rate 8%]');
  process.exit(2);
}
const off = args.flatMap((a, i) => (a === '--off' ? [args[i + 1]] : []));
const rate = args.flatMap((a, i) => (a === '--rate' ? [args[i + 1]] : []))[0];

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const tab = await browser.newPage({ viewport: { width: 1100, height: 900 }, deviceScaleFactor: 1 });
  await tab.goto(pathToFileURL(resolve(page)).href);
  for (const layer of off) await tab.uncheck(`#layer-${layer}`);
  if (rate !== undefined) {
    const labels = await tab.evaluate(() => JSON.parse(document.getElementById('lab-data').textContent).errorRates.map((r) => `${Number((r * 100).toPrecision(6))}%`));
    const index = labels.indexOf(rate);
    if (index < 0) throw new Error(`--rate ${rate}: the page has ${labels.join(', ')}`);
    await tab.locator('#error-rate').fill(String(index));
  }
  await tab.screenshot({ path: png, fullPage: true });
  console.log(`wrote ${png}`);
} finally {
  await browser.close();
}
