// An ES-module server that imports the package; bundled by esbuild into ESM and into CJS.
import { cancelPayment, PaywallError } from "paywall-edge";
import { serve } from "./serve.mjs";

serve({ cancelPayment, PaywallError });
