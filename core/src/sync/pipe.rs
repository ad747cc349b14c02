//! The sync session over any byte pipe: Bluetooth, Wi-Fi Direct, Nearby Connections, a
//! serial line, two FIFOs. The app moves bytes; this module does everything else.
//!
//! A [`PipeSession`] is sans-IO: the app feeds it the bytes it received
//! ([`PipeSession::receive`]) and sends the frames it returns, until
//! [`PipeSession::is_done`]; a typed [`SyncError`] ends it otherwise. It takes the time as an
//! argument, so the app decides when a silent peer has stalled ([`PipeSession::check`]).
//!
//! ## Trust: a Noise XX handshake tied to the device keys
//!
//! The pipe is untrusted, so the session starts with `Noise_XX_25519_ChaChaPoly_BLAKE2s`
//! (the `snow` crate), prologue `delbar pipe v1`:
//!
//! | message | direction | Noise tokens | payload (encrypted except in message 1) | bytes (and a 2-byte length) |
//! | --- | --- | --- | --- | --- |
//! | 1 | initiator -> responder | `e` | none | 32 |
//! | 2 | responder -> initiator | `e, ee, s, es` | responder's identity (96) | 192 |
//! | 3 | initiator -> responder | `s, se` | initiator's identity (96) and the group id | 160 + the group id's length |
//!
//! An identity is the device's ed25519 public key (32 bytes) and its signature (64 bytes) of
//! `delbar pipe v1 static key`, a role byte and the X25519 static key the device uses in this
//! very handshake. Each side makes a fresh X25519 static key per session and signs it with
//! its ed25519 device key, rather than deriving the X25519 key from the ed25519 secret: the
//! device key then only ever signs (no key is used for two algorithms), and XX proves
//! possession of the signed static key through the `es`/`se` Diffie-Hellman with both sides'
//! fresh ephemerals, so a recorded handshake cannot be replayed: the replayed message 3 was
//! made for another ephemeral and does not decrypt.
//!
//! Nothing about the group travels before both devices are authenticated: the initiator
//! names the group only in message 3, encrypted to the responder it has already
//! authenticated and found to be a current member's device of the group (its own catalogue
//! says so). The responder answers only after checking the initiator the same way (the
//! member checks of the iroh path: [`Session::start`] and
//! [`authorize_sender`](super::authorize_sender)); a stranger or removed member gets a
//! refusal and nothing else, not even whether this device knows the group.
//!
//! ## Frames
//!
//! Every frame is a 2-byte big-endian length and that many bytes, at most [`MAX_FRAME`] (512)
//! bytes in all. 512 bytes is the smallest payload the platforms carry whole: a Bluetooth
//! LE GATT attribute value (512 bytes); Android Nearby byte payloads (32 KiB), a BLE L2CAP
//! channel, Apple's Network framework and plain streams carry it as well. After the
//! handshake each frame is one Noise transport message (16-byte tag) of a flag byte (1: the
//! last chunk of a message) and up to 493 bytes of a message; the core splits messages
//! (postcard of the sync [`Message`]s) into frames and reassembles them. Noise's implicit
//! nonces make any damaged, reordered, dropped, replayed or cut frame fail to decrypt: the
//! session ends with [`SyncError::Tampered`] and nothing of the message is applied.
//!
//! ## Messages
//!
//! After the handshake both sides run the same [`Session`] as the iroh path, pipelined: the
//! initiator sends its summary with message 3; the responder answers with its summary and
//! (when something differs) its heads; then each side sends the changes the other lacks.
//! With nothing new, a session is 2 round trips; with changes, 3.

use std::time::{Duration, Instant};

