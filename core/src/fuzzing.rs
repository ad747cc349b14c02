//! Entry points for the fuzz targets (the `fuzz/` crate) and for the workspace test that
//! replays their corpus as ordinary tests. Not part of the product's API.
//!
//! Each function takes arbitrary bytes and runs them through the code that reads untrusted
//! input, the way the product does, on a fresh in-memory store where one is needed. Bad
//! input must come back as the code's typed error (ignored here); the functions return
//! `Err` only when a property that must hold for every input is broken (a value read back
//! after writing differs), and fuzzing finds panics and unbounded allocations on its own.
//!
//! Input formats (each target's seed corpus in `fuzz/corpus/<target>/` holds real ones):
//! - [`bundle`]: a bundle file.
//! - [`bundle_resigned`]: a bundle file without its checksum and signature, which the
//!   target adds as [`FUZZ_SIGNER`] after naming it the exporter, so that changed records
//!   get past the checksum and the signature to the import's own checks.
//! - [`frames`]: the 32-byte public key of the peer, then a stream of frames as read from a
//!   sync stream (4-byte big-endian length, postcard payload), as the dialling device at
//!   first contact reads them: a hello, then sync messages driving a session.
//! - [`invite`], [`peer_addr`]: text (UTF-8, invalid sequences replaced).
//! - [`stored_document`]: group id, newline, document key, newline, then the document's
//!   stored bytes (snapshot and chunks run together, as the store reads them).
//! - [`merge`]: the postcard encoding of a group id and a list of [`DocumentExport`]s; input
//!   that does not decode so is read as for [`stored_document`] and merged as one document
//!   without attestations.

use std::sync::Arc;

use crate::Store;
use crate::docs::DocKey;
use crate::ids::{DeviceId, GroupId};
use crate::net::frame::{Frame, MAX_FRAME, MAX_HANDSHAKE_FRAME, frame_len};
use crate::net::{Invite, format_peer_addr, parse_peer_addr};
use crate::store::DocumentExport;
use crate::sync::{Session, SyncError, import_bundle, read_bundle};
use crate::time::{ManualClock, Timestamp};

/// A fresh in-memory store on a clock standing at 2026-11-22 12:00 UTC (the instant the
/// tests use), so a run does not depend on the day.
fn scratch_store() -> Option<Store> {
    let at = Timestamp::from_civil(2026, 11, 22, 12, 0)?;
    Store::open_with_clock(":memory:", Arc::new(ManualClock::new(at))).ok()
}

/// Reads a bundle; one that verifies is imported into a fresh store.
pub fn bundle(data: &[u8]) -> Result<(), String> {
    let Ok(info) = read_bundle(data) else { return Ok(()) };
    if let Some(mut store) = scratch_store() {
        let _ = import_bundle(&mut store, &info.group, data);
    }
    Ok(())
}

/// The secret key [`bundle_resigned`] signs with. The seed corpus's bundles come from a
/// group that lists its device ([`fuzz_signer_device`]) as a member's, so the import
/// accepts the signer and reads on into the records.
pub const FUZZ_SIGNER: [u8; 32] = [0x5a; 32];

/// The device id of [`FUZZ_SIGNER`].
pub fn fuzz_signer_device() -> DeviceId {
    DeviceId::from_public_key(&ed25519_dalek::SigningKey::from_bytes(&FUZZ_SIGNER).verifying_key().to_bytes())
}

/// Completes a bundle that lacks its checksum and signature: its header names
/// [`FUZZ_SIGNER`] as the exporter (the group and time kept), then the checksum and the
/// signature are appended. `None` when the input has no readable prefix and header.
pub fn resign_bundle(data: &[u8]) -> Option<Vec<u8>> {
    use ed25519_dalek::Signer;
    let (prefix, rest) = data.split_first_chunk::<12>()?;
    let header_len = usize::from(u16::from_le_bytes([prefix[10], prefix[11]]));
    let (header, records) = (rest.get(..header_len)?, rest.get(header_len..)?);
    let (group, _device, created): (String, [u8; 32], i64) = postcard::from_bytes(header).ok()?;
    let key = ed25519_dalek::SigningKey::from_bytes(&FUZZ_SIGNER);
    let header = postcard::to_stdvec(&(group, key.verifying_key().to_bytes(), created)).ok()?;
    let mut out = prefix[..10].to_vec();
    out.extend_from_slice(&u16::try_from(header.len()).ok()?.to_le_bytes());
    out.extend_from_slice(&header);
    out.extend_from_slice(records);
    let checksum = *blake3::hash(&out).as_bytes();
    out.extend_from_slice(&checksum);
    out.extend_from_slice(&key.sign(&crate::sync::bundle::signed_message(&checksum)).to_bytes());
    Some(out)
}

/// Signs the input as [`FUZZ_SIGNER`] ([`resign_bundle`]) and imports it into a fresh
/// store; an import that succeeds must leave a projection that `check` finds clean.
pub fn bundle_resigned(data: &[u8]) -> Result<(), String> {
    let Some(bundle) = resign_bundle(data) else { return Ok(()) };
    let Ok(info) = read_bundle(&bundle) else { return Ok(()) };
    let Some(mut store) = scratch_store() else { return Ok(()) };
    if import_bundle(&mut store, &info.group, &bundle).is_err() {
        return Ok(());
    }
    match store.check(Some(&info.group)) {
        Ok(report) if report.is_clean() => Ok(()),
        Ok(report) => Err(format!("an imported bundle left a projection that differs: {:?}", report.differences)),
        Err(e) => Err(format!("an imported bundle cannot be checked: {e}")),
    }
}

