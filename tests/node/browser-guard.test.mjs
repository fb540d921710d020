// The browser guard refuses private keys in browsers (pages and web workers; see
// tests/browser for those, in Chromium), but a server runtime is never taken for one: not
// even a Node, Bun or Deno process where a DOM emulation has defined window and document.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createPayment, runInOwnProcess, useStandIn } from "./helpers.mjs";

describe("a server process with a DOM emulation", () => {
  const standIn = useStandIn({ before, after });

  for (const emulation of ["jsdom", "happy-dom"]) {
    it(`cancels without dangerouslyAllowBrowser when ${emulation} has defined window and document`, async () => {
      const id = await createPayment(standIn().url, { merchantUniqueCode: `DOM-${emulation}` });
      const outcome = await runInOwnProcess("dom-emulation-child.mjs", {
        DOM_EMULATION: emulation,
        PAYWALL_BASE_ADDRESS: standIn().url,
        PAYMENT_REQUEST_ID: id,
      });
      assert.deepEqual(outcome, { ok: true, paymentStatus: 4, documentDefined: true });
    });
  }
});
