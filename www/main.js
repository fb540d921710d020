// The demo page: lists the stand-in's payments and cancels them through paywall-edge,
// announcing each outcome. Plain DOM, no framework: the page is small.
import { cancelPayment, PaywallError } from "paywall-edge";
import CODES from "../src/core/paywall-codes.json";

const EXAMPLE_ID = "7cc7c8e8-9d92-41b6-9378-e9ecef5a7812";
const statusWords = new Map(CODES.paymentStatus.map(({ code, words }) => [code, words]));
const activityWords = new Map(CODES.activityType.map(({ code, words }) => [code, words]));

/** A status in words; a code the shared table does not know is shown as its number. */
const statusInWords = (code) => statusWords.get(code) ?? `Status ${code}`;
const activityInWords = (code) => activityWords.get(code) ?? `Activity ${code}`;

const elements = {
  address: document.querySelector("#standin-address"),
  status: document.querySelector("#status"),
  alert: document.querySelector("#alert"),
  table: document.querySelector("#payments"),
  rows: document.querySelector("#payments tbody"),
  form: document.querySelector("#cancel-form"),
  idField: document.querySelector("#payment-request-id"),
  reset: document.querySelector("#reset"),
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

async function cancel(paymentRequestId, button) {
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  announce({});
  try {
    const result = await cancelPayment(
      {
        baseAddress: standIn.url,
        apiKeyPrivate: standIn.keys.apiKeyPrivate,
        apiClientPrivate: standIn.keys.apiClientPrivate,
        timeoutMs: 10_000,
        dangerouslyAllowBrowser: true,
      },
      paymentRequestId,
    );
    announce({
      success:
        `Payment ${result.paymentRequestId} cancelled. Its status is now ` +
        `${statusInWords(result.paymentStatus)} ` +
        `(last activity: ${activityInWords(result.paymentRequestActivityTypeId)}).`,
    });
  } catch (error) {
    if (!(error instanceof PaywallError)) throw error;
    announce({ failure: describeFailure(error) });
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
