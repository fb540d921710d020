/**
 * Where Paywall is: the address Paywall gave you (`baseAddress`), or its Physical POS test
 * environment by name (`environment: "test"`); never both.
 */
export type PaywallAddress =
  | { baseAddress: string; environment?: undefined }
  | { environment: "test"; baseAddress?: undefined };

/** What only JavaScript adds to the settings of a call. */
export interface CallOptions {
  /** Aborts the call: the attempt in flight and any wait before a retry. */
  signal?: AbortSignal;
  /**
   * A fetch-compatible function used instead of the global `fetch` (a test double, a
   * Workers service binding, an instrumented fetch). Called as
   * `fetch(url, { method, headers, body, signal, redirect: "manual" })`.
   */
  fetch?: (input: string, init: RequestInit) => Promise<Response> | Response;
}

/**
 * The `config` of {@link cancelPayment} and {@link inquirePayment}: where Paywall is, the
 * two private keys, the settings, and what only JavaScript has.
 */
export type PaywallConfig = Omit<CancelConfigOptions, "baseAddress" | "environment"> &
  PaywallAddress &
  CallOptions;

/** The `config` of {@link cancelPayment}: the same as {@link PaywallConfig}. */
export type CancelConfig = PaywallConfig;

/**
 * The options of {@link verifyCallback}: none (or `{}`) to check the Hash alone, or
 * `{ confirmWith: config }`. They fail closed: a `confirmWith` that is present but
 * `undefined` or `null` (an unset binding), or any other option name, is a "config" error,
 * and no inquiry is sent.
 */
export type VerifyCallbackOptions =
  | {
      /**
       * Also asks Paywall's inquiry endpoint, with this config, for the payment, and rejects
       * with kind "signature" unless the callback reports its latest activity as Paywall has
       * it: the activity id, type and status, the terminal, the display code, the merchant's
       * code and the amount. The Hash covers only the payment, the merchant's code and the
       * amount, so this is the way to act on a callback safely. A confirmation that could
       * not be made rejects with a kind other than "decode", "signature" and "input".
       */
      confirmWith: PaywallConfig;
    }
  | { [option: string]: never };

/** The error every paywall-edge call rejects with; its fields are {@link PaywallErrorDetails}. */
export interface PaywallError extends PaywallErrorDetails {}
export declare class PaywallError extends Error {
  constructor(message: string, details: PaywallErrorDetails);
  /** The details as a plain object, for structured logs. */
  toJSON(): PaywallErrorDetails & { name: string };
}
