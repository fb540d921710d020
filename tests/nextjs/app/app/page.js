export default function Home() {
  return <p>paywall-edge in Next.js route handlers: POST /api/node/payments/ID/cancel, /api/edge/payments/ID/cancel</p>;
}
