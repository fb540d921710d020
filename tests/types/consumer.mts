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
    return `${ids.join("/")}: ${activity} ${status}`;
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

  // @ts-expect-error kind must be one of the eight kinds
  new PaywallError("message", { kind: "oops", message: "m", retryable: false, attempts: 0 });
}
