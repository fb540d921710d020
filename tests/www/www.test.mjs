// The demo page in headless Chromium, used only the way a person uses it: by labels, roles
// and button names. Saves screenshots under target/ to look at.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { root } from "../../scripts/tarball.mjs";
import { buildWww, startWww } from "../../scripts/www.mjs";
import { SCENARIOS } from "../../standin/scenarios.mjs";
import { launchChromium, watchForProblems } from "../browser/chromium.mjs";

const LISTED = SCENARIOS.saleOnDevice.paymentRequestId;
const TIMEOUT = { timeout: 10_000 };

describe("the www demo page", () => {
  let www;
  let browser;
  let page;
  const problems = [];

  before(async () => {
    buildWww();
    www = await startWww({ port: 0 });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    watchForProblems(page, problems);
    await page.goto(www.url);
    await page.getByRole("row", { name: new RegExp(LISTED) }).waitFor(TIMEOUT);
  });

  after(async () => {
    await browser?.close();
    await www?.close();
  });

  const row = (id) => page.getByRole("row", { name: new RegExp(id) });
  const status = () => page.getByRole("status");
  const alert = () => page.getByRole("alert");

  it("says plainly that dangerouslyAllowBrowser is for the stand-in's demo keys only", async () => {
    const note = page.getByRole("complementary", { name: "Demo keys only" });
    assert.match(await note.innerText(), /dangerouslyAllowBrowser: true/);
    assert.match(await note.innerText(), /server or edge worker/);
  });

  it("lists the stand-in's payments with their status in words and a Cancel button", async () => {
    assert.match(await row(LISTED).innerText(), /Sent to device/);
    assert.match(await row(SCENARIOS.alreadyCancelled.paymentRequestId).innerText(), /Successful[\s\S]*Cancellation/);
    assert.equal(await row(LISTED).getByRole("button", { name: "Cancel", exact: true }).count(), 1);
    assert.equal(await row(SCENARIOS.hang.paymentRequestId).count(), 0, "fault scenarios are not listed");
  });

  it("shows a status code Paywall has not documented as its number", async () => {
    assert.match(await row(SCENARIOS.undocumentedStatus.paymentRequestId).innerText(), /Status 13/);
  });

  it("cancels a listed payment and the row shows its new status from the stand-in", async () => {
    await row(LISTED).getByRole("button", { name: "Cancel", exact: true }).click();
    await status().filter({ hasText: LISTED }).waitFor(TIMEOUT);
    const announced = await status().innerText();
    assert.match(announced, new RegExp(`Payment ${LISTED} cancelled`));
    assert.match(announced, /status is now Successful/);
    await row(LISTED).getByText("Successful").waitFor(TIMEOUT);
    assert.match(await row(LISTED).innerText(), /Successful[\s\S]*Cancellation/);
    assert.equal(await alert().count(), 0, "no failure is shown (an empty alert is hidden)");
  });

  it("cancelling it again shows Paywall's refusal, with the error kind, in the alert", async () => {
    await row(LISTED).getByRole("button", { name: "Cancel", exact: true }).click();
    await alert().filter({ hasText: "api error" }).waitFor(TIMEOUT);
    const said = await alert().innerText();
    assert.match(said, /api error/);
    assert.match(said, /Paywall says: This payment already has a refund or a cancellation\./);
    assert.match(said, /Payment\.Async\.AlreadyHasRefundOrCancel/);
    assert.equal(await status().count(), 0, "the earlier success is no longer shown");
  });

  it("says a GUID is expected when the free-form field holds something else", async () => {
    await page.getByLabel("Payment request ID").fill("order-1001");
    await page.getByRole("button", { name: "Cancel payment" }).click();
    await alert().filter({ hasText: "GUID" }).waitFor(TIMEOUT);
    assert.match(await alert().innerText(), /not a payment request ID: a GUID such as .* is expected/);
  });

  it("cancels any payment from the free-form field with the keyboard alone", async () => {
    const id = SCENARIOS.demoPayment1.paymentRequestId;
    const field = page.getByLabel("Payment request ID");
    await field.focus();
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.type(id);
    await page.keyboard.press("Enter");
    await status().filter({ hasText: id }).waitFor(TIMEOUT);
    assert.match(await status().innerText(), /status is now Successful/);
    await row(id).getByText("Successful").waitFor(TIMEOUT);
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => document.activeElement?.textContent);
    assert.equal(focused, "Cancel payment", "the submit button follows the field in tab order");
  });

  it("fits a phone's width without sideways scrolling", async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    watchForProblems(phone, problems);
    await phone.goto(www.url);
    await phone.getByRole("row", { name: new RegExp(LISTED) }).waitFor(TIMEOUT);
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);
    await phone.screenshot({ path: path.join(root, "target", "www-phone.png"), fullPage: true });
    await phone.close();
  });

  it("logs no script errors, and leaves a screenshot to look at", async () => {
    await page.screenshot({ path: path.join(root, "target", "www.png"), fullPage: true });
    assert.deepEqual(problems, []);
  });
});
