// A CommonJS TypeScript consumer: `require` resolves the package's .d.cts.
import { cancelPayment, inquirePayment, verifyCallback, PaywallError } from "paywall-edge";
import type {
  CancelResult,
  CancelState,
  ConfirmedBy,
  ErrorKind,
  PaymentInquiry,
  PhysicalPosCallback,
  VerifyCallbackOptions,
} from "paywall-edge";

export async function cancel(id: string): Promise<CancelResult | string> {
  try {
    return await cancelPayment(
      { baseAddress: "https://paywall.example", apiKeyPrivate: "k", apiClientPrivate: "c" },
      id,
    );
  } catch (error) {
    if (error instanceof PaywallError) return error.kind;
    throw error;
  }
}

// @ts-expect-error the config must be an object
cancelPayment("https://paywall.example", "id");

export async function lifecycle(id: string, body: ArrayBuffer): Promise<string> {
  const config = { environment: "test" as const, apiKeyPrivate: "k", apiClientPrivate: "c", reconcile: true };
  const inquiry: PaymentInquiry = await inquirePayment(config, id);
  const result: CancelResult = await cancelPayment(config, id);
  const state: CancelState = result.state;
  const confirmedBy: ConfirmedBy = result.confirmedBy;
  const options: VerifyCallbackOptions = { confirmWith: config };
  try {
    const callback: PhysicalPosCallback = await verifyCallback(body, "hash key", options);
    return `${inquiry.paymentStatusId} ${state} ${confirmedBy} ${callback.paymentStatusId}`;
  } catch (error) {
    if (!(error instanceof PaywallError)) throw error;
    const kind: ErrorKind = error.kind;
    return kind === "signature" ? "forged" : kind;
  }
}

// @ts-expect-error environment is "test" or absent
inquirePayment({ environment: "staging", apiKeyPrivate: "k", apiClientPrivate: "c" }, "id");

// @ts-expect-error verifyCallback takes the raw body, not a number
verifyCallback(42, "hash key");
