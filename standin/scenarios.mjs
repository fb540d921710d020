// The one table the Paywall stand-in and every test share: the keys it accepts, Paywall's
// codes, and each scenario (a seeded payment, or a fault to inject) under a stable name
// with its own payment request id. Tests name scenarios; they never spell an id.
//
// Facts come from Paywall's Physical POS documentation (../shared/reference); where the
// stand-in has to assume something Paywall does not document, the comment says so.

import CODES from "../src/core/paywall-codes.json" with { type: "json" };

/** The only header values the stand-in accepts (demo keys; never real ones). */
export const STANDIN_KEYS = Object.freeze({
  apiKeyPrivate: "standin-demo-private-key",
  apiClientPrivate: "standin-demo-private-client",
});

/**
 * The stand-in's "Physical POS webhook hash key", the key Paywall's merchant panel creates for
 * signing callbacks (`HashKeyType` 7, PhysicalPosWebhook). A demo value, like STANDIN_KEYS.
 */
export const STANDIN_WEBHOOK_KEY = "standin-demo-physical-pos-webhook-key";

/**
 * The `ConnectionId` the stand-in's callbacks carry: Paywall documents it as the GUID of the
 * merchant's connection to the physical POS provider; the stand-in has one, this one.
 */
export const STANDIN_CONNECTION_ID = "e86323e6-0035-4ab7-96ef-4d08d7c027dc";

/**
 * Paywall's code numbers by name, from the one code table shared with the Rust core and the
 * www page (src/core/paywall-codes.json): PAYMENT_STATUS.SentToDevice === 2,
 * ACTIVITY_TYPE.Cancellation === 2, and so on.
 */
export const PAYMENT_STATUS = codesByName(CODES.paymentStatus);
export const ACTIVITY_TYPE = codesByName(CODES.activityType);

/**
 * The name the inquiry endpoint reports for each status. Paywall documents `Generated` and
 * `SentToDevice`; the table marks the others as the stand-in's own (`apiNameFrom`).
 */
export const PAYMENT_STATUS_API_NAME = Object.freeze(
  Object.fromEntries(CODES.paymentStatus.map(({ code, apiName }) => [code, apiName])),
);

/**
 * The name the inquiry endpoint reports for each payment type (`PaymentType`). Paywall's sample
 * shows `Sale`; the others are the code table's names, the stand-in's assumption.
 */
export const PAYMENT_TYPE_API_NAME = Object.freeze(
  Object.fromEntries(CODES.activityType.map(({ code, name }) => [code, name])),
);

/** Paywall's currency table (`CurrencyId`), as its Physical POS system data lists it. */
export const CURRENCIES = Object.freeze({ 1: "TRY", 2: "USD", 3: "EUR", 4: "BAM", 5: "MKD", 6: "ALL", 7: "GBP" });

/** Paywall's payment channels (`PaymentChannelId`): an async sale is channel 1. */
export const PAYMENT_CHANNELS = Object.freeze({ 1: "Async", 2: "Socket" });

function codesByName(rows) {
  return Object.freeze(Object.fromEntries(rows.map(({ name, code }) => [name, code])));
}

/** Paywall's text error codes, which arrive in `clientMessage`. */
export const CLIENT_MESSAGES = Object.freeze({
  AlreadyHasRefundOrCancel: "Payment.Async.AlreadyHasRefundOrCancel",
  NotConvenientStatus: "Payment.Async.NotConvenientStatusForThisOperation",
  RequestNotFound: "Payment.Request.RequestNotFound",
  AsyncPaymentNotActive: "Connection.IsAsyncPaymentNotActive",
  // Sic: Paywall's own spelling.
  CouldNotSendToDevice: "Payment.Async.CloudNotSendToDevice",
  AuthError: "System.AuthError",
  ValidationError: "System.ValidationError",
  ServerError: "System.ServerError",
});