use ed25519_dalek::{Signature, Signer, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::Store;
use crate::error::Result;
use crate::ids::{DeviceId, GroupId};
use crate::sync::{Message, Session, SessionReport, SyncError, is_member_device, knows_group, peers};

/// The Noise protocol the handshake runs.
pub const NOISE_PARAMS: &str = "Noise_XX_25519_ChaChaPoly_BLAKE2s";
/// The largest frame on the pipe, its 2-byte length included.
pub const MAX_FRAME: usize = 512;
/// The largest message reassembled from frames (a first contact carries whole documents).
pub const MAX_MESSAGE: usize = 64 * 1024 * 1024;
/// How long a session waits for the peer by default before [`SyncError::TimedOut`].
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(30);

const PROLOGUE: &[u8] = b"delbar pipe v1";
const IDENTITY_CONTEXT: &[u8] = b"delbar pipe v1 static key";
const LEN_PREFIX: usize = 2;
const TAG_LEN: usize = 16;
/// Message bytes in one transport frame: the frame less its length, tag and flag byte.
const CHUNK: usize = MAX_FRAME - LEN_PREFIX - TAG_LEN - 1;
const IDENTITY_LEN: usize = 32 + 64;
const LAST_CHUNK: u8 = 1;
const MORE_CHUNKS: u8 = 0;

/// Which end of the pipe a device is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Starts the handshake and names the group.
    Initiator,
    /// Answers; learns the group inside the encrypted channel.
    Responder,
}

impl Role {
    fn byte(self) -> u8 {
        match self {
            Role::Initiator => b'i',
            Role::Responder => b'r',
        }
    }

    fn other(self) -> Role {
        match self {
            Role::Initiator => Role::Responder,
            Role::Responder => Role::Initiator,
        }
    }
}

/// What a pipe session did, once it is done.
#[derive(Debug, Clone, PartialEq)]
pub struct PipeReport {
    /// The group synced.
    pub group: GroupId,
    /// The other device (authenticated by the handshake).
    pub peer: DeviceId,
    /// What the sync session did (documents that differed, change bytes, what merged).
    pub session: SessionReport,
    /// Bytes this side put on the pipe, frames and handshake included.
    pub bytes_sent: u64,
    /// Bytes this side took from the pipe.
    pub bytes_received: u64,
    /// Frames sent.
    pub frames_sent: u32,
    /// Frames received.
    pub frames_received: u32,
}

/// What travels inside the encrypted channel.
#[derive(Debug, Serialize, Deserialize)]
enum Inner {
    /// A message of the sync session.
    Sync(Message),
    /// The responder refuses the initiator (stranger, removed member, unknown group).
    Refused,
}

enum Phase {
    /// The handshake is under way.
    Handshake(Box<snow::HandshakeState>),
    /// Authenticated and accepted: the sync session runs.
    Open { transport: Box<snow::TransportState>, session: Box<Session> },
    /// Done; the outcome is in `report`.
    Done,
    /// Ended by an error.
    Failed,
}

/// One side of a sync session over an untrusted byte pipe.
pub struct PipeSession {
    role: Role,
    /// The initiator's group; the responder's restriction, if any.
    group: Option<GroupId>,
    peer: Option<DeviceId>,
    phase: Phase,
    static_public: Vec<u8>,
    inbox: Vec<u8>,
    partial: Vec<u8>,
    closing: Vec<Vec<u8>>,
    last_heard: Instant,
    idle_timeout: Duration,
    report: Option<PipeReport>,
    bytes_sent: u64,
    bytes_received: u64,
    frames_sent: u32,
    frames_received: u32,
}

impl std::fmt::Debug for PipeSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PipeSession")
            .field("role", &self.role)
            .field("group", &self.group)
            .field("peer", &self.peer)
            .field("done", &self.is_done())
            .finish_non_exhaustive()
    }
}

fn noise(e: snow::Error) -> SyncError {
    match e {
        snow::Error::Decrypt => SyncError::Tampered,
        other => SyncError::Handshake { reason: other.to_string() },
    }
}

impl PipeSession {
    /// Starts the initiating side for `group` and returns the first frame to send. The
    /// session gives up when the peer is silent for `idle_timeout` (see [`PipeSession::check`]).
    /// A device that does not know the group yet (first contact) may start one: what the
    /// responder sends must then bring a catalogue listing it, as on the iroh path.
    pub fn initiator(group: &GroupId, now: Instant, idle_timeout: Duration) -> Result<(Self, Vec<Vec<u8>>)> {
        let mut session = Self::new(Role::Initiator, Some(group.clone()), now, idle_timeout)?;
        let mut buf = vec![0u8; MAX_FRAME];
        let Phase::Handshake(hs) = &mut session.phase else {
            return Err(SyncError::Handshake { reason: "the handshake did not start".into() }.into());
        };
        let n = hs.write_message(&[], &mut buf).map_err(noise)?;
        let frame = session.frame(buf.get(..n).unwrap_or_default())?;
        Ok((session, vec![frame]))
    }

