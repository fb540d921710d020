// The demo page: lists the stand-in's payments and cancels them through paywall-edge,
// announcing each outcome by the result's `state`, then shows what Paywall's inquiry says of
// the payment. Plain DOM, no framework: the page is small.
import { cancelPayment, inquirePayment, PaywallError } from "paywall-edge";
import CODES from "../src/core/paywall-codes.json";

const EXAMPLE_ID = "7cc7c8e8-9d92-41b6-9378-e9ecef5a7812";
const statusWords = new Map(CODES.paymentStatus.map(({ code, words }) => [code, words]));
const activityWords = new Map(CODES.activityType.map(({ code, words }) => [code, words]));

/** A status in words; a code the shared table does not know is shown as its number. */
const statusInWords = (code) => statusWords.get(code) ?? `Status ${code}`;
const activityInWords = (code) => activityWords.get(code) ?? `Activity ${code}`;
/** A status in words with its code, "Successful (4)"; an undocumented one as "Status 13". */
const statusWithCode = (code) => (statusWords.has(code) ? `${statusWords.get(code)} (${code})` : `Status ${code}`);

/** What each `confirmedBy` means, for a person. */
const CONFIRMED_BY = {
  response: "response: Paywall's answer to the cancel",
  inquiry: "inquiry: the answer was lost, and Paywall's inquiry showed the payment cancelled",
};

const elements = {
  address: document.querySelector("#standin-address"),
  status: document.querySelector("#status"),
  alert: document.querySelector("#alert"),
  table: document.querySelector("#payments"),
  rows: document.querySelector("#payments tbody"),
  form: document.querySelector("#cancel-form"),
  idField: document.querySelector("#payment-request-id"),
  reset: document.querySelector("#reset"),
  lastCancel: document.querySelector("#last-cancel"),
  lastPayment: document.querySelector("#last-payment"),
  lastState: document.querySelector("#last-state"),
  lastConfirmedBy: document.querySelector("#last-confirmed-by"),
  lastInquiry: document.querySelector("#last-inquiry"),
};

/** Where the stand-in listens and its demo keys, from the server that serves this page. */
let standIn;

/** Shows one outcome: a success in the status region, or a failure in the alert. */
function announce({ success = "", failure = "" }) {
  elements.status.textContent = success;
  elements.alert.textContent = failure;
}

function describeFailure(error) {
  if (error.kind === "input") {
    return `That is not a payment request ID: a GUID such as ${EXAMPLE_ID} is expected.`;
  }
  if (error.kind === "api") {
    const said = error.paywallMessage ?? "Paywall gave no message.";
    const code = error.clientMessage ? ` (${error.clientMessage})` : "";
    return `Payment ${error.paymentRequestId} was not cancelled: api error. Paywall says: ${said}${code}`;
  }
  return `The cancel failed: ${error.kind} error. ${error.message}`;
}

/**
 * The config for both calls. The keys are the stand-in's demo keys, served by `make www`:
 * dangerouslyAllowBrowser is the package's explicit opt-in to holding keys in a page, which
 * is safe only because these keys open nothing but the local stand-in.
 */
function paywallConfig() {
  return {
    baseAddress: standIn.url,
    apiKeyPrivate: standIn.keys.apiKeyPrivate,
    apiClientPrivate: standIn.keys.apiClientPrivate,
    timeoutMs: 10_000,
    dangerouslyAllowBrowser: true,
  };
}

/** The outcome of a resolved cancel, by its `state`: a success or a failure to announce. */
function describeResult(result) {
  const id = result.paymentRequestId;
  const status = statusInWords(result.paymentStatus);
  const activity = activityInWords(result.paymentRequestActivityTypeId);
  switch (result.state) {
    case "cancelled":
      return { success: `Payment ${id} cancelled. Its status is now ${status} (last activity: ${activity}).` };
    case "pending":
      return {
        success:
          `Payment ${id}: Paywall accepted the cancel, which is on its way to the terminal ` +
          `(status: ${status}). Paywall's callback will say how it ends.`,
      };
    case "failed":
      return { failure: `Payment ${id} was not cancelled: the terminal could not cancel it (status: ${status}).` };
    default:
      return {
        failure:
          `Paywall accepted the cancel of payment ${id}, with codes this page does not know ` +
          `(${activity}, ${status}): it is not shown as cancelled.`,
      };
  }
}

