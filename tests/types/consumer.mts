// An ES-module TypeScript consumer of the packed package. It must compile under
// `tsc --strict`; each @ts-expect-error marks a misuse that must NOT compile.
import {
  cancelPayment,
  PaywallError,
  type ActivityTypeCode,
  type CancelConfig,
  type CancelResult,
  type ErrorKind,
  type PaymentStatusCode,
} from "paywall-edge";
import {
  inquirePayment,
  verifyCallback,
  type CancelState,
  type ConfirmedBy,
  type PaymentInquiry,
  type PaywallConfig,
  type PhysicalPosCallback,
  type VerifyCallbackOptions,
} from "paywall-edge";

const config: CancelConfig = {
  baseAddress: "https://test-physicalpos-api.itspaywall.com",
  apiKeyPrivate: "private key",
  apiClientPrivate: "private client",
  timeoutMs: 10_000,
  maxRetries: 1,
  signal: AbortSignal.timeout(60_000),
  fetch: (input, init) => fetch(input, init),
};

export async function cancelAndDescribe(id: string): Promise<string> {
  try {
    const result: CancelResult = await cancelPayment(config, id);
    const status: PaymentStatusCode = result.paymentStatus;
    const activity: ActivityTypeCode = result.paymentRequestActivityTypeId;
    const ids: string[] = [result.paymentRequestId, result.paymentRequestActivityId];
    const confirmedBy: ConfirmedBy = result.confirmedBy;
    return `${ids.join("/")}: ${activity} ${status} ${describeState(result.state)} (${confirmedBy})`;
  } catch (error) {
    if (!(error instanceof PaywallError)) throw error;
    const kind: ErrorKind = error.kind;
    const facts: [string, number | undefined, string | undefined, boolean, number] = [
      error.message,
      error.httpStatus,
      error.clientMessage,
      error.retryable,
      error.attempts,
    ];
    switch (error.kind) {
      case "api":
        return `refused: ${error.clientMessage ?? "no code"} (${error.errorCode ?? "-"})`;
      case "signature":
        return `not from Paywall: ${error.message}`;
      case "config":
      case "input":
      case "network":
      case "timeout":
      case "aborted":
      case "http":
      case "decode":
        return `${kind}: ${facts.join(" ")} ${JSON.stringify(error.toJSON())}`;
      default: {
        const exhaustive: never = error.kind;
        return exhaustive;
      }
    }
  }
}

/** Fails to compile if CancelState gains or loses a member. */
function describeState(state: CancelState): string {
  switch (state) {
    case "cancelled":
      return "cancelled";
    case "pending":
      return "on its way to the terminal";
    case "failed":
      return "not cancelled";
    case "unknown":
      return "unknown";
    default: {
      const exhaustive: never = state;
      return exhaustive;
    }
  }
}

/** Fails to compile if ConfirmedBy gains or loses a member. */
export function describeConfirmation(confirmedBy: ConfirmedBy): string {
  switch (confirmedBy) {
    case "response":
      return "Paywall's answer";
    case "inquiry":
      return "an inquiry after a lost answer";
    default: {
      const exhaustive: never = confirmedBy;
      return exhaustive;
    }
  }
}

/** The test environment by name, and reconcile turned off. */
const testEnvironment: PaywallConfig = {
  environment: "test",
  apiKeyPrivate: "private key",
  apiClientPrivate: "private client",
  reconcile: false,
};

export async function inquire(id: string): Promise<string> {
  const inquiry: PaymentInquiry = await inquirePayment(testEnvironment, id);
  const activity: ActivityTypeCode = inquiry.paymentTypeId;
  const status: PaymentStatusCode = inquiry.paymentStatusId;
  const ids: string[] = [inquiry.paymentRequestId, inquiry.paymentRequestActivityId];
  // Every optional field is null when Paywall leaves it out.
  const texts: (string | null)[] = [
    inquiry.terminalId,
    inquiry.merchantUniqueCode,
    inquiry.displayCode,
    inquiry.callbackAddress,
    inquiry.createdDate,
    inquiry.modifiedDate,
  ];
  const numbers: (number | null)[] = [inquiry.amount, inquiry.currencyId, inquiry.paymentChannelId];
  const exactAmount: string | null = inquiry.amountText;
  texts.push(exactAmount);
  await cancelPayment({ ...config, reconcile: true }, id);
  return `${ids.join("/")} ${activity} ${status} ${texts.join(",")} ${numbers.join(",")}`;
}

