//! The id of the payment to cancel, checked before anything is sent.

use alloc::string::String;
use core::fmt;
use core::str::FromStr;
use serde::{Serialize, Serializer};
use uuid::Uuid;

use super::error::Error;
use super::text::{char_count, hex_digit, Decimal};

/// The start of every message about a value that is not an id, with an example, so the
/// reader sees the expected shape; what the value was follows.
const MUST_BE: &str =
    "paymentRequestId must be a GUID string such as 7cc7c8e8-9d92-41b6-9378-e9ecef5a7812, got ";

/// The length of a GUID in its canonical 8-4-4-4-12 form.
const CANONICAL_LEN: usize = 36;

/// A `PaymentRequestId`: the GUID Paywall returned when the sale was created.
///
/// Only the canonical hyphenated form (36 characters, any letter case) is accepted, the
/// form Paywall itself returns; braces, URNs and the 32-digit form are rejected rather than
/// guessed at. The nil GUID is rejected too: Paywall never issues it, so sending it can
/// only be a bug in the caller. The id is sent in lowercase.
///
/// A rejected text is described, never quoted: the commonest wrong value is a private key
/// passed by mistake, and quoting it would put the key in the caller's logs.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PaymentRequestId(Uuid);

impl PaymentRequestId {
    /// The nil GUID, which Paywall never issues: a stand-in where no id could be read.
    pub(crate) const NIL: PaymentRequestId = PaymentRequestId(Uuid::nil());

    /// Checks `text` and returns the id, or an [`ErrorKind::Input`](super::ErrorKind::Input)
    /// error that says what is wrong with it.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let misfit = match decode(text) {
            Ok(uuid) if uuid.is_nil() => {
                return Err(Error::input(
                    "paymentRequestId is the nil GUID (all zeros), which Paywall never issues",
                ))
            }
            Ok(uuid) => return Ok(PaymentRequestId(uuid)),
            Err(_) if text.is_empty() => return Err(refused(&["a string that is empty"])),
            Err(misfit) => misfit,
        };
        let chars = char_count(text);
        let (names_character, hint) = describe_shape(text, chars, misfit);
        let at = Decimal::of(misfit as u64 + 1);
        let (character, at) = match names_character {
            true => ("character ", at.as_ref()),
            false => ("", ""),
        };
        Err(refused(&[
            "a string of ",
            Decimal::of(chars as u64).as_ref(),
            " characters, with ",
            character,
            at,
            hint,
        ]))
    }

    /// The error for a value that is not a string at all; `what` names its type
    /// ("a number", "undefined", ...).
    pub fn not_a_string(what: &str) -> Error {
        refused(&[what])
    }

    /// The error for a string too long to be worth copying, let alone parsing.
    pub fn too_long(chars: u32) -> Error {
        refused(&[
            "a string of ",
            Decimal::of(chars.into()).as_ref(),
            " characters",
        ])
    }

    /// The id as it goes on the wire: lowercase, hyphenated, 36 characters.
    pub fn as_text(&self) -> String {
        let mut text = String::with_capacity(CANONICAL_LEN);
        let mut nibble = 0;
        for at in 0..CANONICAL_LEN {
            let digit = if is_hyphen_at(at) {
                b'-'
            } else {
                let byte = self.0.as_bytes().get(nibble / 2).copied().unwrap_or(0);
                nibble += 1;
                hex_digit(
                    if nibble % 2 == 1 {
                        byte >> 4
                    } else {
                        byte & 0xf
                    },
                    b'a',
                )
            };
            text.push(char::from(digit));
        }
        text
    }

    /// True when `other` is a GUID string naming this same id (Paywall may answer in
    /// another letter case).
    pub fn matches(&self, other: &str) -> bool {
        decode(other) == Ok(self.0)
    }

    /// Whether `text` is a canonical GUID string, as Paywall's own ids are.
    pub fn is_guid(text: &str) -> bool {
        decode(text).is_ok()
    }
}

/// The error for a value that is not an id: [`MUST_BE`], then what the value was (`got`,
/// joined).
fn refused(got: &[&str]) -> Error {
    let mut message = String::from(MUST_BE);
    for part in got {
        message.push_str(part);
    }
    Error::input(message)
}

/// Whether a canonical GUID has a hyphen at byte `at`.
fn is_hyphen_at(at: usize) -> bool {
    matches!(at, 8 | 13 | 18 | 23)
}

/// The GUID that `text` spells in the canonical form (36 characters: hex digits in any
/// letter case, in groups of 8-4-4-4-12 joined by hyphens), read by hand: uuid's general
/// parser knows forms this library refuses. When `text` is not one, the index of its first
/// character that does not belong where it is (all of them are ASCII up to that one, so
/// the byte index is the character's), or its length when every character fits.
fn decode(text: &str) -> Result<Uuid, usize> {
    let mut bytes = [0; 16];
    let mut nibble = 0;
    for (at, &byte) in text.as_bytes().iter().enumerate() {
        let digit = char::from(byte).to_digit(16);
        match digit {
            _ if is_hyphen_at(at) => {
                if byte != b'-' {
                    return Err(at);
                }
            }
            Some(digit) if at < CANONICAL_LEN => {
                if let Some(slot) = bytes.get_mut(nibble / 2) {
                    *slot = *slot << 4 | digit as u8;
                }
                nibble += 1;
            }
            _ => return Err(at),
        }
    }
    if text.len() == CANONICAL_LEN {
        Ok(Uuid::from_bytes(bytes))
    } else {
        Err(text.len())
    }
}

