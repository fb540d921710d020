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
  const lastCancel = (on = page) => on.getByRole("region", { name: "Last cancel" });

  /** "Last cancel" as { term: definition }, as a person reads it. */
  async function lastCancelFacts(on = page) {
    const terms = await lastCancel(on).getByRole("term").allInnerTexts();
    const definitions = await lastCancel(on).getByRole("definition").allInnerTexts();
    assert.equal(terms.length, definitions.length);
    return Object.fromEntries(terms.map((term, i) => [term.trim(), definitions[i].trim()]));
  }

  /** Types `id` in the free-form field and submits it, as a person would. */
  async function cancelById(id, on = page) {
    await on.getByLabel("Payment request ID").fill(id);
    await on.getByRole("button", { name: "Cancel payment" }).click();
  }

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

  it("shows the result's state and confirmedBy, and what Paywall's inquiry says of the payment", async () => {
    assert.deepEqual(await lastCancelFacts(), {
      "Payment request ID": LISTED,
      "Result state": "cancelled",
      confirmedBy: "response: Paywall's answer to the cancel",
      "Paywall's inquiry now says": "Cancellation · Successful (4)",
    });
    assert.equal(www.standIn.inquiries(LISTED), 1, "the page asked the inquiry endpoint once");
  });

  it("cancelling it again shows Paywall's refusal, with the error kind, in the alert", async () => {
    await row(LISTED).getByRole("button", { name: "Cancel", exact: true }).click();
    await alert().filter({ hasText: "api error" }).waitFor(TIMEOUT);
    const said = await alert().innerText();
    assert.match(said, /api error/);
    assert.match(said, /Paywall says: This payment already has a refund or a cancellation\./);
    assert.match(said, /Payment\.Async\.AlreadyHasRefundOrCancel/);
    assert.equal(await status().count(), 0, "the earlier success is no longer shown");
    const facts = await lastCancelFacts();
    assert.equal(facts["Result state"], "none: the cancel was refused (api error)");
    assert.equal(facts.confirmedBy, "none");
    assert.equal(facts["Paywall's inquiry now says"], "Cancellation · Successful (4)");
  });

  it("says a GUID is expected when the free-form field holds something else", async () => {
    await page.getByLabel("Payment request ID").fill("order-1001");
    await page.getByRole("button", { name: "Cancel payment" }).click();
    await alert().filter({ hasText: "GUID" }).waitFor(TIMEOUT);
    assert.match(await alert().innerText(), /not a payment request ID: a GUID such as .* is expected/);
    assert.equal(await lastCancel().count(), 0, "nothing to inquire about: Last cancel is hidden");
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

  it("announces a cancel still on its way to the terminal as pending, not cancelled", async () => {
    const id = SCENARIOS.cancelPendingOnDevice.paymentRequestId;
    await cancelById(id);
    await status().filter({ hasText: id }).waitFor(TIMEOUT);
    assert.match(await status().innerText(), /accepted the cancel, which is on its way to the terminal \(status: Sent to device\)/);
    assert.doesNotMatch(await status().innerText(), /cancelled\./);
    const facts = await lastCancelFacts();
    assert.equal(facts["Result state"], "pending");
    assert.equal(facts["Paywall's inquiry now says"], "Cancellation · Sent to device (2)");
  });

  it("announces a cancel the terminal could not carry out as a failure", async () => {
    const id = SCENARIOS.cancelFailedOnDevice.paymentRequestId;
    await cancelById(id);
    await alert().filter({ hasText: id }).waitFor(TIMEOUT);
    assert.match(await alert().innerText(), /was not cancelled: the terminal could not cancel it \(status: Failed\)/);
    assert.equal(await status().count(), 0);
    const facts = await lastCancelFacts();
    assert.equal(facts["Result state"], "failed");
    assert.equal(facts["Paywall's inquiry now says"], "Cancellation · Failed (5)");
  });

  it("shows a lost answer confirmed by the inquiry", async () => {
    // Every answer is lost. (With only the first one lost, Chromium itself resends the POST on
    // a reused connection, unseen by the package, and the call meets its own cancel on what it
    // counts as its first attempt: a refusal it does not reconcile.)
    const id = SCENARIOS.cancelAppliedAnswerLostAlways.paymentRequestId;
    // Its own tab: Chromium logs each dropped connection, which is no script error.
    const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const seen = [];
    watchForProblems(tab, seen);
    await tab.goto(www.url);
    await tab.getByRole("row", { name: new RegExp(LISTED) }).waitFor(TIMEOUT);
    await cancelById(id, tab);
    await tab.getByRole("status").filter({ hasText: id }).waitFor(TIMEOUT);
    assert.match(await tab.getByRole("status").innerText(), new RegExp(`Payment ${id} cancelled`));
    assert.deepEqual(await lastCancelFacts(tab), {
      "Payment request ID": id,
      "Result state": "cancelled",
      confirmedBy: "inquiry: the answer was lost, and Paywall's inquiry showed the payment cancelled",
      "Paywall's inquiry now says": "Cancellation · Successful (4)",
    });
    assert.ok(www.standIn.attempts(id) >= 2, "the lost attempt and the retries");
    assert.ok(seen.length > 0 && seen.every((problem) => problem.endsWith("net::ERR_EMPTY_RESPONSE")), seen.join("\n"));
    await tab.close();
  });

  it("forgets the last cancel when the demo payments are reset", async () => {
    await page.getByRole("button", { name: "Reset demo payments" }).click();
    await status().filter({ hasText: "first state" }).waitFor(TIMEOUT);
    assert.equal(await lastCancel().count(), 0);
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
