export { POST } from "../../../../../lib/callback-route.js";

export const runtime = "edge";