/// The next frame of a stream, of at most `max` bytes, read as `net::frame::read_frame`
/// reads it: `None` when the stream ends (or is cut inside a frame).
fn next_frame(rest: &mut &[u8], max: usize) -> Option<Result<Frame, SyncError>> {
    let (prefix, tail) = rest.split_first_chunk::<4>()?;
    let len = match frame_len(*prefix, max) {
        Ok(len) => len,
        Err(e) => return Some(Err(e)),
    };
    let payload = tail.get(..len)?;
    *rest = tail.get(len..).unwrap_or_default();
    Some(Frame::decode(payload))
}

/// Decodes a stream of frames and drives a first-contact sync session with what it holds.
pub fn frames(data: &[u8]) -> Result<(), String> {
    let Some((key, mut rest)) = data.split_first_chunk::<32>() else { return Ok(()) };
    let peer = DeviceId::from_public_key(key);
    let mut running: Option<(Store, Session)> = None;
    // Before the session runs, frames are bounded as before authorisation.
    let mut max = MAX_HANDSHAKE_FRAME;
    while let Some(frame) = next_frame(&mut rest, max) {
        let Ok(frame) = frame else { return Ok(()) };
        match (frame, running.as_mut()) {
            (Frame::Hello { group, .. }, None) => {
                let Ok(group) = GroupId::parse(&group) else { return Ok(()) };
                let Some(store) = scratch_store() else { return Ok(()) };
                let Ok((session, _first)) = Session::start(&store, &group, &peer) else { return Ok(()) };
                running = Some((store, session));
                max = MAX_FRAME;
            }
            (Frame::Sync(message), Some((store, session))) => {
                if session.receive(store, message).is_err() || session.is_done() {
                    return Ok(());
                }
            }
            (frame, _) => {
                // Any other frame ends the session; it must still encode as it decoded.
                let again = frame.encode().map_err(|e| e.to_string())?;
                let back = Frame::decode(&again).map_err(|e| e.to_string())?;
                return if back == frame { Ok(()) } else { Err(format!("{frame:?} reads back as {back:?}")) };
            }
        }
    }
    Ok(())
}

/// Parses an invite code; one that parses must give the same invite from its own code.
pub fn invite(data: &[u8]) -> Result<(), String> {
    let text = String::from_utf8_lossy(data);
    let Ok(invite) = Invite::parse(&text) else { return Ok(()) };
    let code = invite.to_code().map_err(|e| e.to_string())?;
    match Invite::parse(&code) {
        Ok(again) if again == invite => Ok(()),
        other => Err(format!("{invite:?} reads back from its code as {other:?}")),
    }
}

/// Parses a peer address; one that parses must give the same address from its own text.
pub fn peer_addr(data: &[u8]) -> Result<(), String> {
    let text = String::from_utf8_lossy(data);
    let Ok(addr) = parse_peer_addr(&text) else { return Ok(()) };
    let formatted = format_peer_addr(&addr).map_err(|e| e.to_string())?;
    match parse_peer_addr(&formatted) {
        Ok(again) if again == addr => Ok(()),
        other => Err(format!("{addr:?} reads back from its text as {other:?}")),
    }
}

/// Splits `group id \n key \n bytes`.
fn split_document(data: &[u8]) -> Option<(GroupId, DocKey, &[u8])> {
    let mut parts = data.splitn(3, |b| *b == b'\n');
    let group = GroupId::parse(std::str::from_utf8(parts.next()?).ok()?).ok()?;
    let key = DocKey::parse(std::str::from_utf8(parts.next()?).ok()?)?;
    Some((group, key, parts.next()?))
}

/// Stores bytes as a document of a group on a fresh store, then loads it the way the store
/// does: rebuilding the group's projection from its documents, then checking it.
pub fn stored_document(data: &[u8]) -> Result<(), String> {
    let Some((group, key, bytes)) = split_document(data) else { return Ok(()) };
    let Some(mut store) = scratch_store() else { return Ok(()) };
    if crate::store::doc_log::append_chunk(store.conn(), &group, key, bytes, &[]).is_err() {
        return Ok(());
    }
    if store.rebuild_projection(&group).is_ok() {
        let _ = store.check(Some(&group));
    }
    Ok(())
}

/// Merges received documents into a fresh store through [`Store::merge_documents`].
pub fn merge(data: &[u8]) -> Result<(), String> {
    let (group, docs) = match postcard::from_bytes::<(String, Vec<DocumentExport>)>(data) {
        Ok((group, docs)) => match GroupId::parse(&group) {
            Ok(group) => (group, docs),
            Err(_) => return Ok(()),
        },
        Err(_) => match split_document(data) {
            Some((group, key, bytes)) => {
                (group, vec![DocumentExport { key: key.to_string(), data: bytes.to_vec(), attestations: Vec::new() }])
            }
            None => return Ok(()),
        },
    };
    if let Some(mut store) = scratch_store() {
        let _ = store.merge_documents(&group, &docs);
    }
    Ok(())
}
