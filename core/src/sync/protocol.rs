//! The sans-IO sync session two devices run for one group.
//!
//! Both sides run the same state machine; the transport only moves [`Message`]s:
//!
//! 1. each side sends its [`Summary`] (document key -> hash of heads);
//! 2. both compute the same list of documents that differ; if it is empty the session is
//!    over (a session with nothing new costs two summaries). Otherwise each side sends its
//!    heads of those documents. For the documents whose summaries agree, each side records
//!    its own heads as the other's (`sync_peer_heads`), so that a bundle later made for that
//!    device leaves them out;
//! 3. each side answers the other's heads with the changes the other lacks, compressed (a
//!    full save if the other holds nothing of the document, else an automerge bundle of the
//!    missing changes), with their authors' attestations, and applies what it receives
//!    through [`Store::merge_documents`] after the same checks a bundle gets. The changes
//!    travel in messages of about [`CHANGES_CHUNK`] bytes, the catalogue first: zero or more
//!    [`Message::MoreChanges`], then one [`Message::Changes`]. Each is merged as it arrives,
//!    and the sender computes each only when the previous one has gone
//!    ([`Session::next_message`]), so neither side holds more than about one chunk of a
//!    large first contact.
//!
//! So the wire carries the compact changes plus a few dozen bytes per differing document,
//! instead of the stock automerge sync protocol's uncompressed changes and bloom filters.
//! When the other side's heads include changes this device has not seen (both changed the
//! document), the heads that side announced in the previous session (kept in
//! `sync_peer_heads`) say what it surely has, so the answer stays what it lacks. Only then:
//! heads this device knows say exactly what the other side holds, and a device whose store
//! was restored from an older copy no longer holds what it announced before.

use automerge::ChangeHash;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, VecDeque};

use crate::Store;
use crate::docs::DocKey;
use crate::error::Result;
use crate::ids::{DeviceId, GroupId};
use crate::store::{DocumentExport, MergeReport};
use crate::sync::summary::{
    Summary, changes_after_with, local_heads, peer_heads, record_equal_heads, record_peer_heads,
};
use crate::sync::{SyncError, authorize_sender, is_member_device, knows_group, merge_received, validate_documents};
use crate::trust::attest::Attestation;

/// One message of a sync session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Message {
    /// The sender's summary of the group.
    Summary(Summary),
    /// The sender's heads of each differing document (empty if it lacks the document).
    Heads {
        /// Document key -> heads.
        docs: Vec<(String, Vec<[u8; 32]>)>,
    },
    /// The changes the receiver lacks, per document (compressed automerge changes), with
    /// their authors' attestations: the last such message of the session.
    Changes {
        /// Document key -> changes, attestations.
        docs: Vec<(String, Vec<u8>, Vec<Attestation>)>,
    },
    /// Some of the changes the receiver lacks, as in [`Message::Changes`]; more follow.
    MoreChanges {
        /// Document key -> changes, attestations.
        docs: Vec<(String, Vec<u8>, Vec<Attestation>)>,
    },
}

/// About how many bytes of changes one message carries (a larger document travels alone).
pub const CHANGES_CHUNK: usize = 512 * 1024;

/// One document's changes as they travel.
type DocChanges = (String, Vec<u8>, Vec<Attestation>);

impl Message {
    /// The message as bytes.
    pub fn encode(&self) -> Result<Vec<u8>, SyncError> {
        postcard::to_stdvec(self).map_err(SyncError::malformed)
    }

    /// A message from bytes.
    pub fn decode(bytes: &[u8]) -> Result<Self, SyncError> {
        postcard::from_bytes(bytes).map_err(SyncError::malformed)
    }

    fn name(&self) -> &'static str {
        match self {
            Message::Summary(_) => "summary",
            Message::Heads { .. } => "heads",
            Message::Changes { .. } => "changes",
            Message::MoreChanges { .. } => "more changes",
        }
    }
}

/// What a session did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionReport {
    /// Documents that differed when the session started.
    pub documents_differing: u32,
    /// Bytes of changes sent.
    pub change_bytes_sent: u64,
    /// Bytes of changes received.
    pub change_bytes_received: u64,
    /// What applying the received changes did.
    pub merged: MergeReport,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    AwaitSummary,
    AwaitHeads,
    AwaitChanges,
    Done,
}