/// What is wrong with a text of `chars` characters that is not a canonical GUID, whose first
/// misplaced character [`decode`] found at `misfit`, in words that quote none of it; and
/// whether the words follow that character's number.
fn describe_shape(text: &str, chars: usize, misfit: usize) -> (bool, &'static str) {
    if text.trim().len() != text.len() {
        (false, "white space around it: trim it")
    } else if text.starts_with('{')
        || text
            .as_bytes()
            .get(..4)
            .is_some_and(|start| start.eq_ignore_ascii_case(b"urn:"))
    {
        (false, "braces or a urn: prefix: pass the bare GUID")
    } else if text.len() == 32 && text.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        (false, "no hyphens: write it in groups of 8-4-4-4-12")
    } else if chars != CANONICAL_LEN {
        (false, "the wrong length for a GUID (36 characters)")
    } else if is_hyphen_at(misfit) {
        (true, " is not the hyphen that belongs there")
    } else {
        (true, " is not a hex digit")
    }
}

impl FromStr for PaymentRequestId {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self, Error> {
        PaymentRequestId::parse(text)
    }
}

impl fmt::Display for PaymentRequestId {
    /// The lowercase hyphenated form that goes on the wire.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_text())
    }
}

impl fmt::Debug for PaymentRequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PaymentRequestId(")?;
        f.write_str(&self.as_text())?;
        f.write_str(")")
    }
}

impl Serialize for PaymentRequestId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.as_text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn accepts_the_documented_id_and_sends_it_lowercase() {
        let id = PaymentRequestId::parse("7CC7C8E8-9D92-41B6-9378-E9ECEF5A7812").unwrap();
        assert_eq!(id.to_string(), "7cc7c8e8-9d92-41b6-9378-e9ecef5a7812");
        assert_eq!(
            serde_json::to_string(&id).unwrap(),
            "\"7cc7c8e8-9d92-41b6-9378-e9ecef5a7812\""
        );
    }

    #[test]
    fn rejects_everything_that_is_not_a_canonical_guid() {
        let bad = [
            "",
            "abc",
            "7cc7c8e8-9d92-41b6-9378-e9ecef5a781",
            "7cc7c8e8-9d92-41b6-9378-e9ecef5a78123",
            "7cc7c8e89d9241b69378e9ecef5a7812",
            "{7cc7c8e8-9d92-41b6-9378-e9ecef5a7812}",
            "urn:uuid:7cc7c8e8-9d92-41b6-9378-e9ecef5a7812",
            " 7cc7c8e8-9d92-41b6-9378-e9ecef5a781",
            "7cc7c8e8-9d92-41b6-9378-e9ecef5a781 ",
            "7cc7c8e8-9d92-41b6-9378-e9ecef5a781\n",
            "7cc7c8e8_9d92_41b6_9378_e9ecef5a7812",
            "gcc7c8e8-9d92-41b6-9378-e9ecef5a7812",
            "7cc7c8e8-9d92-41b6-9378-e9ecef5a78é",
            "00000000-0000-0000-0000-000000000000",
        ];
        for text in bad {
            let error = PaymentRequestId::parse(text).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::Input, "{text:?}");
            assert!(error.message().contains("paymentRequestId"), "{text:?}");
        }
    }

    #[test]
    fn a_rejected_text_is_never_quoted() {
        // A private key passed as the id by mistake, in shapes that once reached the message.
        for key in [
            "sk_live_4f9a2c0123456789abcdefghijklmnopqrstuvwxyz0123456789",
            "sk\"live\\key  with  spaces-0123456789",
            "72ec8714-d116-4306-8881-38a43c485daz",
        ] {
            let message = PaymentRequestId::parse(key)
                .unwrap_err()
                .message()
                .to_owned();
            for window in key.as_bytes().windows(8) {
                let window = std::str::from_utf8(window).unwrap();
                assert!(!message.contains(window), "{window:?} in {message}");
            }
        }
    }

    #[test]
    fn messages_say_what_was_wrong() {
        for (text, says) in [
            (
                "abc",
                "got a string of 3 characters, with the wrong length for a GUID",
            ),
            (
                " 7cc7c8e8-9d92-41b6-9378-e9ecef5a7812",
                "white space around it",
            ),
            ("{7cc7c8e8-9d92-41b6-9378-e9ecef5a7812}", "braces"),
            ("7cc7c8e89d9241b69378e9ecef5a7812", "no hyphens"),
            (
                "gcc7c8e8-9d92-41b6-9378-e9ecef5a7812",
                "character 1 is not a hex digit",
            ),
            (
                "7cc7c8e8_9d92_41b6_9378_e9ecef5a7812",
                "character 9 is not the hyphen",
            ),
        ] {
            let error = PaymentRequestId::parse(text).unwrap_err();
            assert!(
                error.message().contains(says),
                "{text:?}: {}",
                error.message()
            );
        }
        let nil = PaymentRequestId::parse("00000000-0000-0000-0000-000000000000").unwrap_err();
        assert!(nil.message().contains("nil GUID"));
        let empty = PaymentRequestId::parse("").unwrap_err();
        assert!(empty.message().contains("empty"));
        let typed = PaymentRequestId::not_a_string("a number");
        assert!(typed.message().ends_with("got a number"));
    }

    #[test]
    fn matches_ignores_letter_case_and_rejects_other_ids() {
        let id = PaymentRequestId::parse("72ec8714-d116-4306-8881-38a43c485da9").unwrap();
        assert!(id.matches("72EC8714-D116-4306-8881-38A43C485DA9"));
        assert!(!id.matches("72ec8714-d116-4306-8881-38a43c485da8"));
        assert!(!id.matches("72ec8714d116430688813 8a43c485da9"));
    }
}
