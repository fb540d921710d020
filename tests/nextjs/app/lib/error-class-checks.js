// For tests/nextjs only, apart from the handler a user would write: whether the error the
// route caught is an instance of the PaywallError that other modules of the route's graph
// get, one by import and one by a CommonJS require. One class must serve the whole graph.
import { PaywallError } from "paywall-edge";
import { RequiredPaywallError } from "./required-class.cjs";

export function errorClassChecks(error) {
  return {
    instanceOfImported: error instanceof PaywallError,
    instanceOfRequired: error instanceof RequiredPaywallError,
  };
}
