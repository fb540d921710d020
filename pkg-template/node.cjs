// Node.js (and Bun, Deno) through require(): loads the module synchronously at require
// time, so the first call has nothing to wait for. node.mjs re-exports this same instance,
// so `import` and `require` in one process share one module and one PaywallError class.
"use strict";
const { PaywallError, makeCancelPayment } = require("./error.cjs");
const wasm = require("./glue/node.cjs");

exports.PaywallError = PaywallError;
exports.cancelPayment = makeCancelPayment(() => wasm.cancelPayment);