    /// Starts the responding side. Without `group`, it accepts any group this device knows
    /// whose current member's device the initiator is. With `group`, only that group; and if
    /// this device does not know it yet (first contact, e.g. a new phone the steward added),
    /// it accepts it from an initiator whose catalogue lists that initiator as a member's
    /// device (checked on what it sends, before anything is applied).
    pub fn responder(group: Option<&GroupId>, now: Instant, idle_timeout: Duration) -> Result<Self> {
        Self::new(Role::Responder, group.cloned(), now, idle_timeout)
    }

    fn new(role: Role, group: Option<GroupId>, now: Instant, idle_timeout: Duration) -> Result<Self> {
        let params: snow::params::NoiseParams =
            NOISE_PARAMS.parse().map_err(|e: snow::Error| SyncError::Handshake { reason: e.to_string() })?;
        let builder = snow::Builder::new(params.clone());
        let keys = builder.generate_keypair().map_err(noise)?;
        let builder = snow::Builder::new(params).prologue(PROLOGUE).map_err(noise)?;
        let builder = builder.local_private_key(&keys.private).map_err(noise)?;
        let hs = match role {
            Role::Initiator => builder.build_initiator(),
            Role::Responder => builder.build_responder(),
        }
        .map_err(noise)?;
        Ok(PipeSession {
            role,
            group,
            peer: None,
            phase: Phase::Handshake(Box::new(hs)),
            static_public: keys.public,
            inbox: Vec::new(),
            partial: Vec::new(),
            closing: Vec::new(),
            last_heard: now,
            idle_timeout,
            report: None,
            bytes_sent: 0,
            bytes_received: 0,
            frames_sent: 0,
            frames_received: 0,
        })
    }

    /// This side's role.
    pub fn role(&self) -> Role {
        self.role
    }

    /// The group, once known (the initiator's from the start; the responder's after the
    /// handshake).
    pub fn group(&self) -> Option<&GroupId> {
        self.group.as_ref()
    }

    /// The other device, once the handshake authenticated it.
    pub fn peer(&self) -> Option<&DeviceId> {
        self.peer.as_ref()
    }

    /// Whether the session completed (both stores hold the same documents of the group).
    pub fn is_done(&self) -> bool {
        matches!(self.phase, Phase::Done)
    }

    /// Whether the session is over, done or failed: nothing more is to be sent or received.
    pub fn is_over(&self) -> bool {
        matches!(self.phase, Phase::Done | Phase::Failed)
    }

    /// What the session did, once it is done.
    pub fn report(&self) -> Option<&PipeReport> {
        self.report.as_ref()
    }

    /// Frames to send after the session failed, so the peer learns it was refused (empty
    /// in every other case). The app sends them and closes the pipe.
    pub fn take_closing_frames(&mut self) -> Vec<Vec<u8>> {
        std::mem::take(&mut self.closing)
    }

    /// Fails with [`SyncError::TimedOut`] if the peer has been silent for longer than the
    /// idle timeout at `now` (the session is then over). The app calls it from its timer.
    pub fn check(&mut self, now: Instant) -> Result<(), SyncError> {
        if self.is_over() {
            return Ok(());
        }
        let silent = now.saturating_duration_since(self.last_heard);
        if silent > self.idle_timeout {
            self.phase = Phase::Failed;
            return Err(SyncError::TimedOut { idle_ms: u64::try_from(silent.as_millis()).unwrap_or(u64::MAX) });
        }
        Ok(())
    }

    /// Tells the session the pipe closed. Before the session is done that is
    /// [`SyncError::PipeClosed`]; nothing half-received was applied.
    pub fn closed(&mut self) -> Result<(), SyncError> {
        if self.is_over() {
            return Ok(());
        }
        self.phase = Phase::Failed;
        Err(SyncError::PipeClosed)
    }