/// One side of a sync session for one group with one peer device.
#[derive(Debug)]
pub struct Session {
    group: GroupId,
    peer: DeviceId,
    mine: Summary,
    differing: BTreeSet<String>,
    /// Documents whose changes arrived (each may arrive once).
    received: BTreeSet<String>,
    /// Documents whose changes are still to be sent, with the heads the peer announced now
    /// and in the previous session.
    outbox: VecDeque<(String, DocKey, Vec<ChangeHash>, Vec<ChangeHash>)>,
    /// A document computed for the next message (it did not fit the previous one).
    carry: Option<DocChanges>,
    /// Whether the closing [`Message::Changes`] is still to be sent.
    sending: bool,
    state: State,
    report: SessionReport,
}

impl Session {
    /// Starts a session with `peer` (whose identity the transport authenticated) and returns
    /// the first message to send. If this device knows the group, the peer must be a current
    /// member's device; if not (first contact), what the peer sends must bring a catalogue
    /// listing it.
    pub fn start(store: &Store, group: &GroupId, peer: &DeviceId) -> Result<(Self, Message)> {
        if knows_group(store, group)? && !is_member_device(store, group, peer)? {
            return Err(SyncError::NotAMemberDevice { device: peer.to_string(), group: group.to_string() }.into());
        }
        let mine = Summary::of(store, group)?;
        let session = Session {
            group: group.clone(),
            peer: peer.clone(),
            mine: mine.clone(),
            differing: BTreeSet::new(),
            received: BTreeSet::new(),
            outbox: VecDeque::new(),
            carry: None,
            sending: false,
            state: State::AwaitSummary,
            report: SessionReport::default(),
        };
        Ok((session, Message::Summary(mine)))
    }

    /// Whether the session is over (nothing more to send or receive).
    pub fn is_done(&self) -> bool {
        self.state == State::Done && !self.sending
    }

    /// What the session did so far.
    pub fn report(&self) -> &SessionReport {
        &self.report
    }

    /// Handles a message from the peer and returns every message to send in answer (all
    /// chunks of changes at once; [`Session::handle`] and [`Session::next_message`] send
    /// them one at a time). On an error the session is over and nothing of that message was
    /// applied.
    pub fn receive(&mut self, store: &mut Store, message: Message) -> Result<Vec<Message>> {
        let mut out = self.handle(store, message)?;
        while let Some(m) = self.next_message(store)? {
            out.push(m);
        }
        Ok(out)
    }

    /// Handles a message from the peer and returns the messages to send at once; the
    /// changes that follow come from [`Session::next_message`]. On an error the session is
    /// over and nothing of that message was applied.
    pub fn handle(&mut self, store: &mut Store, message: Message) -> Result<Vec<Message>> {
        let result = self.step(store, message);
        if result.is_err() {
            self.fail();
        }
        result
    }

    /// The next message of changes to send, computed now (about [`CHANGES_CHUNK`] bytes),
    /// or `None` when there is nothing more to send until the peer answers.
    pub fn next_message(&mut self, store: &Store) -> Result<Option<Message>> {
        if !self.sending {
            return Ok(None);
        }
        match self.next_chunk(store) {
            Ok(m) => Ok(Some(m)),
            Err(e) => {
                self.fail();
                Err(e)
            }
        }
    }

    fn fail(&mut self) {
        self.state = State::Done;
        self.sending = false;
        self.outbox.clear();
        self.carry = None;
    }

    fn next_chunk(&mut self, store: &Store) -> Result<Message> {
        let mut docs: Vec<DocChanges> = Vec::new();
        let mut bytes = 0usize;
        if let Some(carried) = self.carry.take() {
            bytes += carried.1.len();
            docs.push(carried);
        }
        while bytes < CHANGES_CHUNK {
            let Some((name, key, theirs, recorded)) = self.outbox.pop_front() else { break };
            let (data, attestations) = changes_after_with(store, &self.group, key, &theirs, &recorded)?;
            if data.is_empty() {
                continue;
            }
            self.report.change_bytes_sent += data.len() as u64;
            if !docs.is_empty() && bytes + data.len() > CHANGES_CHUNK {
                self.carry = Some((name, data, attestations));
                break;
            }
            bytes += data.len();
            docs.push((name, data, attestations));
        }
        if self.outbox.is_empty() && self.carry.is_none() {
            self.sending = false;
            Ok(Message::Changes { docs })
        } else {
            Ok(Message::MoreChanges { docs })
        }
    }

