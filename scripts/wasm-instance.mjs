// Reaching the package's WebAssembly instance from outside, for the bench and the soak,
// which report its linear memory. The package does not expose it, and should not.

/**
 * Imports `url` and returns `{ module, instance }`: the module's exports and the
 * WebAssembly.Instance it creates. Node's entry instantiates on the first call, so one call
 * is made (with no config: refused before anything is sent) while the constructor is
 * watched; then it is restored.
 */
export async function importCapturingInstance(url) {
  let instance;
  const OriginalInstance = WebAssembly.Instance;
  WebAssembly.Instance = new Proxy(OriginalInstance, {
    construct(target, args) {
      instance = Reflect.construct(target, args);
      return instance;
    },
  });
  try {
    const module = await import(url);
    await module.cancelPayment(undefined, "").catch(() => {});
    return { module, instance };
  } finally {
    WebAssembly.Instance = OriginalInstance;
  }
}