/** An edge function at the sale's CallbackAddress. */
export async function onCallback(request: Request, hashKey: string): Promise<Response> {
  const options: VerifyCallbackOptions = { confirmWith: testEnvironment };
  try {
    const callback: PhysicalPosCallback = await verifyCallback(await request.arrayBuffer(), hashKey, options);
    const fromText: PhysicalPosCallback = await verifyCallback(await request.clone().text(), hashKey);
    const fromBytes: PhysicalPosCallback = await verifyCallback(new Uint8Array(0), hashKey, {});
    const activity: ActivityTypeCode = callback.paymentTypeId;
    const status: PaymentStatusCode = callback.paymentStatusId;
    const amount: number = callback.amount;
    const exact: string = callback.amountText;
    const ids: string[] = [callback.paymentRequestId, callback.paymentRequestActivityId, callback.merchantUniqueCode, exact];
    const optional: (string | null)[] = [callback.connectionId, callback.terminalId, callback.displayCode, callback.message];
    return new Response(`${ids} ${activity} ${status} ${amount} ${optional} ${fromText.amount} ${fromBytes.amount}`);
  } catch (error) {
    if (error instanceof PaywallError && error.kind === "signature") return new Response(null, { status: 401 });
    throw error;
  }
}

export async function misuses(): Promise<void> {
  // @ts-expect-error apiClientPrivate is required
  await cancelPayment({ baseAddress: "https://paywall.example", apiKeyPrivate: "k" }, "id");

  // @ts-expect-error baseAddress is required
  await cancelPayment({ apiKeyPrivate: "k", apiClientPrivate: "c" }, "id");

  // @ts-expect-error the payment request id is a string, not a number
  await cancelPayment(config, 42);

  // @ts-expect-error timeoutMs is a number of milliseconds, not a string
  await cancelPayment({ ...config, timeoutMs: "30s" }, "id");

  // @ts-expect-error signal must be an AbortSignal
  await cancelPayment({ ...config, signal: "stop" }, "id");

  const result = await cancelPayment(config, "id");
  // @ts-expect-error the result has no `status` field (it is `paymentStatus`)
  console.log(result.status);

  // @ts-expect-error the result is typed, not any: an id is not a number
  const wrong: number = result.paymentRequestId;
  console.log(wrong);

  const error = new PaywallError("message", { kind: "timeout", message: "m", retryable: true, attempts: 1 });
  // @ts-expect-error "netwrok" is not an error kind
  if (error.kind === "netwrok") console.log("never");

  // @ts-expect-error kind must be one of the nine kinds
  new PaywallError("message", { kind: "oops", message: "m", retryable: false, attempts: 0 });
  new PaywallError("message", { kind: "signature", message: "m", retryable: false, attempts: 0 });

  // @ts-expect-error Paywall publishes only its test environment: production is a baseAddress
  await inquirePayment({ environment: "production", apiKeyPrivate: "k", apiClientPrivate: "c" }, "id");

  // @ts-expect-error reconcile is a boolean
  await cancelPayment({ ...config, reconcile: "yes" }, "id");

  // @ts-expect-error the payment request id is a string
  await inquirePayment(config, 42);

  // @ts-expect-error the body is text or bytes, not a number
  await verifyCallback(42, "hash key");

  // @ts-expect-error confirmWith, when given, is a config: an unset one is refused
  await verifyCallback("{}", "hash key", { confirmWith: undefined });

  // @ts-expect-error confirmWith, when given, is a config, not null
  await verifyCallback("{}", "hash key", { confirmWith: null });

  // @ts-expect-error the option is confirmWith: a misspelt one is refused
  await verifyCallback("{}", "hash key", { confirmwith: config });

  // @ts-expect-error the options are { confirmWith: config }, not the config itself
  await verifyCallback("{}", "hash key", config);

  // @ts-expect-error timeout is not a setting (timeoutMs is)
  await cancelPayment({ ...config, timeout: 5 }, "id");

  // @ts-expect-error the body is the raw text, not the parsed object
  await verifyCallback({ Hash: "abc" }, "hash key");

  // @ts-expect-error the hash key is a string
  await verifyCallback("{}", new Uint8Array(0));

  // @ts-expect-error confirmWith is a config, not a flag
  await verifyCallback("{}", "hash key", { confirmWith: true });

  const inquiry = await inquirePayment(config, "id");
  // @ts-expect-error an inquiry's type is paymentTypeId (a cancel's is paymentRequestActivityTypeId)
  console.log(inquiry.paymentRequestActivityTypeId);

  const callback = await verifyCallback("{}", "hash key");
  // @ts-expect-error the callback's Hash is checked, not returned
  console.log(callback.hash);

  // @ts-expect-error "done" is not a state
  if (result.state === "done") console.log("never");

  // @ts-expect-error confirmedBy is "response" or "inquiry"
  if (result.confirmedBy === "callback") console.log("never");
}
