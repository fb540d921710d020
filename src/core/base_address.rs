//! The base address the core keeps: one the platform has checked and serialized, which the
//! core only joins paths to.
//!
//! The check is the runtime's own: in the WebAssembly module, `checkBaseAddress` in
//! src/transport.js reads the address with the runtime's WHATWG `URL` (the parser its fetch
//! uses), so that what is checked is what fetch will read. This is the one place the core
//! calls into JS, and only on wasm32: the rules live in one language, beside the parser they
//! lean on (checking them in Rust, number forms and all, took about 2.6 KB of the gzipped
//! module, against 1.3 KB of JS). Its cases are tested on the package, in
//! tests/node/base-address.test.mjs. An address is accepted when it is:
//!
//! - `https://` or `http://` (any case), then a host, an optional `:port` of 1 to 5 digits
//!   from 1 to 65535, and an optional path; at most 2048 characters of printable ASCII, no
//!   backslash, no `@` before the path (credentials), no `?` or `#` anywhere;
//! - a host the URL parser serializes as written (but for case): a bracketed IPv6 address in
//!   its shortest form (`[::1]`, not `[0::1]` nor `[::ffff:127.0.0.1]`), an IPv4 address in
//!   four decimal numbers without leading zeros (`127.0.0.1`, not `0x7f.1` nor `127.1`), or
//!   else a DNS name of labels of 1 to 63 `[A-Za-z0-9_-]`, none starting or ending with `-`
//!   nor starting `xn--` (internationalised), at most 253 characters but for one trailing dot;
//! - a path of segments of URL-safe characters (`A-Za-z0-9-._~!$&'()*+,;=:@`) and well-formed
//!   `%XX` escapes, none empty, `.` or `..` in any spelling (`%2e`, `.%2E`, ...), trailing
//!   slashes aside;
//! - plain `http://` only to this machine (`localhost`, `localhost.`, 127.0.0.0/8, `[::1]`),
//!   unless the caller sets `dangerouslyAllowInsecureHttp`.
//!
//! It is kept as `new URL` serializes it: the scheme and host lowercase, without the default
//! port, a port's leading zeros or trailing slashes; the path's escapes as written.
//!
//! Natively (the core's own tests, the fuzz targets) there is no runtime URL parser: a test
//! passes an address already in its checked form, which is taken as it is.

use alloc::string::String;

use crate::text;

/// A base address as the platform's check serializes it: `http(s)://host[:port][/path]`, the
/// scheme and host lowercase, no default port, no trailing slash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaseAddress {
    url: String,
}

impl BaseAddress {
    /// The address as checked, such as `https://proxy.example/paywall`.
    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// The absolute URL of `path` (which starts with '/') below this base address.
    pub fn join(&self, path: &str) -> String {
        text![self.url, path]
    }
}

/// Checks `text` with the runtime's URL parser and the stricter rules (see the module's
/// documentation); plain http to a host other than this machine only when
/// `allow_insecure_http`. The error is a problem in words without a subject (such as "must not
/// have a query (?) or fragment (#)"), for the caller to prefix with the setting's name; it
/// never quotes the address, which might hold a key pasted by mistake.
#[cfg(target_arch = "wasm32")]
pub fn check_base_address(text: &str, allow_insecure_http: bool) -> Result<BaseAddress, String> {
    // The address when it passed (it starts with the scheme), else the problem.
    let checked = crate::js::check_base_address(text, allow_insecure_http);
    if checked.starts_with("http") {
        Ok(BaseAddress { url: checked })
    } else {
        Err(checked)
    }
}

/// Natively, `text` taken as already checked (a test's own address), without its trailing
/// slashes; only an empty one is refused.
#[cfg(not(target_arch = "wasm32"))]
pub fn check_base_address(text: &str, _allow_insecure_http: bool) -> Result<BaseAddress, String> {
    if text.is_empty() {
        return Err(String::from("is missing"));
    }
    Ok(BaseAddress {
        url: String::from(text.trim_end_matches('/')),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_a_path_below_the_base_address() {
        let base = check_base_address("https://example.com:8443/a%2fb/", false).unwrap();
        assert_eq!(base.as_str(), "https://example.com:8443/a%2fb");
        assert_eq!(base.join("/api/x"), "https://example.com:8443/a%2fb/api/x");
        let base = check_base_address("http://[::1]//", false).unwrap();
        assert_eq!(base.join("/x"), "http://[::1]/x");
    }
}
