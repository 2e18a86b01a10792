// The owner dashboard in headless Chromium, as an owner uses it: sign in
// as the demo salon's owner, see the seeded appointments, turn lockdown on
// (and see the page say so, and the salon's chat widget refuse on its demo
// page), then off again (and the widget greet). Prints what happened as
// JSON; exits non-zero on failure.
//
//   node tests/browser/dashboard.mjs http://127.0.0.1:8787 [email] [password]
import puppeteer from "puppeteer-core";

const [base, email = "owner@demo-salon.test", password = "dev-password"] = process.argv.slice(2);
if (!base) {
  console.error("usage: dashboard.mjs BASE_URL [EMAIL] [PASSWORD]");
  process.exit(2);
}

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"],
});
const log = [];
const result = { ok: false, log };
try {
  const page = await browser.newPage();
  page.on("console", (m) => log.push(`${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => log.push(`pageerror: ${e.message}`));
  page.on("requestfailed", (r) => log.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`));
  const res = await page.goto(`${base}/dashboard`, { waitUntil: "load" });
  if (res.status() !== 200) throw new Error(`the dashboard answered ${res.status()}`);

  await page.type("#email", email);
  await page.type("#password", password);
  await page.click("#signin-button");
  await page.waitForFunction(() => document.body.dataset.loaded === "true", { timeout: 15000 });
  result.business = await page.$eval("#business-name", (e) => e.textContent);
  result.upcoming = await page.$$eval("#upcoming li.appointment", (els) => els.map((e) => e.textContent.trim()));
  result.today = await page.$$eval("#today li.appointment", (els) => els.map((e) => e.textContent.trim()));
  result.conversations = await page.$$eval("#conversations li.conversation", (els) => els.length);
  if (result.upcoming.length + result.today.length < 3) throw new Error("the seeded appointments are not shown");

  const lockdown = async (on) => {
    const before = await page.$eval("#lockdown", (e) => e.checked);
    if (before === on) throw new Error(`lockdown is already ${on}`);
    const answered = page.waitForResponse((r) => r.url().endsWith("/v1/owner/lockdown"), { timeout: 15000 });
    await page.click("#lockdown");
    const r = await answered;
    if (r.status() !== 200) throw new Error(`lockdown answered ${r.status()}`);
    await page.waitForFunction(
      (want) => document.getElementById("lockdown-panel").classList.contains("on") === want,
      { timeout: 15000 },
      on,
    );
    return page.$eval("#lockdown-state", (e) => e.textContent);
  };
  // The salon's widget, as a customer meets it on the demo page.
  const widget = async () => {
    const customer = await browser.newPage();
    customer.on("pageerror", (e) => log.push(`pageerror: ${e.message}`));
    const session = customer.waitForResponse((r) => r.url().endsWith("/v1/widget/session"), { timeout: 15000 });
    await customer.goto(`${base}/v1/widget/demo?business=demo-salon`, { waitUntil: "load" });
    const status = (await session).status();
    await customer.waitForSelector(".edgedesk-assistant", { timeout: 15000 });
    const said = await customer.$eval(".edgedesk-assistant", (e) => e.textContent);
    await customer.close();
    return { status, said };
  };
  const onText = await lockdown(true);
  result.lockdown_seen_on = onText.startsWith("Locked down");
  result.widget_locked = await widget();
  const refused = result.widget_locked.status === 423 && result.widget_locked.said.includes("not taking requests");
  const offText = await lockdown(false);
  result.lockdown_seen_off = offText.startsWith("The assistant is answering");
  result.widget_unlocked = await widget();
  const greeted = result.widget_unlocked.status === 201 && result.widget_unlocked.said.includes("Demo Salon");
  result.ok = result.lockdown_seen_on && result.lockdown_seen_off && refused && greeted;
  if (!result.ok) {
    throw new Error(`the switch showed "${onText}" then "${offText}"; the widget: ${JSON.stringify([result.widget_locked, result.widget_unlocked])}`);
  }
  console.log(JSON.stringify(result));
} catch (e) {
  result.ok = false;
  result.error = String(e.message ?? e);
  console.log(JSON.stringify(result));
  process.exitCode = 1;
} finally {
  await browser.close();
}
