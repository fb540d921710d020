// Node.js through import: the CommonJS entry's own instance, so a process that both
// imports and requires paywall-edge never holds two PaywallError classes.
import paywallEdge from "./node.cjs";

export const { cancelPayment, inquirePayment, verifyCallback, PaywallError } = paywallEdge;
