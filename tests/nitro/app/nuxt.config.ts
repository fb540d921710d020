// A Nuxt 4 app with paywall-edge in two server routes (server/api/), as a user writes it.
// tests/nitro/nitro.test.mjs builds it for Nitro's Node, Cloudflare, Deno, Vercel and
// Netlify presets (NITRO_PRESET) and serves each output where that preset runs.
export default defineNuxtConfig({
  compatibilityDate: "2026-04-01",
  telemetry: false,
  devtools: { enabled: false },
  // The one line paywall-edge needs on Nitro's Cloudflare presets (workerd compiles
  // WebAssembly only from a bundled .wasm file): it lets Nitro's bundler import the package's
  // .wasm file. Node, Deno Deploy and Netlify Edge work without it; the test builds those
  // both ways.
  nitro: { experimental: { wasm: true } },
  // The keys are server-side runtime config, set at run time from NUXT_PAYWALL_* (environment
  // variables on Node and Deno, vars and secrets on Cloudflare).
  runtimeConfig: {
    paywallBaseAddress: "",
    paywallApiKeyPrivate: "",
    paywallApiClientPrivate: "",
    paywallWebhookHashKey: "",
  },
});
