// The chat widget's demo page in headless Chromium, as a customer uses it:
// open the page, ask for a haircut, tap an offered time, give a name and a
// number, confirm. Prints what happened as JSON; exits non-zero on failure.
//
//   node tests/browser/widget.mjs http://127.0.0.1:8787 [business]
import puppeteer from "puppeteer-core";

const [base, business = "demo-salon"] = process.argv.slice(2);
if (!base) {
  console.error("usage: widget.mjs BASE_URL [BUSINESS]");
  process.exit(2);
}

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"],
});
const log = [];
const replies = [];
try {
  const page = await browser.newPage();
  page.on("console", (m) => log.push(`${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => log.push(`pageerror: ${e.message}`));
  page.on("requestfailed", (r) => log.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`));
  const res = await page.goto(`${base}/v1/widget/demo?business=${encodeURIComponent(business)}`, { waitUntil: "load" });
  if (res.status() !== 200) throw new Error(`demo page answered ${res.status()}`);

  const assistant = ".edgedesk-assistant";
  const count = () => page.$$eval(assistant, (els) => els.length);
  const last = () => page.$$eval(assistant, (els) => els[els.length - 1].textContent);
  const waitForReply = async (before) => {
    await page.waitForFunction((sel, n) => document.querySelectorAll(sel).length > n, { timeout: 15000 }, assistant, before);
    const text = await last();
    replies.push(text);
    return text;
  };
  const expect = (text, start) => {
    if (!text.includes(start)) throw new Error(`expected "${start}" in "${text}"`);
  };
  const send = async (text) => {
    const before = await count();
    await page.type("#edgedesk-input", text);
    await page.click("#edgedesk-send");
    return waitForReply(before);
  };
  const tap = async (label) => {
    const before = await count();
    const buttons = await page.$$(".edgedesk-suggestion");
    let chosen = null;
    for (const b of buttons) {
      const t = await b.evaluate((e) => e.textContent);
      if (label === undefined || t === label) { chosen = b; break; }
    }
    if (!chosen) throw new Error(`no quick reply ${label ?? "at all"}`);
    const text = await chosen.evaluate((e) => e.textContent);
    await chosen.click();
    return { text, reply: await waitForReply(before) };
  };

  replies.push(await (async () => { await page.waitForSelector(assistant, { timeout: 15000 }); return last(); })());
  expect(replies[0], "booking assistant");
  const offer = await send("I'd like a haircut, soonest please");
  expect(offer, "I have ");
  const picked = await tap();
  expect(picked.reply, "What name should I put the appointment under?");
  expect(await send("Robin Tester"), "best phone number");
  expect(await send("312 555 0190"), "To confirm: a Haircut");
  const done = await tap("Yes");
  expect(done.reply, "You're booked: Haircut");
  const booked = await page.$eval("#edgedesk-chat", (e) => e.getAttribute("data-last-booked"));
  if (!booked) throw new Error("the widget did not record the booking");
  console.log(JSON.stringify({ ok: true, booked, picked: picked.text, replies, log }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, error: String(e.message ?? e), replies, log }));
  process.exitCode = 1;
} finally {
  await browser.close();
}
