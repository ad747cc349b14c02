//! The sans-IO sync session two devices run for one group.
//!
//! Both sides run the same state machine; the transport only moves [`Message`]s:
//!
//! 1. each side sends its [`Summary`] (document key -> hash of heads);
//! 2. both compute the same list of documents that differ; if it is empty the session is
//!    over (a session with nothing new costs two summaries). Otherwise each side sends its
//!    heads of those documents;
//! 3. each side answers the other's heads with the changes the other lacks, compressed (a
//!    full save if the other holds nothing of the document, else an automerge bundle of the
//!    missing changes), with their authors' attestations, and applies what it receives
//!    through [`Store::merge_documents`] after the same checks a bundle gets.
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
use std::collections::BTreeSet;

use crate::Store;
use crate::docs::DocKey;
use crate::error::Result;
use crate::ids::{DeviceId, GroupId};
use crate::store::{DocumentExport, MergeReport};
use crate::sync::summary::{Summary, changes_after_with, local_heads, peer_heads, record_peer_heads};
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
    /// their authors' attestations.
    Changes {
        /// Document key -> changes, attestations.
        docs: Vec<(String, Vec<u8>, Vec<Attestation>)>,
    },
}

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
            state: State::AwaitSummary,
            report: SessionReport::default(),
        };
        Ok((session, Message::Summary(mine)))
    }

    /// Whether the session is over (nothing more to send or receive).
    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// What the session did so far.
    pub fn report(&self) -> &SessionReport {
        &self.report
    }

    /// Handles a message from the peer and returns the messages to send in answer. On an
    /// error the session is over and nothing of that message was applied.
    pub fn receive(&mut self, store: &mut Store, message: Message) -> Result<Vec<Message>> {
        let result = self.step(store, message);
        if result.is_err() {
            self.state = State::Done;
        }
        result
    }

    fn step(&mut self, store: &mut Store, message: Message) -> Result<Vec<Message>> {
        match (self.state, message) {
            (State::AwaitSummary, Message::Summary(theirs)) => {
                for key in theirs.docs.keys() {
                    parse_key(key)?;
                }
                self.differing = self.mine.differing(&theirs).into_iter().collect();
                self.report.documents_differing = self.differing.len() as u32;
                if self.differing.is_empty() {
                    self.state = State::Done;
                    return Ok(Vec::new());
                }
                let heads = local_heads(store, &self.group)?;
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
                let mut out = Vec::new();
                for (name, theirs) in docs {
                    let key = self.differing_key(&name)?;
                    let theirs: Vec<ChangeHash> = theirs.into_iter().map(ChangeHash).collect();
                    // What the peer announced last time counts when its heads name changes
                    // this device has not seen (see `changes_after_with`).
                    let recorded = peer_heads(store, &self.group, &self.peer, key)?;
                    let (data, attestations) = changes_after_with(store, &self.group, key, &theirs, &recorded)?;
                    record_peer_heads(store, &self.group, &self.peer, key, &theirs)?;
                    if !data.is_empty() {
                        self.report.change_bytes_sent += data.len() as u64;
                        out.push((name, data, attestations));
                    }
                }
                self.state = State::AwaitChanges;
                Ok(vec![Message::Changes { docs: out }])
            }
            (State::AwaitChanges, Message::Changes { docs }) => {
                for (name, _, _) in &docs {
                    self.differing_key(name)?;
                }
                let documents: Vec<DocumentExport> = docs
                    .into_iter()
                    .map(|(key, data, attestations)| DocumentExport { key, data, attestations })
                    .collect();
                self.report.change_bytes_received = documents.iter().map(|d| d.data.len() as u64).sum();
                let documents = validate_documents(documents)?;
                authorize_sender(store, &self.group, &self.peer, &documents)?;
                self.report.merged = merge_received(store, &self.group, &documents)?;
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
    DocKey::parse(name).ok_or_else(|| SyncError::Malformed { reason: format!("unknown document key '{name}'") })
}
