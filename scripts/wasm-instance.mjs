// Reaching the package's WebAssembly instance from outside, for the bench and the soak,
// which report its linear memory. The package does not expose it, and should not.

/**
 * Imports `url` and returns `{ module, instance }`: the module's exports and the
 * WebAssembly.Instance created while it loaded (Node's entry instantiates synchronously, so
 * the constructor is watched for the length of the import and then restored).
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
    return { module, instance };
  } finally {
    WebAssembly.Instance = OriginalInstance;
  }
}