    /// Checks and merges one message of changes.
    fn merge_changes(&mut self, store: &mut Store, docs: Vec<DocChanges>) -> Result<()> {
        for (name, _, _) in &docs {
            self.differing_key(name)?;
            if !self.received.insert(name.clone()) {
                return Err(SyncError::Malformed { reason: format!("document {name} arrived twice") }.into());
            }
        }
        let documents: Vec<DocumentExport> =
            docs.into_iter().map(|(key, data, attestations)| DocumentExport { key, data, attestations }).collect();
        self.report.change_bytes_received += documents.iter().map(|d| d.data.len() as u64).sum::<u64>();
        let documents = validate_documents(documents)?;
        if documents.is_empty() {
            return Ok(());
        }
        authorize_sender(store, &self.group, &self.peer, &documents)?;
        let merged = merge_received(store, &self.group, &documents)?;
        self.report.merged.documents_changed += merged.documents_changed;
        self.report.merged.entities_updated += merged.entities_updated;
        Ok(())
    }

    fn step(&mut self, store: &mut Store, message: Message) -> Result<Vec<Message>> {
        match (self.state, message) {
            (State::AwaitSummary, Message::Summary(theirs)) => {
                for key in theirs.docs.keys() {
                    parse_key(key)?;
                }
                self.differing = self.mine.differing(&theirs).into_iter().collect();
                self.report.documents_differing = self.differing.len() as u32;
                // Where the summaries agree the peer holds exactly this device's heads: kept,
                // so that a bundle for it (`export_bundle_for`) leaves those documents out.
                let equal: Vec<DocKey> = self
                    .mine
                    .docs
                    .iter()
                    .filter(|(k, h)| theirs.docs.get(*k) == Some(*h))
                    .filter_map(|(k, _)| DocKey::parse(k))
                    .collect();
                let heads = local_heads(store, &self.group)?;
                record_equal_heads(store, &self.group, &self.peer, &heads, &equal)?;
                if self.differing.is_empty() {
                    self.state = State::Done;
                    return Ok(Vec::new());
                }
                let docs = self
                    .differing
                    .iter()
                    .map(|k| {
                        let hs = DocKey::parse(k).and_then(|key| heads.get(&key)).cloned().unwrap_or_default();
                        (k.clone(), hs.iter().map(|h| h.0).collect())
                    })
                    .collect();
                self.state = State::AwaitHeads;
                Ok(vec![Message::Heads { docs }])
            }
            (State::AwaitHeads, Message::Heads { docs }) => {
                let mut outbox = Vec::new();
                let mut named = BTreeSet::new();
                for (name, theirs) in docs {
                    let key = self.differing_key(&name)?;
                    if !named.insert(key) {
                        return Err(SyncError::Malformed { reason: format!("heads of {name} given twice") }.into());
                    }
                    let theirs: Vec<ChangeHash> = theirs.into_iter().map(ChangeHash).collect();
                    // What the peer announced last time counts when its heads name changes
                    // this device has not seen (see `changes_after_with`).
                    let recorded = peer_heads(store, &self.group, &self.peer, key)?;
                    record_peer_heads(store, &self.group, &self.peer, key, &theirs)?;
                    outbox.push((name, key, theirs, recorded));
                }
                // The catalogue first: a device meeting the group learns from it who may send.
                outbox.sort_by_key(|(_, key, _, _)| *key != DocKey::Catalogue);
                self.outbox = outbox.into();
                self.sending = true;
                self.state = State::AwaitChanges;
                Ok(Vec::new())
            }
            (State::AwaitChanges, Message::MoreChanges { docs }) => {
                self.merge_changes(store, docs)?;
                Ok(Vec::new())
            }
            (State::AwaitChanges, Message::Changes { docs }) => {
                self.merge_changes(store, docs)?;
                self.state = State::Done;
                Ok(Vec::new())
            }
            (state, message) => Err(SyncError::UnexpectedMessage {
                expected: match state {
                    State::AwaitSummary => "summary",
                    State::AwaitHeads => "heads",
                    State::AwaitChanges => "changes",
                    State::Done => "nothing",
                },
                received: message.name(),
            }
            .into()),
        }
    }

    fn differing_key(&self, name: &str) -> Result<DocKey, SyncError> {
        if !self.differing.contains(name) {
            return Err(SyncError::Malformed { reason: format!("document {name} was not among those that differ") });
        }
        parse_key(name)
    }
}

fn parse_key(name: &str) -> Result<DocKey, SyncError> {
    DocKey::parse(name).ok_or_else(|| SyncError::Malformed {
        reason: format!("unknown document key '{}'", crate::domain::input::echo(name)),
    })
}
