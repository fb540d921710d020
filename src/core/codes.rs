//! What Paywall's numbers and text codes mean, in one table.
//!
//! Paywall's Physical POS documentation numbers payment statuses 1 to 12 and activity
//! ("payment") types 1 to 4; its English enumeration pages are broken links, so the words
//! for statuses 3 to 12 are translations of the Turkish table. The cancel sample itself
//! (activity type 2, status 4) reads "cancellation, successful". A code this table does not
//! know is kept as its number: Paywall may add codes, and a client must not fail on them.

/// The type of the last activity on an async payment (`PaymentRequestActivityTypeId`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ActivityType {
    /// 1: the sale itself.
    Sale,
    /// 2: a cancellation; what a successful cancel reports.
    Cancellation,
    /// 3: a refund.
    Refund,
    /// 4: Paywall's own "unknown".
    Unknown,
    /// A code Paywall's documentation does not list.
    Other(i32),
}

impl ActivityType {
    /// Reads Paywall's number.
    pub fn from_code(code: i32) -> Self {
        match code {
            1 => ActivityType::Sale,
            2 => ActivityType::Cancellation,
            3 => ActivityType::Refund,
            4 => ActivityType::Unknown,
            other => ActivityType::Other(other),
        }
    }

    /// The English word, or `None` for a code Paywall does not document.
    pub fn label(self) -> Option<&'static str> {
        Some(match self {
            ActivityType::Sale => "Sale",
            ActivityType::Cancellation => "Cancellation",
            ActivityType::Refund => "Refund",
            ActivityType::Unknown => "Unknown",
            ActivityType::Other(_) => return None,
        })
    }
}

/// The state of an async payment (`PaymentStatus`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PaymentStatus {
    /// 1: created (API name `Generated`).
    Created,
    /// 2: sent to the POS device (API name `SentToDevice`).
    SentToDevice,
    /// 3: could not be sent to the device.
    CouldNotSendToDevice,
    /// 4: successful; with activity type 2 this means the cancel succeeded.
    Successful,
    /// 5: failed.
    Failed,
    /// 6: Paywall's own "unknown".
    Unknown,
    /// 7: notification not sent (Firebase).
    NotificationNotSentFirebase,
    /// 8: notification not sent (socket).
    NotificationNotSentSocket,
    /// 9: notification sent (Firebase).
    NotificationSentFirebase,
    /// 10: notification sent (socket).
    NotificationSentSocket,
    /// 11: taken into processing by the device.
    ProcessingOnDevice,
    /// 12: rolled back (a sale, cancel or refund).
    RolledBack,
    /// A code Paywall's documentation does not list.
    Other(i32),
}

impl PaymentStatus {
    /// Reads Paywall's number.
    pub fn from_code(code: i32) -> Self {
        match code {
            1 => PaymentStatus::Created,
            2 => PaymentStatus::SentToDevice,
            3 => PaymentStatus::CouldNotSendToDevice,
            4 => PaymentStatus::Successful,
            5 => PaymentStatus::Failed,
            6 => PaymentStatus::Unknown,
            7 => PaymentStatus::NotificationNotSentFirebase,
            8 => PaymentStatus::NotificationNotSentSocket,
            9 => PaymentStatus::NotificationSentFirebase,
            10 => PaymentStatus::NotificationSentSocket,
            11 => PaymentStatus::ProcessingOnDevice,
            12 => PaymentStatus::RolledBack,
            other => PaymentStatus::Other(other),
        }
    }

    /// The English words, or `None` for a code Paywall does not document.
    pub fn label(self) -> Option<&'static str> {
        Some(match self {
            PaymentStatus::Created => "Created",
            PaymentStatus::SentToDevice => "Sent to device",
            PaymentStatus::CouldNotSendToDevice => "Could not be sent to device",
            PaymentStatus::Successful => "Successful",
            PaymentStatus::Failed => "Failed",
            PaymentStatus::Unknown => "Unknown",
            PaymentStatus::NotificationNotSentFirebase => "Notification not sent (Firebase)",
            PaymentStatus::NotificationNotSentSocket => "Notification not sent (socket)",
            PaymentStatus::NotificationSentFirebase => "Notification sent (Firebase)",
            PaymentStatus::NotificationSentSocket => "Notification sent (socket)",
            PaymentStatus::ProcessingOnDevice => "Taken into processing by the device",
            PaymentStatus::RolledBack => "Rolled back",
            PaymentStatus::Other(_) => return None,
        })
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
