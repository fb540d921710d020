#!/usr/bin/env node
// `make www`: builds the demo page in www/ with Vite against the packed package, as a
// browser app that depends on paywall-edge would be built, and serves it on
// 127.0.0.1:$PORT (default 8080) together with the Paywall stand-in.
//
// The page learns where the stand-in listens from GET /standin.json.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startStandIn } from "../standin/server.mjs";
import { STANDIN_KEYS } from "../standin/scenarios.mjs";
import { newestTarball, root } from "./tarball.mjs";

const wwwDir = path.join(root, "www");
const distDir = path.join(root, "target", "www-dist");

const CONTENT_TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
};

/** Installs the packed tarball into www/node_modules and builds the page into target/www-dist. */
export function buildWww() {
  fs.rmSync(path.join(wwwDir, "node_modules"), { recursive: true, force: true });
  execFileSync(
    "npm",
    ["install", "--no-save", "--no-package-lock", "--no-audit", "--no-fund", "--loglevel=error", newestTarball()],
    { cwd: wwwDir, stdio: ["ignore", "ignore", "inherit"] },
  );
  const vite = path.join(root, "node_modules", ".bin", "vite");
  execFileSync(vite, ["build", "--outDir", distDir, "--emptyOutDir", "--logLevel", "warn"], {
    cwd: wwwDir,
    stdio: ["ignore", "inherit", "inherit"],
  });
}

/** The built file a request path names, or undefined for anything outside target/www-dist. */
function fileFor(pathname) {
  const relative = decodeURIComponent(pathname === "/" ? "/index.html" : pathname);
  const file = path.resolve(distDir, `.${relative}`);
  if (!file.startsWith(distDir + path.sep)) return undefined;
  return fs.existsSync(file) && fs.statSync(file).isFile() ? file : undefined;
}

/**
 * Serves the built page and starts a stand-in for it. Resolves to
 * `{ url, standIn, close }`.
 */
export async function startWww({ port = 8080, host = "127.0.0.1" } = {}) {
  const standIn = await startStandIn();
  const server = http.createServer((request, response) => {
    const { pathname } = new URL(request.url, "http://www");
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    if (pathname === "/standin.json") {
      response.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
      response.end(JSON.stringify({ url: standIn.url, keys: STANDIN_KEYS }));
      return;
    }
    let file;
    try {
      file = fileFor(pathname);
    } catch {
      file = undefined;
    }
    if (!file) {
      response.writeHead(404, { "content-type": "text/plain" }).end("Not Found");
      return;
    }
    response.writeHead(200, {
      "content-type": CONTENT_TYPES[path.extname(file)] ?? "application/octet-stream",
      "cache-control": "no-store",
    });
    response.end(request.method === "HEAD" ? undefined : fs.readFileSync(file));
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  return {
    url: `http://${host}:${server.address().port}/`,
    standIn,
    async close() {
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await Promise.all([closed, standIn.close()]);
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`PORT must be a port number, not ${process.env.PORT}`);
    process.exit(2);
  }
  buildWww();
  const www = await startWww({ port });
  console.log(`paywall-edge demo page: ${www.url}`);
  console.log(`Paywall stand-in:       ${www.standIn.url}`);
  console.log("Press Ctrl+C to stop.");
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.on(signal, async () => {
      await www.close();
      process.exit(0);
    });
  }
}
