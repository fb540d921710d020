//! What Paywall's numbers and text codes mean.
//!
//! The numbers and their words come from `paywall-codes.json` beside this file, the one
//! table that the Paywall stand-in and the www page read too (build.rs turns it into the
//! rows of the enums below). Each row names its source: Paywall's Async Cancel sample, its
//! Physical POS code tables, or the stand-in's assumption. A code the table does not know is
//! kept as its number: Paywall may add codes, and a client must not fail on them.

use alloc::string::String;

use super::text::Decimal;

/// Defines a code enum from the table's rows: the variants, `from_code`, `code`, `label`,
/// and the TypeScript type of the code (`TYPESCRIPT`), so Rust, the messages and the
/// generated declarations cannot disagree.
macro_rules! code_table {
    (
        $(#[$meta:meta])*
        pub enum $name:ident as $ts_name:literal;
        $( $code:literal => $variant:ident, $label:literal, $from:literal; )*
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $(
                #[doc = concat!(stringify!($code), ": ", $label, " (source: ", $from, ").")]
                $variant,
            )*
            /// A code Paywall's documentation does not list, kept as its number.
            Other(i32),
        }

        impl $name {
            /// The TypeScript type of the code: the documented numbers, and any other
            /// number for codes Paywall adds later.
            pub const TYPESCRIPT: &'static str = concat!(
                "/** ", $ts_name, ": ",
                $( stringify!($code), " ", $label, ", ", )*
                "or a code Paywall adds later. */\n",
                "export type ", $ts_name, " =",
                $( " ", stringify!($code), " |", )*
                " (number & {});\n"
            );

            /// Reads Paywall's number.
            pub fn from_code(code: i32) -> Self {
                match code {
                    $( $code => $name::$variant, )*
                    other => $name::Other(other),
                }
            }

            /// Paywall's number.
            pub fn code(self) -> i32 {
                match self {
                    $( $name::$variant => $code, )*
                    $name::Other(code) => code,
                }
            }

            /// The English words, or `None` for a code Paywall does not document.
            pub fn label(self) -> Option<&'static str> {
                match self {
                    $( $name::$variant => Some($label), )*
                    $name::Other(_) => None,
                }
            }
        }
    };
}

include!(concat!(env!("OUT_DIR"), "/paywall_codes.rs"));

activity_type_rows!(code_table!(
    /// The type of the last activity on an async payment (`PaymentRequestActivityTypeId`);
    /// a successful cancel reports `Cancellation`.
    pub enum ActivityType as "ActivityTypeCode";
));

payment_status_rows!(code_table!(
    /// The state of an async payment (`PaymentStatus`); a successful cancel reports
    /// `Successful`.
    pub enum PaymentStatus as "PaymentStatusCode";
));

/// Appends what a payment's latest activity is, as messages say it: "Sale (1) in status
/// Sent to device (2)", a code Paywall does not document as "code 9". One writer for every
/// message that names the two codes (a reconciled cancel, a callback the inquiry
/// contradicts).
pub fn describe_activity(out: &mut String, activity_type: i32, status: i32) {
    describe(
        out,
        ActivityType::from_code(activity_type).label(),
        activity_type,
    );
    out.push_str(" in status ");
    describe(out, PaymentStatus::from_code(status).label(), status);
}

/// Appends a code's words and number, "Sale (1)", or the number alone, "code 9".
fn describe(out: &mut String, label: Option<&str>, code: i32) {
    let code = Decimal::signed(code.into());
    match label {
        Some(words) => {
            out.push_str(words);
            out.push_str(" (");
            out.push_str(code.as_ref());
            out.push(')');
        }
        None => {
            out.push_str("code ");
            out.push_str(code.as_ref());
        }
    }
}

/// A sentence that tells the caller what a Paywall text error code means for a cancel,
/// for the codes Paywall documents around this endpoint.
pub fn client_message_hint(client_message: &str) -> Option<&'static str> {
    HINTS
        .iter()
        .find(|(code, _)| *code == client_message)
        .map(|(_, hint)| *hint)
}

/// Paywall's text error codes around the cancel, and what each means for the caller.
const HINTS: [(&str, &str); 8] = [
    (
        "Payment.Async.AlreadyHasRefundOrCancel",
        "The payment was already cancelled or refunded (perhaps by an earlier attempt)",
    ),
    (
        "Payment.Async.NotConvenientStatusForThisOperation",
        "The payment's status does not allow a cancel",
    ),
    (
        "Payment.Request.RequestNotFound",
        "Paywall has no such payment for these keys",
    ),
    (
        "Connection.IsAsyncPaymentNotActive",
        "Async payments are not enabled for this merchant: ask Paywall to enable them",
    ),
    (
        "Payment.Async.CloudNotSendToDevice",
        "Paywall could not reach the POS device: check it is on and online, then retry",
    ),
    (
        "System.AuthError",
        "Check apiKeyPrivate and apiClientPrivate: the merchant panel's private keys for this \
         environment",
    ),
    (
        "System.ValidationError",
        "Paywall found the request invalid",
    ),
    (
        "System.ServerError",
        "Paywall had an internal error: try again later",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_sample_reads_cancellation_successful() {
        assert_eq!(ActivityType::from_code(2).label(), Some("Cancellation"));
        assert_eq!(PaymentStatus::from_code(4).label(), Some("Successful"));
    }

    #[test]
    fn every_documented_code_has_words_and_round_trips() {
        for code in 1..=4 {
            assert!(ActivityType::from_code(code).label().is_some(), "{code}");
        }
        for code in 1..=12 {
            assert!(PaymentStatus::from_code(code).label().is_some(), "{code}");
        }
    }

    #[test]
    fn codes_round_trip_and_have_a_typescript_union() {
        for code in -1..=13 {
            assert_eq!(PaymentStatus::from_code(code).code(), code);
            assert_eq!(ActivityType::from_code(code).code(), code);
        }
        assert_eq!(
            ActivityType::TYPESCRIPT,
            "/** ActivityTypeCode: 1 Sale, 2 Cancellation, 3 Refund, 4 Unknown, or a code Paywall \
             adds later. */\nexport type ActivityTypeCode = 1 | 2 | 3 | 4 | (number & {});\n"
        );
        assert!(PaymentStatus::TYPESCRIPT
            .contains("export type PaymentStatusCode = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | (number & {});"));
    }

    #[test]
    fn unknown_codes_are_kept_as_numbers() {
        assert_eq!(ActivityType::from_code(9), ActivityType::Other(9));
        assert_eq!(ActivityType::from_code(9).label(), None);
        assert_eq!(PaymentStatus::from_code(0), PaymentStatus::Other(0));
        assert_eq!(PaymentStatus::from_code(-3).label(), None);
    }

    #[test]
    fn hints_cover_the_cancel_error_codes() {
        for code in [
            "Payment.Async.AlreadyHasRefundOrCancel",
            "Payment.Async.NotConvenientStatusForThisOperation",
            "Payment.Request.RequestNotFound",
            "Connection.IsAsyncPaymentNotActive",
            "Payment.Async.CloudNotSendToDevice",
            "System.AuthError",
            "System.ValidationError",
            "System.ServerError",
        ] {
            assert!(client_message_hint(code).is_some(), "{code}");
        }
        assert_eq!(client_message_hint("Something.Else"), None);
    }
}
