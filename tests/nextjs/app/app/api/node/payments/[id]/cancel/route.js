export { POST } from "../../../../../../lib/cancel-route.js";

export const runtime = "nodejs";