/** What Paywall's inquiry says of a payment: "Cancellation · Successful (4)". */
async function describeInquiry(paymentRequestId) {
  try {
    const payment = await inquirePayment(paywallConfig(), paymentRequestId);
    return `${activityInWords(payment.paymentTypeId)} · ${statusWithCode(payment.paymentStatusId)}`;
  } catch (error) {
    if (!(error instanceof PaywallError)) throw error;
    return `The inquiry failed: ${error.kind} error. ${error.message}`;
  }
}

/**
 * Fills "Last cancel" in: the result's state and confirmedBy (or the refusal), and what the
 * inquiry says of the payment now. Nothing to show for an id that never reached Paywall.
 */
function showLastCancel(paymentRequestId, { result, error, inquiry }) {
  elements.lastPayment.textContent = paymentRequestId;
  if (result) {
    elements.lastState.textContent = result.state;
    elements.lastConfirmedBy.textContent = CONFIRMED_BY[result.confirmedBy] ?? result.confirmedBy;
  } else {
    elements.lastState.textContent = `none: the cancel was refused (${error.kind} error)`;
    elements.lastConfirmedBy.textContent = "none";
  }
  elements.lastInquiry.textContent = inquiry;
  elements.lastCancel.hidden = false;
}

async function cancel(paymentRequestId, button) {
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  announce({});
  try {
    let outcome;
    try {
      const result = await cancelPayment(paywallConfig(), paymentRequestId);
      outcome = { result, announcement: describeResult(result) };
    } catch (error) {
      if (!(error instanceof PaywallError)) throw error;
      outcome = { error, announcement: { failure: describeFailure(error) } };
    }
    // The inquiry, for any id Paywall was asked about (a refused cancel included).
    const asked = outcome.result?.paymentRequestId ?? outcome.error?.paymentRequestId;
    if (asked) {
      showLastCancel(asked, { ...outcome, inquiry: await describeInquiry(asked) });
    } else {
      elements.lastCancel.hidden = true;
    }
    announce(outcome.announcement);
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
    await refreshPayments();
  }
}

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function paymentRow(payment) {
  const row = document.createElement("tr");
  const idCell = cell("", "id");
  idCell.id = `payment-${payment.paymentRequestId}`;
  const code = document.createElement("code");
  code.textContent = payment.paymentRequestId;
  idCell.append(code);
  const amount = Number(payment.amount).toFixed(2);
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = "Cancel";
  button.setAttribute("aria-describedby", idCell.id);
  button.addEventListener("click", () => cancel(payment.paymentRequestId, button));
  const action = cell("", "action");
  action.append(button);
  row.append(
    idCell,
    cell(`${payment.description} · ${amount}`, "what"),
    cell(statusInWords(payment.paymentStatus), "status"),
    cell(activityInWords(payment.paymentRequestActivityTypeId), "activity"),
    action,
  );
  for (const [td, label] of [
    [row.cells[0], "Payment request ID"],
    [row.cells[1], "Payment"],
    [row.cells[2], "Status"],
    [row.cells[3], "Last activity"],
  ]) {
    td.dataset.label = label;
  }
  return row;
}

/** Re-reads every payment from the stand-in, so the table shows Paywall's state. */
async function refreshPayments() {
  elements.table.setAttribute("aria-busy", "true");
  try {
    const response = await fetch(`${standIn.url}/__standin/payments`);
    const payments = await response.json();
    // Payments that exist to inject faults (hangs, HTML errors) are for the test suites.
    const shown = payments.filter((payment) => !payment.injectsFaults);
    elements.rows.replaceChildren(...shown.map(paymentRow));
  } catch (error) {
    announce({ failure: `The stand-in's payments could not be read: ${error.message}` });
  } finally {
    elements.table.removeAttribute("aria-busy");
  }
}

elements.form.addEventListener("submit", (event) => {
  event.preventDefault();
  const button = elements.form.querySelector("button[type=submit]");
  cancel(elements.idField.value.trim(), button);
});

elements.reset.addEventListener("click", async () => {
  await fetch(`${standIn.url}/__standin/reset`, { method: "POST" });
  elements.lastCancel.hidden = true;
  announce({ success: "The demo payments are back to their first state." });
  await refreshPayments();
});

async function start() {
  try {
    standIn = await (await fetch("/standin.json")).json();
  } catch (error) {
    announce({ failure: `The demo server did not say where the stand-in is: ${error.message}` });
    return;
  }
  elements.address.textContent = standIn.url;
  await refreshPayments();
}

start();