/** The English sentence the stand-in puts in `message` for each code. */
export const MESSAGES = Object.freeze({
  [CLIENT_MESSAGES.AlreadyHasRefundOrCancel]: "This payment already has a refund or a cancellation.",
  [CLIENT_MESSAGES.NotConvenientStatus]: "The payment's status does not allow this operation.",
  [CLIENT_MESSAGES.RequestNotFound]: "No payment request was found with this id.",
  [CLIENT_MESSAGES.AsyncPaymentNotActive]: "Async payments are not active for this connection.",
  [CLIENT_MESSAGES.CouldNotSendToDevice]: "The request could not be sent to the POS device.",
  [CLIENT_MESSAGES.AuthError]: "Authentication failed: check apikeyprivate and apiclientprivate.",
  [CLIENT_MESSAGES.ServerError]: "An unexpected error occurred.",
});

const HTML_ERROR = (status, text) =>
  `<!DOCTYPE html>\n<html><head><title>${status} ${text}</title></head>` +
  `<body><h1>${status} ${text}</h1><hr><p>nginx</p></body></html>\n`;

/** Raw answers the faults below use. */
const html = (status, text) => ({
  type: "answer",
  status,
  contentType: "text/html",
  body: HTML_ERROR(status, text),
});

const payment = (activityTypeId, paymentStatus, amount = 125.5) => ({
  activityTypeId,
  paymentStatus,
  amount,
  currencyId: 1,
  terminalId: "T-0001",
  merchantUniqueCode: "ORDER-1001",
});

/** A payment a cancel succeeds on: a sale that reached the POS device. */
const cancellable = (amount) => payment(ACTIVITY_TYPE.Sale, PAYMENT_STATUS.SentToDevice, amount);

/**
 * Every scenario: `payment` is the seeded state (null: Paywall does not know the id);
 * `faults` are applied, one per cancel attempt, to the first attempts for the id, after
 * which the request is handled normally (`repeat: true` on the last fault makes it apply to
 * every later attempt too); `inquiryFaults` are the same, for the inquiry requests for the
 * id (counted apart from cancels); `casing` is the spelling of the answers; `refusal` is a
 * Paywall-side condition that makes every cancel fail with that code; `cancelStatus` is the
 * status a cancel Paywall accepts leaves the payment in (Successful unless it says);
 * `includeErrorCode` adds a numeric `errorCode` to failure envelopes.
 *
 * Fault types (server.mjs carries them out):
 *   answer        a raw answer: `status`, `contentType`, `body`, optional `headers`, `retryAfter`
 *   refuse        a failure envelope with `clientMessage`, in HTTP `status`
 *   foreignResult a success envelope for another payment
 *   drop          the connection is closed without an answer; nothing is carried out
 *   hang          no answer ever comes (until the client gives up); nothing is carried out
 *   delay         the normal answer, `ms` later (the cancel is carried out then)
 *   applyThenDrop Paywall carries the request out (a cancel changes the payment and sends
 *                 its callback), then the connection is closed: the answer is lost
 *   applyThenHang Paywall carries the request out, then the answer never comes
 *   echoHeaders, gzipBomb, hugeBody  hostile answers (see each scenario)
 */
