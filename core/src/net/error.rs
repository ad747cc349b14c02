//! Errors of the network layer that are not errors of a sync session: invites, relay
//! settings and peer addresses.

/// Why an invite, a relay setting or a peer address was refused. Nothing was changed when one
/// of these is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NetError {
    /// The invite's expiry has passed.
    #[error("the invite has expired")]
    InviteExpired,
    /// The invite was redeemed as many times as it allows.
    #[error("the invite has been used as many times as it allows")]
    InviteUsedUp,
    /// A steward (or the member who made it) revoked the invite.
    #[error("the invite was revoked")]
    InviteRevoked,
    /// The device the invite names does not know it (wrong secret, another group, or the
    /// invite was made on another device).
    #[error("the invite is not known to the device it names")]
    InviteUnknown,
    /// A relay URL is not an `http` or `https` URL.
    #[error("'{url}' is not a relay URL: {reason}")]
    InvalidRelayUrl {
        /// The URL given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A peer address is neither a Delbar peer address nor a device id.
    #[error("not a peer address: {reason}")]
    InvalidPeerAddress {
        /// What is wrong with it.
        reason: String,
    },
    /// A QR code image was asked for at a scale outside 1 to 64 pixels per module.
    #[error("a QR code scale of {scale} pixels per module is outside 1 to 64")]
    InvalidQrScale {
        /// The scale asked for.
        scale: u32,
    },
    /// A photo blob could not be fetched from the peer: it refused (this device is not a
    /// current member's device of a group whose item references the photo), does not have
    /// it, or the connection failed. Nothing was kept.
    #[error("the photo {hash} could not be fetched: {reason}")]
    PhotoNotFetched {
        /// The blob's hash.
        hash: String,
        /// What went wrong.
        reason: String,
    },
}
