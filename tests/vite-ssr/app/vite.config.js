// Everything bundled into one file for a worker runtime, and nothing about paywall-edge.
export default {
  ssr: { target: "webworker", noExternal: true },
};