const table = {
  saleOnDevice: {
    paymentRequestId: "c6848ad0-6923-4f79-a380-c7aef4e2ee8a",
    description: "A sale sent to the POS device: a cancel succeeds",
    payment: cancellable(125.5),
  },
  completedSale: {
    paymentRequestId: "aae1b8aa-68bc-4563-adb9-653df9e10655",
    description: "A successful sale: a cancel voids it",
    payment: payment(ACTIVITY_TYPE.Sale, PAYMENT_STATUS.Successful, 89.9),
  },
  demoPayment1: {
    paymentRequestId: "da9c6cfe-57c0-4f91-9806-a23c2652040f",
    description: "Coffee and pastry, on the device",
    payment: cancellable(7.5),
  },
  demoPayment2: {
    paymentRequestId: "27be0833-581f-4a79-ac38-bf180102a39e",
    description: "Two cinema tickets, on the device",
    payment: cancellable(24),
  },
  demoPayment3: {
    paymentRequestId: "64d9f200-da72-41c3-aacb-45db70dfbaa7",
    description: "Groceries, paid",
    payment: payment(ACTIVITY_TYPE.Sale, PAYMENT_STATUS.Successful, 312.4),
  },
  demoPayment4: {
    paymentRequestId: "d6a89672-9aac-48e2-a599-16bce777a38f",
    description: "A taxi ride, on the device",
    payment: cancellable(56),
  },
  alreadyCancelled: {
    paymentRequestId: "ba6fa2ed-0c02-4729-89ba-655dbde3bbbe",
    description: "Cancelled before: a cancel is refused (AlreadyHasRefundOrCancel)",
    payment: payment(ACTIVITY_TYPE.Cancellation, PAYMENT_STATUS.Successful),
  },
  refunded: {
    paymentRequestId: "a866a77d-0171-4d36-8b67-30dade03ae20",
    description: "Refunded: a cancel is refused (AlreadyHasRefundOrCancel)",
    payment: payment(ACTIVITY_TYPE.Refund, PAYMENT_STATUS.Successful),
  },
  failedSale: {
    paymentRequestId: "4876a8de-03ba-4c78-ac9a-d9d5b72f1789",
    description: "A failed sale: nothing to cancel (NotConvenientStatus)",
    payment: payment(ACTIVITY_TYPE.Sale, PAYMENT_STATUS.Failed),
  },
  notSentToDevice: {
    paymentRequestId: "9302e3ef-cc12-4e08-8bab-60829f1f1fcb",
    description: "A sale that never reached the device (NotConvenientStatus)",
    payment: payment(ACTIVITY_TYPE.Sale, PAYMENT_STATUS.CouldNotSendToDevice),
  },
  rolledBack: {
    paymentRequestId: "c7b076d4-48a5-4b13-aaea-875a4cf803e6",
    description: "A rolled-back sale (NotConvenientStatus)",
    payment: payment(ACTIVITY_TYPE.Sale, PAYMENT_STATUS.RolledBack),
  },
  undocumentedStatus: {
    paymentRequestId: "8b0e6f43-2c1d-4f7a-9e35-61d2a7c4b9f0",
    description: "A sale in status 13, a code Paywall has not documented: a cancel succeeds",
    payment: payment(ACTIVITY_TYPE.Sale, 13, 64),
  },
  unknownPayment: {
    paymentRequestId: "310478b5-6120-4312-83dd-8d9cc61a5e6e",
    description: "An id Paywall does not know (RequestNotFound)",
    payment: null,
  },
  pascalCase: {
    paymentRequestId: "06332041-0f9d-48fb-a2fc-3056a6a4a84c",
    description: "Cancellable; every answer spelled in PascalCase, as Paywall's field tables are",
    payment: cancellable(42),
    casing: "pascal",
  },
  numericErrorCode: {
    paymentRequestId: "1e2cfe9c-a4a9-4867-849e-4ce8d5a315bb",
    description: "Already cancelled; the refusal carries errorCode 1001 (a number the stand-in invented)",
    payment: payment(ACTIVITY_TYPE.Cancellation, PAYMENT_STATUS.Successful),
    includeErrorCode: 1001,
  },
  deviceUnreachable: {
    paymentRequestId: "03383fce-43b7-4b61-b98e-2fcfdec028b9",
    description: "The POS device is offline: a cancel fails (CloudNotSendToDevice)",
    payment: cancellable(18),
    refusal: CLIENT_MESSAGES.CouldNotSendToDevice,
  },
  asyncNotActive: {
    paymentRequestId: "e7ee4367-8c66-40a5-bd5e-f91f371e1edd",
    description: "Async payments are switched off for the connection (IsAsyncPaymentNotActive)",
    payment: cancellable(18),
    refusal: CLIENT_MESSAGES.AsyncPaymentNotActive,
  },
  html500: {
    paymentRequestId: "50d1c01f-889c-454a-bd7d-39da70767b5f",
    description: "Always 500 with an HTML page",
    payment: cancellable(),
    faults: [{ ...html(500, "Internal Server Error"), repeat: true }],
  },
  html502Twice: {
    paymentRequestId: "f934c62b-bab8-453d-9434-a43e0427b91c",
    description: "502 with an HTML page twice, then a normal cancel",
    payment: cancellable(),
    faults: [html(502, "Bad Gateway"), html(502, "Bad Gateway")],
  },
  html503Twice: {
    paymentRequestId: "deed0e24-b36a-4c76-af14-c202e4d39dc3",
    description: "503 with an HTML page twice, then a normal cancel",
    payment: cancellable(),
    faults: [html(503, "Service Unavailable"), html(503, "Service Unavailable")],
  },
  html503Always: {
    paymentRequestId: "98706b64-2b24-46f9-8c35-f1dfd4369f85",
    description: "Always 503 with an HTML page",
    payment: cancellable(),
    faults: [{ ...html(503, "Service Unavailable"), repeat: true }],
  },
  html504Once: {
    paymentRequestId: "9def3186-2c6a-43c9-a778-57aedfa6897d",
    description: "504 with an HTML page once, then a normal cancel",
    payment: cancellable(),
    faults: [html(504, "Gateway Time-out")],
  },
  envelope503Always: {
    paymentRequestId: "d53b4eb1-b571-4f91-b2cd-aea83cc40dc0",
    description: "Always 503 with a failure envelope (System.ServerError)",
    payment: cancellable(),
    faults: [{ type: "refuse", status: 503, clientMessage: CLIENT_MESSAGES.ServerError, repeat: true }],
  },
  rateLimitedOnce: {
    paymentRequestId: "a9864d98-ec4a-4b7e-aefa-896f6c98a7c5",
    description: "429 with Retry-After: 1 once, then a normal cancel",
    payment: cancellable(),
    faults: [{ type: "answer", status: 429, contentType: "text/plain", body: "Too Many Requests", retryAfter: "1" }],
  },
  rateLimitedHttpDate: {
    paymentRequestId: "59a67dc9-5ccd-4370-9b6e-3142b53fdfa3",
    description: "429 with an HTTP-date Retry-After about a second ahead once, then a normal cancel",
    payment: cancellable(),
    faults: [{ type: "answer", status: 429, contentType: "text/plain", body: "Too Many Requests", retryAfter: { httpDateIn: 1 } }],
  },
  rateLimitedAbsurd: {
    paymentRequestId: "5d8e5bbc-ee30-422a-8d6a-96f01d2daf72",
    description: "429 with Retry-After: 999999 (absurd) once, then a normal cancel",
    payment: cancellable(),
    faults: [{ type: "answer", status: 429, contentType: "text/plain", body: "Too Many Requests", retryAfter: "999999" }],
  },
  rateLimitedAlways: {
    paymentRequestId: "00c50987-c16b-414f-8e9f-9a1ea11b6408",
    description: "Always 429 with Retry-After: 0",
    payment: cancellable(),
    faults: [{ type: "answer", status: 429, contentType: "text/plain", body: "Too Many Requests", retryAfter: "0", repeat: true }],
  },
  dropOnce: {
    paymentRequestId: "4b8c0a76-5405-4d30-8b4e-9294dd597ae5",
    description: "The connection is dropped without an answer once, then a normal cancel",
    payment: cancellable(),
    faults: [{ type: "drop" }],
  },
  dropAlways: {
    paymentRequestId: "176a856e-b64d-49bc-8336-59180558f82c",
    description: "The connection is always dropped without an answer",
    payment: cancellable(),
    faults: [{ type: "drop", repeat: true }],
  },
  hang: {
    paymentRequestId: "6529749c-24a8-493a-9391-776b3107b9d0",
    description: "Never answers (until the stand-in closes)",
    payment: cancellable(),
    faults: [{ type: "hang", repeat: true }],
  },
  slow: {
    paymentRequestId: "9d9ac957-f13a-4a94-b2e9-ccd9296b2ab3",
    description: "Answers normally after 1500 ms",
    payment: cancellable(),
    faults: [{ type: "delay", ms: 1500, repeat: true }],
  },
  invalidJson: {
    paymentRequestId: "ea605ebf-b05e-47da-94aa-abf90e7f192f",
    description: "200 application/json with a truncated body",
    payment: cancellable(),
    faults: [{ type: "answer", status: 200, contentType: "application/json", body: '{"result": {', repeat: true }],
  },
  emptyBody200: {
    paymentRequestId: "c9119830-aea7-4472-a313-4fab8bbb584c",
    description: "200 with an empty body",
    payment: cancellable(),
    faults: [{ type: "answer", status: 200, contentType: "application/json", body: "", repeat: true }],
  },
  htmlBody200: {
    paymentRequestId: "d12d783c-4b9f-4be2-8023-0c4a35f4133c",
    description: "200 with an HTML page (a captive portal or misrouted proxy)",
    payment: cancellable(),
    faults: [{ ...html(200, "OK"), repeat: true }],
  },
  succeededWithoutResult: {
    paymentRequestId: "dcfafdb6-b502-4951-bcdb-1fb484be9b12",
    description: "200 envelope that says succeeded but has no result",
    payment: cancellable(),
    faults: [
      {
        type: "answer",
        status: 200,
        contentType: "application/json",
        body: '{"result":null,"failed":false,"message":null,"clientMessage":null,"succeeded":true}',
        repeat: true,
      },
    ],
  },
  resultForAnotherPayment: {
    paymentRequestId: "5cf8f757-9121-465d-b7a3-68d951091bd8",
    description: "200 success envelope whose result names another payment",
    payment: cancellable(),
    faults: [{ type: "foreignResult", repeat: true }],
  },
  redirect: {
    paymentRequestId: "b836faa8-c214-4eca-828c-d86339d4b553",
    description: "302 to another path",
    payment: cancellable(),
    faults: [
      {
        type: "answer",
        status: 302,
        contentType: "text/plain",
        body: "Found",
        headers: { location: "/login?next=/api/payment/async/cancel" },
        repeat: true,
      },
    ],
  },
  echoHeadersHtml: {
    paymentRequestId: "9993b05e-1de0-47df-821b-d5867b640347",
    description: "502 with a proxy's HTML error page that echoes the request's headers, private keys included",
    payment: cancellable(),
    faults: [{ type: "echoHeaders", status: 502, format: "html", repeat: true }],
  },
  echoHeadersJson: {
    paymentRequestId: "5c72c36d-c3d9-4504-a2cd-61cb7b3ace58",
    description: "400 with a JSON body (not an envelope) that echoes the request's headers, private keys included",
    payment: cancellable(),
    faults: [{ type: "echoHeaders", status: 400, format: "json", repeat: true }],
  },
  echoKeyInMessage: {
    paymentRequestId: "4a597ee9-b2cc-4905-aecd-6e337203dffb",
    description: "A refusal whose message and clientMessage quote the apikeyprivate header back",
    payment: cancellable(),
    faults: [{ type: "echoHeaders", status: 200, format: "envelope", repeat: true }],
  },
  echoKeyInLocation: {
    paymentRequestId: "6108ee12-6413-4a86-a379-24bdbcf68730",
    description: "302 to a login page whose address carries the apikeyprivate header",
    payment: cancellable(),
    faults: [{ type: "echoHeaders", status: 302, format: "location", repeat: true }],
  },
  messageFlood: {
    paymentRequestId: "01e63a0d-f7af-41a2-9939-f0898d0533fd",
    description: "A refusal whose message forges log lines (CR, LF, ANSI escapes) and runs to 60 KB",
    payment: cancellable(),
    faults: [
      {
        type: "answer",
        status: 200,
        contentType: "application/json",
        body: JSON.stringify({
          result: null,
          failed: true,
          succeeded: false,
          message: `Refused.\r\n2026-11-26T10:00:00Z INFO payment cancelled \u001b[32mOK\u001b[0m\n${"flood ".repeat(10_000)}`,
          clientMessage: "System.ValidationError\r\nFORGED",
        }),
        repeat: true,
      },
    ],
  },
  gzipBomb: {
    paymentRequestId: "aacc5fcd-444d-417c-aacc-76f0185aefe1",
    description: "200 gzip answer of about 300 KB that inflates to 300 MB",
    payment: cancellable(),
    faults: [{ type: "gzipBomb", inflatedMiB: 300, repeat: true }],
  },
  hugeBody: {
    paymentRequestId: "7d15fc1e-fbe0-4ec9-9ff7-c55c9b487421",
    description: "200 answer of 512 MB of plain text, sent as fast as the client reads",
    payment: cancellable(),
    faults: [{ type: "hugeBody", bytes: 512 * 1024 * 1024, repeat: true }],
  },
  bad400Html: {
    paymentRequestId: "29396e87-2be5-48c0-9041-b0097c169a99",
    description: "400 text/plain without an envelope",
    payment: cancellable(),
    faults: [{ type: "answer", status: 400, contentType: "text/plain", body: "Bad Request", repeat: true }],
  },
  cancelAppliedAnswerLost: {
    paymentRequestId: "77d407a8-ec9e-46ce-8707-5c93b3344f9f",
    description: "The first cancel is carried out and its answer lost (connection dropped); later attempts meet AlreadyHasRefundOrCancel",
    payment: cancellable(),
    faults: [{ type: "applyThenDrop" }],
  },
  cancelAppliedAnswerLostAlways: {
    paymentRequestId: "be3c5b53-1960-4494-a630-313fa2376f33",
    description: "The first cancel is carried out; every answer, that one's and the later attempts', is lost (connection dropped)",
    payment: cancellable(),
    faults: [{ type: "applyThenDrop", repeat: true }],
  },
  cancelAppliedThenHang: {
    paymentRequestId: "84d489c4-e9ed-4252-920c-f2ecdb5dd5f0",
    description: "The cancel is carried out, then the answer never comes (until the client gives up)",
    payment: cancellable(),
    faults: [{ type: "applyThenHang", repeat: true }],
  },
  cancelLostNotApplied: {
    paymentRequestId: "672ea426-d812-4292-a40b-4cacda6dc761",
    description: "Every cancel's connection is dropped before Paywall carries it out: the payment stays a sale on the device",
    payment: cancellable(),
    faults: [{ type: "drop", repeat: true }],
  },
  cancelPendingOnDevice: {
    paymentRequestId: "36502888-ce27-4674-b1b6-80a7f9bbeeec",
    description: "A cancel accepted but still on its way to the device: activity type 2, status 2 (SentToDevice)",
    payment: cancellable(),
    cancelStatus: PAYMENT_STATUS.SentToDevice,
  },
  cancelFailedOnDevice: {
    paymentRequestId: "4dc20ecb-643d-475d-826b-ea2d1bdaa506",
    description: "A cancel accepted that failed on the device: activity type 2, status 5 (Failed)",
    payment: cancellable(),
    cancelStatus: PAYMENT_STATUS.Failed,
  },
  inquiryUnavailable: {
    paymentRequestId: "ff3bb496-df26-46d3-8919-b1351ea3a24f",
    description: "Every cancel's connection is dropped (not carried out), and every inquiry answers 503 with an HTML page",
    payment: cancellable(),
    faults: [{ type: "drop", repeat: true }],
    inquiryFaults: [{ ...html(503, "Service Unavailable"), repeat: true }],
  },
  inquiryUnreadable: {
    paymentRequestId: "0b7e3f52-9c1a-4d8e-b6f4-5a2c9e1d7f30",
    description: "A sale on the device whose every inquiry answers 200 with a truncated JSON body: a callback for it cannot be confirmed",
    payment: cancellable(),
    inquiryFaults: [{ type: "answer", status: 200, contentType: "application/json", body: '{"Result": {', repeat: true }],
  },
};

/** The scenarios, keyed by name; each with `casing`, `faults` and `inquiryFaults` filled in. */
export const SCENARIOS = Object.freeze(
  Object.fromEntries(
    Object.entries(table).map(([name, scenario]) => [
      name,
      Object.freeze({ name, casing: "camel", faults: [], inquiryFaults: [], ...scenario }),
    ]),
  ),
);

/** The scenario a payment request id belongs to, if any. */
export function scenarioFor(paymentRequestId) {
  const id = String(paymentRequestId).toLowerCase();
  return Object.values(SCENARIOS).find((scenario) => scenario.paymentRequestId === id);
}
