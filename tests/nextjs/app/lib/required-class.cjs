// A CommonJS module of the route's graph that requires the package (see error-class-checks.js).
exports.RequiredPaywallError = require("paywall-edge").PaywallError;
