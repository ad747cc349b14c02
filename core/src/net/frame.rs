//! Length-prefixed frames on an iroh stream: a 4-byte big-endian length, then the postcard
//! encoding of a [`Frame`].
//!
//! The length is read first and checked against the bound of where the session is (a few
//! KB before the peer is authorised, [`MAX_FRAME`] after); a larger length is refused
//! before anything is allocated for it. Every read and write is timed by the service's
//! [`SyncLimits`].

use std::time::Duration;

use iroh::endpoint::{RecvStream, SendStream};
use serde::{Deserialize, Serialize};

use crate::net::limits::{SyncLimits, within};
use crate::sync::{Message, SyncError};

/// The protocol version a hello announces.
pub const PROTOCOL_VERSION: u16 = 2;
/// The largest frame accepted from an authorised peer. Changes travel in frames of about
/// [`CHANGES_CHUNK`](crate::sync::protocol::CHANGES_CHUNK) bytes, so only a single document
/// larger than this cannot be sent.
pub const MAX_FRAME: usize = 16 * 1024 * 1024;
/// The largest frame accepted before the peer is authorised: a hello or an invite
/// redemption (a name of 200 characters and a device label of 100 fit several times).
pub const MAX_HANDSHAKE_FRAME: usize = 4 * 1024;

/// Why the accepting side refused a session or an invite. Deliberately uninformative about
/// the group: a sync refusal says nothing about whether the group exists, and the invite
/// refusals other than [`Refusal::InviteUnknown`] are only given to a device that showed the
/// invite's secret. New variants are appended (postcard encodes the variant's index).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Refusal {
    /// The peer may not sync this group here (stranger, removed member, unknown group).
    NotAuthorized,
    /// The hello announced a protocol version this side does not speak.
    UnsupportedVersion,
    /// The invite's expiry has passed.
    InviteExpired,
    /// The invite was redeemed as many times as it allows.
    InviteUsedUp,
    /// The invite was revoked.
    InviteRevoked,
    /// No such invite here (wrong secret or group); also the answer to a malformed request.
    InviteUnknown,
}

impl Refusal {
    const ALL: [Refusal; 6] = [
        Refusal::NotAuthorized,
        Refusal::UnsupportedVersion,
        Refusal::InviteExpired,
        Refusal::InviteUsedUp,
        Refusal::InviteRevoked,
        Refusal::InviteUnknown,
    ];

    /// A short fixed text for errors.
    pub fn as_str(self) -> &'static str {
        match self {
            Refusal::NotAuthorized => "not authorized",
            Refusal::UnsupportedVersion => "unsupported protocol version",
            Refusal::InviteExpired => "invite expired",
            Refusal::InviteUsedUp => "invite used up",
            Refusal::InviteRevoked => "invite revoked",
            Refusal::InviteUnknown => "invite unknown",
        }
    }

    /// The refusal whose [`Refusal::as_str`] is `text`.
    pub fn from_str_code(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

/// One frame on a sync stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Frame {
    /// First frame of the dialling side: which group to sync.
    Hello {
        /// [`PROTOCOL_VERSION`] of the sender.
        version: u16,
        /// The group id.
        group: String,
    },
    /// The accepting side refuses; the stream ends.
    Refused(Refusal),
    /// A message of the sync session.
    Sync(Message),
    /// On [`INVITE_ALPN`](crate::net::invite::INVITE_ALPN): a device redeems an invite.
    Redeem {
        /// The group invited to.
        group: String,
        /// The invite's secret.
        secret: [u8; 32],
        /// The name the new member chose.
        name: String,
        /// A label for the redeeming device.
        label: String,
    },
    /// The invite was accepted: the redeeming device is now a member's device.
    Welcome,
}

impl Frame {
    /// The frame's payload bytes (without the length prefix).
    pub fn encode(&self) -> Result<Vec<u8>, SyncError> {
        postcard::to_stdvec(self).map_err(SyncError::malformed)
    }

    /// Reads a frame from its payload bytes (without the length prefix).
    pub fn decode(payload: &[u8]) -> Result<Self, SyncError> {
        postcard::from_bytes(payload).map_err(SyncError::malformed)
    }
}

/// The payload length a frame's 4-byte prefix announces, refused when over `max`.
pub fn frame_len(prefix: [u8; 4], max: usize) -> Result<usize, SyncError> {
    let len = u32::from_be_bytes(prefix) as usize;
    if len > max {
        return Err(SyncError::FrameTooLarge { len, max });
    }
    Ok(len)
}

/// Writes one frame; returns the bytes written (prefix included). The peer must take it
/// within `wait` plus its length at the minimum rate of `limits`.
pub(crate) async fn write_frame(
    send: &mut SendStream,
    frame: &Frame,
    limits: &SyncLimits,
    wait: Duration,
) -> Result<usize, SyncError> {
    let payload = frame.encode()?;
    if payload.len() > MAX_FRAME {
        return Err(SyncError::FrameTooLarge { len: payload.len(), max: MAX_FRAME });
    }
    let len =
        u32::try_from(payload.len()).map_err(|_| SyncError::FrameTooLarge { len: payload.len(), max: MAX_FRAME })?;
    within(limits.transfer_time(wait, payload.len()), "the peer to take a frame", async {
        send.write_all(&len.to_be_bytes()).await.map_err(SyncError::network)?;
        send.write_all(&payload).await.map_err(SyncError::network)
    })
    .await?;
    Ok(payload.len() + 4)
}

/// Reads one frame of at most `max` bytes; returns it and the bytes read (prefix
/// included). Its length must arrive within `wait`, its payload within `wait` plus its
/// length at the minimum rate of `limits`. A longer announced length is refused before
/// anything is read or allocated for it.
pub(crate) async fn read_frame(
    recv: &mut RecvStream,
    max: usize,
    limits: &SyncLimits,
    wait: Duration,
) -> Result<(Frame, usize), SyncError> {
    let mut len = [0u8; 4];
    within(wait, "a frame from the peer", async { recv.read_exact(&mut len).await.map_err(SyncError::network) })
        .await?;
    let len = frame_len(len, max)?;
    let mut payload = vec![0u8; len];
    within(limits.transfer_time(wait, len), "the rest of a frame from the peer", async {
        recv.read_exact(&mut payload).await.map_err(SyncError::network)
    })
    .await?;
    Ok((Frame::decode(&payload)?, len + 4))
}