    /// Takes bytes received from the pipe (any split: a part of a frame, several frames)
    /// and returns the frames to send in answer, in order. On an error the session is over
    /// and nothing of the message being received was applied; see
    /// [`PipeSession::take_closing_frames`].
    pub fn receive(&mut self, store: &mut Store, bytes: &[u8], now: Instant) -> Result<Vec<Vec<u8>>> {
        if matches!(self.phase, Phase::Failed) {
            return Err(
                SyncError::UnexpectedMessage { expected: "nothing (the session failed)", received: "bytes" }.into()
            );
        }
        self.check(now)?;
        if bytes.is_empty() {
            return Ok(Vec::new());
        }
        self.last_heard = now;
        self.bytes_received += bytes.len() as u64;
        self.inbox.extend_from_slice(bytes);
        let mut out = Vec::new();
        let result = self.drain(store, &mut out);
        if result.is_err() {
            self.phase = Phase::Failed;
        }
        result.map(|()| out)
    }

    fn drain(&mut self, store: &mut Store, out: &mut Vec<Vec<u8>>) -> Result<()> {
        while let Some(frame) = self.next_frame()? {
            self.frames_received += 1;
            if matches!(self.phase, Phase::Done) {
                return Err(SyncError::Malformed { reason: "bytes after the end of the session".into() }.into());
            }
            self.handle(store, &frame, out)?;
        }
        Ok(())
    }

    /// Cuts the next whole frame's body out of the inbox.
    fn next_frame(&mut self) -> Result<Option<Vec<u8>>, SyncError> {
        let Some(prefix) = self.inbox.get(..LEN_PREFIX) else {
            return Ok(None);
        };
        let len = usize::from(u16::from_be_bytes([prefix[0], prefix[1]]));
        if len + LEN_PREFIX > MAX_FRAME {
            return Err(SyncError::FrameTooLarge { len: len + LEN_PREFIX, max: MAX_FRAME });
        }
        if len == 0 {
            return Err(SyncError::Malformed { reason: "an empty frame".into() });
        }
        if self.inbox.len() < LEN_PREFIX + len {
            return Ok(None);
        }
        let body = self.inbox.get(LEN_PREFIX..LEN_PREFIX + len).map(<[u8]>::to_vec).unwrap_or_default();
        self.inbox.drain(..LEN_PREFIX + len);
        Ok(Some(body))
    }

    fn handle(&mut self, store: &mut Store, frame: &[u8], out: &mut Vec<Vec<u8>>) -> Result<()> {
        match std::mem::replace(&mut self.phase, Phase::Failed) {
            Phase::Handshake(mut hs) => {
                let mut payload = vec![0u8; MAX_FRAME];
                let n = hs.read_message(frame, &mut payload).map_err(noise)?;
                let payload = payload.get(..n).unwrap_or_default().to_vec();
                match (self.role, hs.is_handshake_finished()) {
                    // Responder, message 1 read: answer with message 2.
                    (Role::Responder, false) => {
                        let identity = self.identity(store);
                        let mut buf = vec![0u8; MAX_FRAME];
                        let n = hs.write_message(&identity, &mut buf).map_err(noise)?;
                        out.push(self.frame(buf.get(..n).unwrap_or_default())?);
                        self.phase = Phase::Handshake(hs);
                        Ok(())
                    }
                    // Initiator, message 2 read: check the responder, send message 3.
                    (Role::Initiator, false) => self.initiator_finish(store, hs, &payload, out),
                    // Responder, message 3 read: check the initiator and the group.
                    (Role::Responder, true) => self.responder_finish(store, *hs, &payload, out),
                    (Role::Initiator, true) => {
                        Err(SyncError::Handshake { reason: "the handshake ended early".into() }.into())
                    }
                }
            }
            Phase::Open { mut transport, session } => {
                let mut plain = vec![0u8; MAX_FRAME];
                let n = transport.read_message(frame, &mut plain).map_err(noise)?;
                let (flag, chunk) = plain
                    .get(..n)
                    .and_then(|p| p.split_first())
                    .ok_or(SyncError::Malformed { reason: "an empty chunk".into() })?;
                if self.partial.len() + chunk.len() > MAX_MESSAGE {
                    return Err(
                        SyncError::FrameTooLarge { len: self.partial.len() + chunk.len(), max: MAX_MESSAGE }.into()
                    );
                }
                self.partial.extend_from_slice(chunk);
                match *flag {
                    MORE_CHUNKS => {
                        self.phase = Phase::Open { transport, session };
                        Ok(())
                    }
                    LAST_CHUNK => {
                        let message = std::mem::take(&mut self.partial);
                        let inner: Inner = postcard::from_bytes(&message).map_err(SyncError::malformed)?;
                        self.on_message(store, transport, session, inner, out)
                    }
                    other => Err(SyncError::Malformed { reason: format!("unknown chunk flag {other}") }.into()),
                }
            }
            Phase::Done => Err(SyncError::Malformed { reason: "bytes after the end of the session".into() }.into()),
            Phase::Failed => {
                Err(SyncError::UnexpectedMessage { expected: "nothing (the session failed)", received: "bytes" }.into())
            }
        }
    }

