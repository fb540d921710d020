// config.baseAddress, read by the runtime's own URL parser (checkBaseAddress in
// src/transport.js): every address accepted is sent to as the URL standard serializes it, and
// every form the standard would rewrite or read differently, or that the stricter rules of the
// README refuse, is refused with kind "config" before anything is sent, with a message that
// states the rule and never quotes the address. These are the cases the Rust parser was tested
// with when the check was Rust's.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { STANDIN_KEYS, idOf, loadEsm, rejection, spyFetch } from "./helpers.mjs";

const { cancelPayment, PaywallError } = await loadEsm();
const ID = idOf("demoPayment1");
const CANCEL = "/api/payment/async/cancel";

const SAYS = {
  shape: /^config\.baseAddress must be an absolute URL in printable ASCII: https:\/\/ \(or http:\/\/ to this machine\)/,
  host: /^config\.baseAddress has a host that is not an ASCII host name .*IPv4 .*four decimal numbers .*\(127\.0\.0\.1\) .*IPv6 .*shortest form \(\[::1\]\)/,
  path: /^config\.baseAddress has a path with an empty, \. or \.\. segment \(%2e counts as a dot\), a malformed %-escape/,
  query: /^config\.baseAddress must not have a query \(\?\) or fragment \(#\)/,
  credentials: /^config\.baseAddress must not contain a user name or password/,
  http: /^config\.baseAddress uses plain http:\/\/ to a host that is not this machine.*dangerouslyAllowInsecureHttp/,
};

/** The URL a cancel with this base address is sent to, or the error it is refused with. */
async function send(baseAddress, allowHttp = true) {
  const spy = spyFetch(() => Promise.reject(new Error("recorded")));
  const config = { baseAddress, ...STANDIN_KEYS, maxRetries: 0, reconcile: false, fetch: spy.fetch };
  if (allowHttp) config.dangerouslyAllowInsecureHttp = true;
  let error;
  await cancelPayment(config, ID).catch((caught) => (error = caught));
  if (spy.calls.length === 1) return spy.calls[0].url;
  assert.equal(spy.calls.length, 0);
  assert.ok(error instanceof PaywallError, String(error));
  return error;
}

/** Asserts that `base` is sent to as `expected` (the base address as serialized). */
async function accepted(base, expected, allowHttp = true) {
  const url = await send(base, allowHttp);
  assert.equal(typeof url, "string", `${base} was refused: ${url.message}`);
  assert.equal(url, `${expected}${CANCEL}`, base);
}

/** Asserts that `base` is refused with kind "config", saying `says`, without quoting it. */
async function refused(base, says, allowHttp = true) {
  const error = await send(base, allowHttp);
  assert.ok(error instanceof PaywallError, `${base} was accepted as ${error}`);
  assert.equal(error.kind, "config", error.message);
  assert.equal(error.retryable, false);
  assert.equal(error.attempts, 0);
  if (says) assert.match(error.message, says, base);
  return error;
}

describe("the address as the URL standard serializes it", () => {
  it("lowercases the scheme and host, drops the default port and trailing slashes", async () => {
    await accepted("HTTP://127.0.0.1:80/", "http://127.0.0.1");
    await accepted("hTTpS://Proxy.Example:8443/Paywall/v1//", "https://proxy.example:8443/Paywall/v1");
    await accepted("https://[::FFFF:7F00:1]", "https://[::ffff:7f00:1]");
    await accepted("https://example.com:8443/a%2fb/", "https://example.com:8443/a%2fb");
    await accepted("http://[::1]", "http://[::1]");
    await accepted("http://h", "http://h");
  });

  it("drops only the default port of the scheme", async () => {
    for (const [base, expected] of [
      ["http://h:80", "http://h"],
      ["http://h:00080", "http://h"],
      ["https://h:443", "https://h"],
      ["https://h:80", "https://h:80"],
      ["http://h:443", "http://h:443"],
      ["http://h:65535", "http://h:65535"],
      ["http://[::1]:8080", "http://[::1]:8080"],
    ]) {
      await accepted(base, expected);
    }
  });

  it("refuses ports outside 1 to 65535", async () => {
    for (const base of ["http://h:0", "http://h:65536", "http://h:", "http://h:+80", "http://h:000080", "http://h:8a", "http://h:1:2", "http://[::1]:", "http://[::1]:0"]) {
      await refused(base, /:port from 1 to 65535/);
    }
  });

  it("keeps path escapes as written", async () => {
    await accepted("http://h/a%2Fb/%e2%82%ac", "http://h/a%2Fb/%e2%82%ac");
    await accepted("http://h/a:b@c;d=e,f+g*h!i$j&k'l(m)n~o", "http://h/a:b@c;d=e,f+g*h!i$j&k'l(m)n~o");
    await accepted("http://h/", "http://h");
    await accepted("http://h///", "http://h");
    for (const path of ["/...", "/.a", "/%2e%2e%2e", "/a."]) await accepted(`http://host${path}`, `http://host${path}`);
  });
});

describe("the rules", () => {
  it("refuses each with the message that states it", async () => {
    const cases = [
      ["", /config\.baseAddress is missing/],
      ["example.com", SAYS.shape],
      ["ftp://example.com", SAYS.shape],
      ["https:example.com", SAYS.shape],
      ["https:/example.com", SAYS.shape],
      ["https://", SAYS.host],
      ["https://:8080", SAYS.host],
      ["https:///path", SAYS.host],
      ["https://user:pw@example.com", SAYS.credentials],
      ["https://@example.com", SAYS.credentials],
      ["https://example.com?x=1", SAYS.query],
      ["https://example.com/#top", SAYS.query],
      ["https://example.com\\path", SAYS.shape],
      ["https://exa mple.com", SAYS.shape],
      ["https://example.com\n", SAYS.shape],
      ["https://example.com\u007f", SAYS.shape],
      ["https://exämple.com", SAYS.shape],
      ["https://[::1", SAYS.host],
      ["https://[::1]x", SAYS.host],
      ["https://ex_am..ple", SAYS.host],
      ["https://a/b//c", SAYS.path],
      ["https://example.com/a/../b", SAYS.path],
      ["https://example.com/%zz", SAYS.path],
      ["https://example.com/%2", SAYS.path],
      ['https://example.com/a"b', SAYS.path],
      ["https://example.com/a^b", SAYS.path],
      ["https://example.com/a{b}", SAYS.path],
      ["https://example.com/a|b", SAYS.path],
      [`https://example.com/${"a".repeat(2048)}`, /config\.baseAddress is too long/],
    ];
    for (const [base, says] of cases) await refused(base, says);
    await accepted(`https://example.com/${"a".repeat(2028)}`, `https://example.com/${"a".repeat(2028)}`);
  });

  it("never quotes the address", async () => {
    for (const base of [
      "https://secret-key-0001@example.com",
      "https://secret-key-0001:99999",
      "https://secret-key-0001..example",
      "https://xn--secret-key-0001",
      "https://example.com/secret-key-0001%",
      "secret-key-0001",
      "http://secret-key-0001.example",
    ]) {
      const error = await refused(base, undefined, false);
      assert.doesNotMatch(error.message, /secret/, base);
    }
  });
});

describe("hosts", () => {
  it("accepts IPv4 in dotted decimal", async () => {
    for (const host of ["127.0.0.1", "0.0.0.0", "10.0.0.1", "192.168.100.200", "255.255.255.255", "1.20.100.0"]) {
      await accepted(`http://${host}`, `http://${host}`);
    }
  });

  it("refuses every other IPv4 number form, and hosts that end in a number but are not IPv4", async () => {
    for (const host of [
      "0x7f.1", "0X7F.0.0.1", "2130706433", "0177.0.0.1", "127.1", "127.0.1", "1.2.3.4.", "0x", "0", "00", "0x.0x.0",
      "4294967295", "0xffffffff", "1.0xffffff", "1.2.0xffff", "255.255.255.0377", "000000000000000000010.1", "01.2.3.4",
      "1.2.3.00", "256.0.0.1", "1.2.3.4.5", "999999999999", "4294967296", "0x100000000", "1.0x1000000", "1.2.65536",
      "1.2.3.256", "09.1.1.1", "1.08", "0x1g.1", "foo.1", "example.0x1", "1..2", ".1", "99999999999999999999999.1", "%31.1",
    ]) {
      await refused(`http://${host}`, SAYS.host);
    }
  });

  it("reads names that only look like numbers as DNS names", async () => {
    for (const host of ["1.2.3.4a", "0x1g", "1.example", "0x.example", "123abc"]) await accepted(`http://${host}`, `http://${host}`);
  });

  it("accepts IPv6 as the URL standard serializes it", async () => {
    for (const host of [
      "[::1]", "[::]", "[1::]", "[::2:3]", "[1:0:0:2::3]", "[1::2:0:0:3:4]", "[1:2:3:4:5:6:7:0]", "[0:1:2:3:4:5:6:7]",
      "[1:0:2:0:3:0:4:0]", "[0:0:1::]", "[1:2:3:4:5:6:7:8]", "[2001:db8::1]", "[fe80::1:abcd]",
      "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]", "[::ffff:7f00:1]", "[::102:304]",
    ]) {
      await accepted(`http://${host}`, `http://${host}`);
    }
    await accepted("http://[2001:DB8::A]", "http://[2001:db8::a]");
  });

  it("refuses IPv6 in other spellings and IPv6 the standard refuses", async () => {
    for (const host of [
      "[0:0:0:0:0:0:0:1]", "[::0:1]", "[0::1]", "[1:0::]", "[1::0]", "[1:2:3:4:5:6:7::]", "[::1:2:3:4:5:6:7]",
      "[1:0:0:0:0:0:0:0]", "[1:0:0:2:0:0:0:3]", "[1:0:0:2::3:4]", "[::1:0:0:0:0]", "[1:2:3:4:5:6:0:0]",
      "[2001:db8::0001]", "[2001:0db8::1]", "[0001:0002:0003:0004:0005:0006:0007:0008]", "[::ffff:127.0.0.1]",
      "[::127.0.0.1]", "[1:2:3:4:5:6:1.2.3.4]", "[::1.2.3.4]", "[::0.0.0.0]",
      "[]", "[:]", "[1]", "[1.2.3.4]", "[:::]", "[::1::]", "[1::2::3]", "[1:2:3:4:5:6:7:8:9]", "[1:2:3:4:5:6:7:8::]",
      "[::1:2:3:4:5:6:7:8]", "[1:2:3:4:5:6:7]", "[:1]", "[1:]", "[:1::]", "[::1:]", "[12345::]", "[g::]", "[+1::]",
      "[::1%25eth0]", "[::ffff:1.2.3]", "[::ffff:1.2.3.4.5]", "[::ffff:1.2.3.256]", "[::ffff:01.2.3.4]",
      "[::ffff:1.2.3.]", "[::ffff:.1.2.3]", "[::ffff:0x1.2.3.4]", "[1:2:3:4:5:6:7:1.2.3.4]", "[::1.2.3.4:1]",
      "[::1]]", "[[::1]", "[::1", "[::1]x", "[::1]]:80",
    ]) {
      await refused(`http://${host}`, SAYS.host);
    }
  });

  it("accepts exactly one spelling of every pattern of zero pieces: the runtime's own", async () => {
    for (let mask = 0; mask < 256; mask++) {
      const pieces = Array.from({ length: 8 }, (_, index) => ((mask >> index) & 1 ? "0" : "a1"));
      const spellings = [pieces.join(":")];
      for (let start = 0; start < 8; start++) {
        for (let end = start + 1; end <= 8; end++) {
          if (pieces.slice(start, end).every((piece) => piece === "0")) {
            spellings.push(`${pieces.slice(0, start).join(":")}::${pieces.slice(end).join(":")}`);
          }
        }
      }
      // The runtime's own serialization, which must be one of them (the shortest).
      const shortest = new URL(`http://[${spellings[0]}]`).hostname.slice(1, -1);
      assert.ok(spellings.includes(shortest), shortest);
      for (const spelling of spellings) {
        if (spelling === shortest) await accepted(`http://[${spelling}]`, `http://[${spelling}]`);
        else await refused(`http://[${spelling}]`, SAYS.host);
      }
    }
  });

  it("lowercases DNS names and keeps a trailing dot", async () => {
    await accepted("https://EXAMPLE.Com", "https://example.com");
    await accepted("https://example.com.", "https://example.com.");
    await accepted("https://_acme-1.a-b.example", "https://_acme-1.a-b.example");
    await accepted("https://ab--cd.example", "https://ab--cd.example");
    const label = "a".repeat(63);
    await accepted(`https://${label}`, `https://${label}`);
    const name = `${label}.${label}.${label}.${"b".repeat(61)}`;
    assert.equal(name.length, 253);
    await accepted(`https://${name}.`, `https://${name}.`);
  });

  it("refuses DNS names the URL standard allows but no API address needs", async () => {
    const long = `${"a".repeat(63)}.${"a".repeat(63)}.${"a".repeat(63)}.${"b".repeat(62)}`;
    for (const host of ["a%41.example", "a%2e", "a..b", ".a", "a..", ".", "a".repeat(64), long, "a!b", "a$b.example", "a[b", "-a.example", "a-.example"]) {
      await refused(`https://${host}`, SAYS.host);
    }
  });

  it("refuses every internationalised label, and only the xn-- prefix marks one", async () => {
    for (const label of [
      "xn--bcher-kva", "XN--BCHER-KVA", "xn--nxasmq6b", "xn--80akhbyknj4f", "xn--fsqu00a", "xn--9n2bp8q", "xn--tda", "xn--a",
      "xn--abc", "xn--zca", "xn--3xa", "xn---abc", "xn--99999999999", "xn--a_b", "xn--bcher-kva9", "xn--xn--bcher-u9a",
      "xn---bcher-4ya", "xn--bcher--3ya", "xn--ab---3ra", "xn--mgbh0fb", "xn--deba0ad", "xn--ls8h", "xn--secret-key-0001",
      "xn--", "xn--abc-",
    ]) {
      for (const base of [`https://${label}`, `https://${label}.example`, `https://a.${label}.example.`]) await refused(base, SAYS.host);
    }
    for (const name of ["ab--cd.example", "xn-a.example", "axn--b.example", "xn.example"]) await accepted(`https://${name}`, `https://${name}`);
  });

  it("tells loopback hosts apart: plain http to them needs no opt-in", async () => {
    for (const base of ["http://localhost", "http://LOCALHOST:3000", "http://localhost.", "http://127.0.0.1", "http://127.255.255.254", "http://127.0.0.2", "http://[::1]", "http://[::1]:8080"]) {
      await accepted(base, base.toLowerCase(), false);
    }
    for (const base of ["http://localhost.example", "http://my-localhost", "http://128.0.0.1", "http://126.255.255.255", "http://0.0.0.0", "http://[::]", "http://[::ffff:7f00:1]", "http://[::2]", "http://[::1:1]", "http://127.example"]) {
      await refused(base, SAYS.http, false);
      await accepted(base, base, true);
    }
    await accepted("https://example.com", "https://example.com", false);
  });
});

describe("paths", () => {
  it("refuses dot segments in every spelling", async () => {
    for (const segment of [".", "..", "%2e", "%2E", ".%2e", "%2e.", "%2E%2e", "%2e%2E", ".%2E", "%2E."]) {
      for (const base of [`http://host/${segment}`, `http://host/x/${segment}/evil`, `http://host/x/${segment}/`]) await refused(base, SAYS.path);
    }
    await refused("http://host/x/%2e%2e/%2e%2e/evil", SAYS.path);
  });
});

describe("any address", () => {
  // What the fuzz target checked of the Rust parser, for the runtime's check: an address
  // accepted is the one the runtime's URL parser reads, without credentials, query or
  // fragment, its path as written; plain http only to a loopback host unless opted in.
  it("accepted is the address the runtime's URL parser reads, and sent to as it serializes it", async () => {
    const pieces = ["a", "B", "0", "1", "9", "x", "ff", ".", ":", "[", "]", "%", "2e", "/", "-", "_", "@", "?", "#", "!", "~", "xn--", "127", "0x", "::", "localhost", "[::1]", " ", "\\", "é"];
    let seed = 18;
    const next = (n) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    let accepts = 0;
    for (let run = 0; run < 3000; run++) {
      let text = ["http://", "https://", "HTTP://", "http:/", ""][next(5)];
      for (let length = 1 + next(10); length > 0; length--) text += pieces[next(pieces.length)];
      const allowHttp = next(2) === 0;
      const sent = await send(text, allowHttp);
      if (typeof sent !== "string") {
        assert.equal(sent.kind, "config", text);
        continue;
      }
      accepts++;
      const read = new URL(text);
      const url = new URL(sent);
      assert.equal(sent, url.href, text);
      assert.equal(url.origin, read.origin, text);
      assert.equal(url.pathname, `${read.pathname.replace(/\/+$/, "")}${CANCEL}`, text);
      assert.ok(!read.username && !read.password && !read.search && !read.hash, text);
      assert.ok(["http:", "https:"].includes(read.protocol), text);
      const loopback = /^(localhost\.?|127\.\d+\.\d+\.\d+|\[::1\])$/.test(read.hostname);
      assert.ok(read.protocol === "https:" || allowHttp || loopback, text);
    }
    assert.ok(accepts > 100, `${accepts} accepted`);
  });
});

/**
 * The rules as first written, as regular expressions: transport.js checks without them
 * (each costs V8 a compilation on its first run), and must say exactly what they say.
 */
const BASE_SHAPE =
  "must be an absolute URL in printable ASCII: https:// (or http:// to this machine), a host, then an optional " +
  ":port from 1 to 65535 and /path, without spaces or backslashes";

function rulesAsWritten(text, allowHttp) {
  if (!text) return "is missing";
  if (text.length > 2048) return "is too long";
  // Graphic ASCII but the backslash, which the URL parser reads as `/`.
  const parts = /^https?:\/\/([^/]*)(.*?)\/*$/i.exec(text);
  if (!parts || /[^!-[\]-~]/.test(text)) return BASE_SHAPE;
  if (/[?#]/.test(text)) return "must not have a query (?) or fragment (#)";
  const [, authority, path] = parts;
  if (authority.includes("@")) return "must not contain a user name or password";
  const [, host, port] = /^(\[.*?\]|[^:]*)(.*)/.exec(authority);
  let url;
  try {
    url = new URL(text);
  } catch {}
  // An IPv6 address, a host ending in a number (IPv4 to the URL standard), or a DNS name.
  const serializedAsWritten = url && url.hostname === host.toLowerCase();
  const badHost =
    host[0] === "[" ? !serializedAsWritten || (port && port[0] !== ":")
    : /(^|\.)(\d+|0x[\da-f]*)\.?$/i.test(host) ? !serializedAsWritten
    : host.length - host.endsWith(".") > 253 || !/^((?!-|xn--)[\w-]{0,62}\w(\.|$))+$/i.test(host);
  if (badHost) {
    return "has a host that is not an ASCII host name (labels of 1 to 63 letters, digits, '-' or '_' joined by dots, " +
      "253 characters in all, none starting or ending with '-' nor internationalised: xn--), an IPv4 address as " +
      "four decimal numbers 0-255 without leading zeros (127.0.0.1) or an IPv6 address in brackets in its " +
      "shortest form ([::1])";
  }
  const number = port.slice(1);
  if (!url || (port && !(/^:\d{1,5}$/.test(port) && number > 0 && number < 65536))) return BASE_SHAPE;
  const plain = (segment) => /^([\w.~!$&'()*+,;=:@-]|%[\da-f]{2})+$/i.test(segment) && !/^(\.|%2e){1,2}$/i.test(segment);
  if (!path.split("/").slice(1).every(plain)) {
    return "has a path with an empty, . or .. segment (%2e counts as a dot), a malformed %-escape or a " +
      "character that must be %-escaped";
  }
  if (url.protocol === "http:" && !allowHttp && !/^(localhost\.?|127\.[\d.]+|\[::1\])$/.test(url.hostname)) {
    return "uses plain http:// to a host that is not this machine, which would send both private keys " +
      "unencrypted: use https://, or set config.dangerouslyAllowInsecureHttp to true for a test network you trust";
  }
  return url.origin + path;
}

describe("the check without regular expressions", () => {
  it("accepts, rewrites and refuses exactly as the rules written as regular expressions", async () => {
    // A host from these, then maybe a port, then maybe a path, now and then a stray piece.
    const hosts = ["a", "Z", "_", "-", ".", "0", "9", "0x", "0XF", "ff", "g", "xn--", "XN--", "example",
      "127.0.0.1", "[::1]", "[", "]", "localhost", "256", "a".repeat(63), "a".repeat(64)];
    const ports = ["", "", ":", ":0", ":443", ":65536", ":08"];
    const paths = ["", "", "/", "//", "/a", "/.", "/%2E", "/%4", "/a%20b"];
    const strays = ["@", "?", "#", " ", "\\", "~", "{", "`", "HTTP://"];
    let seed = 7;
    const next = (n) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
    let accepts = 0;
    for (let run = 0; run < 1500; run += 1) {
      let text = ["https://", "http://", "hTTps://", "https://", "ftp://", ""][next(6)];
      for (let count = 1 + next(3); count > 0; count -= 1) text += hosts[next(hosts.length)];
      text += ports[next(ports.length)] + paths[next(paths.length)];
      if (next(4) === 0) text += strays[next(strays.length)];
      const allowHttp = next(2) === 0;
      const expected = rulesAsWritten(text, allowHttp);
      const sent = await send(text, allowHttp);
      if (typeof sent === "string") {
        accepts += 1;
        assert.equal(sent, `${expected}${CANCEL}`, text);
      } else assert.ok(sent.message.startsWith(`config.baseAddress ${expected}`), `${text}: ${sent.message}`);
    }
    // Both answers are exercised, not only refusals.
    assert.ok(accepts > 50 && accepts < 1400, `${accepts} accepted`);
  });
});
