// Drives Neo4j Browser in headless Debian chromium, as a person would: connect, set the
// example's parameters, drop the example's .cypher file on the page, save it as a
// favourite, run the favourite and wait for its result; then open kgtwin's guide with
// :guide, click the same query into the editor and run it; screenshots as artefacts
// (browser-legend.png: the drug and its neighbours as a graph, with the label legend).
// Called by tests/neo4j/test_browser.py. The job comes in KGTWIN_BROWSER_JOB (JSON), the
// password in KGTWIN_BROWSER_PASSWORD, so neither appears in argv.
import { chromium } from 'playwright-core';

const job = JSON.parse(process.env.KGTWIN_BROWSER_JOB);
const password = process.env.KGTWIN_BROWSER_PASSWORD;
// A fresh profile folder each run: no favourites or credentials from an earlier run.
const browser = await chromium.launchPersistentContext(job.profile, {
  executablePath: job.chromium,
  headless: true,
  viewport: { width: 1400, height: 1000 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage();
const shot = (name) => page.screenshot({ path: `${job.artifacts}/${name}.png`, fullPage: true });
const step = (what) => console.error(`browser: ${what}`);

async function type(command) {
  await page.locator('[data-testid="activeEditor"] textarea').first().click();
  await page.keyboard.type(command);
  await page.getByTestId('editor-Run').click();
}

try {
  step(`open ${job.url}`);
  await page.goto(job.url, { waitUntil: 'domcontentloaded' });
  await page.getByTestId('boltaddress').fill(job.bolt, { timeout: 60000 });
  await page.getByTestId('username').fill(job.user);
  await page.getByTestId('password').fill(password);
  await page.getByTestId('connect').click();
  await page.getByText('You are connected as user').first().waitFor({ timeout: 60000 });
  step('connected');

  for (const command of job.params) {
    await type(command);
    await page.getByText('Successfully set your parameter').first().waitFor({ timeout: 30000 });
  }
  step('parameters set');

  // Drop the .cypher file on the page, as a user drags it from a file manager.
  const file = await page.evaluateHandle(({ name, text }) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([text], name, { type: 'text/plain' }));
    return transfer;
  }, job.file);
  await page.dispatchEvent('[data-testid="main"]', 'dragenter', { dataTransfer: file });
  await page.dispatchEvent('[data-testid="main"]', 'dragover', { dataTransfer: file });
  await page.dispatchEvent('[data-testid="main"]', 'drop', { dataTransfer: file });
  await page.getByText('Save to favorites').click({ timeout: 30000 });
  step('saved as favourite');

  await page.getByTestId('navigationFavorites').click();
  await page.getByText(job.favorite, { exact: false }).first().click({ timeout: 30000 });
  await page.getByTestId('navigationFavorites').click(); // close the drawer again
  await page.getByTestId('editor-Run').click();
  step('favourite run');

  for (const text of job.expect) {
    await page.getByText(text, { exact: false }).first().waitFor({ timeout: 60000 });
  }
  await shot('browser-result');

  if (job.graph) {
    // The same drug as a graph: the result frame's legend lists every label of the
    // nodes shown, which is what a reader sees first (browser-legend.png).
    await type(`:clear`);
    await type(job.graph.query);
    await page.getByText('Displaying', { exact: false }).first().waitFor({ timeout: 60000 });
    await page.waitForTimeout(2000); // the force layout settles
    step('graph shown');
    await shot('browser-legend');
  }

  if (job.guide) {
    // The guide `kgtwin neo4j guide` serves, opened at the example's page: its query
    // block is clicked into the editor and run, as a reader of the guide does.
    await type(`:clear`);
    // Opened at its first page (an error would show there), then at the example's page.
    await type(`:guide ${job.guide.url}`);
    await page.getByText(job.guide.intro, { exact: false }).first().waitFor({ timeout: 60000 });
    step('guide open');
    await type(`:guide ${job.guide.url}#slide-${job.guide.slide}`);
    await page.getByText(job.guide.title, { exact: false }).first().waitFor({ timeout: 60000 });
    step('guide at the example');
    await page.locator('pre', { hasText: job.guide.query }).first().click({ timeout: 30000 });
    await page.getByTestId('editor-Run').click();
    for (const text of job.expect) {
      await page.getByText(text, { exact: false }).first().waitFor({ timeout: 60000 });
    }
    step('guide query run');
    await shot('browser-guide');
  }
  console.log(JSON.stringify({ ok: true }));
} catch (error) {
  await shot('browser-failure').catch(() => {});
  console.log(JSON.stringify({ ok: false, error: String(error) }));
  process.exitCode = 1;
} finally {
  await browser.close();
}
