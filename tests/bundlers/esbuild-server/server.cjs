// A CommonJS server that requires the package; bundled by esbuild into CJS.
const { cancelPayment, PaywallError } = require("paywall-edge");
const { serve } = require("./serve.mjs");

serve({ cancelPayment, PaywallError });
