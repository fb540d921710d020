// A CommonJS TypeScript consumer: `require` resolves the package's .d.cts.
import { cancelPayment, PaywallError } from "paywall-edge";
import type { CancelResult } from "paywall-edge";

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
