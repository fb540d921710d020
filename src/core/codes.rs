//! What Paywall's numbers and text codes mean, in one table.
//!
//! Paywall's Physical POS documentation numbers payment statuses 1 to 12 and activity
//! ("payment") types 1 to 4; its English enumeration pages are broken links, so the words
//! for statuses 3 to 12 are translations of the Turkish table. The cancel sample itself
//! (activity type 2, status 4) reads "cancellation, successful". A code this table does not
//! know is kept as its number: Paywall may add codes, and a client must not fail on them.

/// Defines a code enum from one table: the variants, `from_code`, `code`, `label`, and the
/// TypeScript type of the code (`TYPESCRIPT`), so Rust, the messages and the generated
/// declarations cannot disagree.
macro_rules! code_table {
    (
        $(#[$meta:meta])*
        pub enum $name:ident as $ts_name:literal {
            $( $(#[doc = $doc:literal])* $code:literal => $variant:ident, $label:literal; )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[doc = $doc])* $variant, )*
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

code_table! {
    /// The type of the last activity on an async payment (`PaymentRequestActivityTypeId`).
    pub enum ActivityType as "ActivityTypeCode" {
        /// 1: the sale itself.
        1 => Sale, "Sale";
        /// 2: a cancellation; what a successful cancel reports.
        2 => Cancellation, "Cancellation";
        /// 3: a refund.
        3 => Refund, "Refund";
        /// 4: Paywall's own "unknown".
        4 => Unknown, "Unknown";
    }
}

code_table! {
    /// The state of an async payment (`PaymentStatus`).
    pub enum PaymentStatus as "PaymentStatusCode" {
        /// 1: created (API name `Generated`).
        1 => Created, "Created";
        /// 2: sent to the POS device (API name `SentToDevice`).
        2 => SentToDevice, "Sent to device";
        /// 3: could not be sent to the device.
        3 => CouldNotSendToDevice, "Could not be sent to device";
        /// 4: successful; with activity type 2 this means the cancel succeeded.
        4 => Successful, "Successful";
        /// 5: failed.
        5 => Failed, "Failed";
        /// 6: Paywall's own "unknown".
        6 => Unknown, "Unknown";
        /// 7: notification not sent (Firebase).
        7 => NotificationNotSentFirebase, "Notification not sent (Firebase)";
        /// 8: notification not sent (socket).
        8 => NotificationNotSentSocket, "Notification not sent (socket)";
        /// 9: notification sent (Firebase).
        9 => NotificationSentFirebase, "Notification sent (Firebase)";
        /// 10: notification sent (socket).
        10 => NotificationSentSocket, "Notification sent (socket)";
        /// 11: taken into processing by the device.
        11 => ProcessingOnDevice, "Taken into processing by the device";
        /// 12: rolled back (a sale, cancel or refund).
        12 => RolledBack, "Rolled back";
    }
}

/// A sentence that tells the caller what a Paywall text error code means for a cancel,
/// for the codes Paywall documents around this endpoint.
pub fn client_message_hint(client_message: &str) -> Option<&'static str> {
    Some(match client_message {
        "Payment.Async.AlreadyHasRefundOrCancel" => {
            "The payment was already cancelled or refunded; if this call was retried after a \
             lost answer, an earlier attempt of this same call may be what cancelled it"
        }
        "Payment.Async.NotConvenientStatusForThisOperation" => {
            "The payment's current status does not allow a cancel"
        }
        "Payment.Request.RequestNotFound" => {
            "Paywall has no payment request with this id for these keys"
        }
        "Connection.IsAsyncPaymentNotActive" => {
            "Async payments are not enabled for this merchant connection; ask Paywall to enable them"
        }
        "Payment.Async.CloudNotSendToDevice" => {
            "Paywall could not reach the POS device; check that it is on and connected, then try again"
        }
        "System.AuthError" => {
            "Check apiKeyPrivate and apiClientPrivate: they must be the private keys from the \
             Paywall merchant panel for this environment"
        }
        "System.ValidationError" => "Paywall rejected the request as invalid",
        "System.ServerError" => {
            "Paywall had an internal error; the cancel can be tried again later"
        }
        _ => return None,
    })
}

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