    fn on_message(
        &mut self,
        store: &mut Store,
        mut transport: Box<snow::TransportState>,
        mut session: Box<Session>,
        inner: Inner,
        out: &mut Vec<Vec<u8>>,
    ) -> Result<()> {
        let message = match inner {
            Inner::Sync(m) => m,
            Inner::Refused => return Err(SyncError::Refused { reason: "not authorized".into() }.into()),
        };
        for answer in session.receive(store, message)? {
            self.send(&mut transport, &Inner::Sync(answer), out)?;
        }
        if session.is_done() {
            self.finish(store, &session);
        } else {
            self.phase = Phase::Open { transport, session };
        }
        Ok(())
    }

    fn finish(&mut self, store: &Store, session: &Session) {
        let (Some(group), Some(peer)) = (self.group.clone(), self.peer.clone()) else {
            return;
        };
        // Both sides now hold the same documents; a failure to note it only costs the
        // status display.
        if let Err(e) = peers::record_synced(store, &group, &peer) {
            tracing::debug!(%e, "could not record the sync in the peer status");
        }
        self.report = Some(PipeReport {
            group,
            peer,
            session: session.report().clone(),
            bytes_sent: self.bytes_sent,
            bytes_received: self.bytes_received,
            frames_sent: self.frames_sent,
            frames_received: self.frames_received,
        });
        self.phase = Phase::Done;
    }

    fn initiator_finish(
        &mut self,
        store: &mut Store,
        mut hs: Box<snow::HandshakeState>,
        payload: &[u8],
        out: &mut Vec<Vec<u8>>,
    ) -> Result<()> {
        let peer = self.verify_identity(&hs, payload)?;
        let group = self.group.clone().ok_or(SyncError::Handshake { reason: "no group".into() })?;
        self.peer = Some(peer.clone());
        let allowed = !knows_group(store, &group)? || is_member_device(store, &group, &peer)?;
        // Message 3 names the group only to a device this one accepts; otherwise it carries
        // no group, which the responder takes as a refusal.
        let mut payload = self.identity(store);
        if allowed {
            payload.extend_from_slice(group.as_str().as_bytes());
        }
        let mut buf = vec![0u8; MAX_FRAME];
        let n = hs.write_message(&payload, &mut buf).map_err(noise)?;
        let message3 = self.frame(buf.get(..n).unwrap_or_default())?;
        if !allowed {
            self.closing.push(message3);
            return Err(SyncError::NotAMemberDevice { device: peer.to_string(), group: group.to_string() }.into());
        }
        out.push(message3);
        let mut transport = Box::new(hs.into_transport_mode().map_err(noise)?);
        peers::record_seen(store, &group, &peer)?;
        let (session, summary) = Session::start(store, &group, &peer)?;
        self.send(&mut transport, &Inner::Sync(summary), out)?;
        self.phase = Phase::Open { transport, session: Box::new(session) };
        Ok(())
    }

    fn responder_finish(
        &mut self,
        store: &mut Store,
        hs: snow::HandshakeState,
        payload: &[u8],
        out: &mut Vec<Vec<u8>>,
    ) -> Result<()> {
        let peer = self.verify_identity(&hs, payload)?;
        self.peer = Some(peer.clone());
        let named = payload.get(IDENTITY_LEN..).unwrap_or_default();
        let mut transport = Box::new(hs.into_transport_mode().map_err(noise)?);
        if named.is_empty() {
            return Err(SyncError::Refused { reason: "not authorized".into() }.into());
        }
        let group = std::str::from_utf8(named).ok().and_then(|g| GroupId::parse(g).ok());
        let accepted = match &group {
            Some(g) => match &self.group {
                Some(wanted) if wanted != g => false,
                // First contact with the group this device was asked to join.
                Some(_) if !knows_group(store, g)? => true,
                _ => knows_group(store, g)? && is_member_device(store, g, &peer)?,
            },
            None => false,
        };
        let Some(group) = group.filter(|_| accepted) else {
            // The same answer whatever the reason: a stranger learns nothing.
            let mut refusal = Vec::new();
            self.send(&mut transport, &Inner::Refused, &mut refusal)?;
            self.closing = refusal;
            return Err(SyncError::NotAMemberDevice {
                device: peer.to_string(),
                group: String::from_utf8_lossy(named).into_owned(),
            }
            .into());
        };
        self.group = Some(group.clone());
        peers::record_seen(store, &group, &peer)?;
        let (session, summary) = Session::start(store, &group, &peer)?;
        self.send(&mut transport, &Inner::Sync(summary), out)?;
        self.phase = Phase::Open { transport, session: Box::new(session) };
        Ok(())
    }

