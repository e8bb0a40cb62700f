// Drives Neo4j Browser in headless Debian chromium: connect, run commands, look for text.
// Called by tests/neo4j/test_browser.py; reads its job from KGTWIN_BROWSER_JOB (JSON)
// and the password from KGTWIN_BROWSER_PASSWORD so it never appears in argv.
import { chromium } from 'playwright-core';

const job = JSON.parse(process.env.KGTWIN_BROWSER_JOB);
const password = process.env.KGTWIN_BROWSER_PASSWORD;
const browser = await chromium.launch({
  executablePath: job.chromium || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
// A fresh context is a fresh profile: no favourites or credentials from earlier runs.
const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
const page = await context.newPage();
const shot = (name) => page.screenshot({ path: `${job.artifacts}/${name}.png`, fullPage: true });
try {
  await page.goto(job.url, { waitUntil: 'domcontentloaded' });
  await page.getByTestId('boltaddress').waitFor({ timeout: 60000 });
  await page.getByTestId('boltaddress').fill(job.bolt);
  await page.getByTestId('username').fill(job.user);
  await page.getByTestId('password').fill(password);
  await page.getByTestId('connect').click();
  // Connected: the sidebar's database panel lists the default database.
  await page.getByText('You are connected as user', { exact: false }).first()
    .waitFor({ timeout: 60000 });
  for (const command of job.commands) {
    const editor = page.locator('#monaco-main-editor textarea, [data-testid="activeEditor"] textarea').first();
    await editor.click();
    await page.keyboard.type(command.replace(/\s*\n\s*/g, ' '));
    await page.getByTestId('editor-Run').click();
    await page.waitForTimeout(1500);
  }
  for (const text of job.expect) {
    await page.getByText(text, { exact: false }).first().waitFor({ timeout: 60000 });
  }
  await shot('browser-result');
  console.log(JSON.stringify({ ok: true }));
} catch (error) {
  await shot('browser-failure');
  console.log(JSON.stringify({ ok: false, error: String(error) }));
  process.exitCode = 1;
} finally {
  await browser.close();
}