    /// This device's identity for the handshake: its public key and its signature of the
    /// static key it uses now, for this role.
    fn identity(&self, store: &Store) -> Vec<u8> {
        let key = store.device_signing_key();
        let signature = key.sign(&identity_message(self.role, &self.static_public));
        let mut out = key.verifying_key().to_bytes().to_vec();
        out.extend_from_slice(&signature.to_bytes());
        out
    }

    /// Checks the peer's identity against the static key it used in this handshake.
    fn verify_identity(&self, hs: &snow::HandshakeState, payload: &[u8]) -> Result<DeviceId, SyncError> {
        let bad = |reason: &str| SyncError::Handshake { reason: reason.to_owned() };
        let device: [u8; 32] =
            payload.get(..32).and_then(|d| d.try_into().ok()).ok_or_else(|| bad("the peer sent no identity"))?;
        let signature: [u8; 64] = payload
            .get(32..IDENTITY_LEN)
            .and_then(|s| s.try_into().ok())
            .ok_or_else(|| bad("the peer sent no identity"))?;
        let remote_static = hs.get_remote_static().ok_or_else(|| bad("the peer sent no static key"))?;
        let id = DeviceId::from_public_key(&device);
        let key = VerifyingKey::from_bytes(&device).map_err(|_| SyncError::BadSignature { device: id.to_string() })?;
        key.verify(&identity_message(self.role.other(), remote_static), &Signature::from_bytes(&signature))
            .map_err(|_| SyncError::BadSignature { device: id.to_string() })?;
        Ok(id)
    }

    /// Encodes one message and appends its frames to `out`.
    fn send(&mut self, transport: &mut snow::TransportState, inner: &Inner, out: &mut Vec<Vec<u8>>) -> Result<()> {
        let bytes = postcard::to_stdvec(inner).map_err(SyncError::malformed)?;
        let mut chunks = bytes.chunks(CHUNK).peekable();
        // An empty message still takes one frame.
        let mut first = true;
        while first || chunks.peek().is_some() {
            first = false;
            let chunk = chunks.next().unwrap_or_default();
            let mut plain = Vec::with_capacity(chunk.len() + 1);
            plain.push(if chunks.peek().is_some() { MORE_CHUNKS } else { LAST_CHUNK });
            plain.extend_from_slice(chunk);
            let mut buf = vec![0u8; plain.len() + TAG_LEN];
            let n = transport.write_message(&plain, &mut buf).map_err(noise)?;
            out.push(self.frame(buf.get(..n).unwrap_or_default())?);
        }
        Ok(())
    }

    /// A frame: the body's length, then the body; counted as sent.
    fn frame(&mut self, body: &[u8]) -> Result<Vec<u8>, SyncError> {
        let len = u16::try_from(body.len())
            .ok()
            .filter(|l| usize::from(*l) + LEN_PREFIX <= MAX_FRAME)
            .ok_or(SyncError::FrameTooLarge { len: body.len() + LEN_PREFIX, max: MAX_FRAME })?;
        let mut frame = Vec::with_capacity(body.len() + LEN_PREFIX);
        frame.extend_from_slice(&len.to_be_bytes());
        frame.extend_from_slice(body);
        self.bytes_sent += frame.len() as u64;
        self.frames_sent += 1;
        Ok(frame)
    }
}

fn identity_message(role: Role, static_key: &[u8]) -> Vec<u8> {
    let mut m = IDENTITY_CONTEXT.to_vec();
    m.push(role.byte());
    m.extend_from_slice(static_key);
    m
}
