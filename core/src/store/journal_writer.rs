//! The change journal on a thread of its own.
//!
//! A local write hands its record to this thread and goes on building its SQLite
//! transaction; the thread signs the write's attestations, appends the record and syncs it,
//! and the write waits for that only before it commits. The thread lives as long as the
//! store: starting one per write cost about 50 microseconds, a twentieth of a write.

use automerge::ChangeHash;
use ed25519_dalek::SigningKey;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;

use crate::docs::DocKey;
use crate::ids::GroupId;
use crate::store::StoreError;
use crate::store::journal::{Journal, Record};
use crate::trust::attest::{self, Attestation};

/// What the thread is asked to do.
enum Request {
    /// Sign each `(document index, newest own change)` into the record, append it and sync.
    Append { record: Record, group: GroupId, to_sign: Vec<(usize, DocKey, ChangeHash)> },
    /// Take back the record that starts at this offset.
    Retract(u64),
    /// Start the journal over.
    Reset,
}

/// What an append did.
pub(crate) struct Appended {
    /// Where the record starts (for [`JournalWriter::retract`]).
    pub start: u64,
    /// The attestations signed for it, by document index.
    pub attestations: Vec<(usize, Attestation)>,
}

enum Reply {
    Appended(Appended),
    Done,
}

/// A running journal thread.
pub(crate) struct JournalWriter {
    requests: Option<Sender<Request>>,
    replies: Receiver<(Result<Reply, StoreError>, u64)>,
    thread: Option<JoinHandle<()>>,
    /// Bytes of records the journal holds, as of the last reply.
    len: u64,
    /// An append was sent and its reply not yet read.
    pending: bool,
    /// Where the last appended record starts, until its write reports it committed
    /// ([`Self::settled`]).
    unsettled: Option<u64>,
}

impl std::fmt::Debug for JournalWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JournalWriter").field("len", &self.len).finish_non_exhaustive()
    }
}

fn stopped() -> StoreError {
    StoreError::Io { path: "change journal".into(), message: "its writer thread stopped".into() }
}

impl JournalWriter {
    /// Starts the thread that owns `journal`, signing with `signing_key`.
    pub fn start(mut journal: Journal, signing_key: SigningKey) -> Result<Self, StoreError> {
        let (requests, inbox) = channel::<Request>();
        let (outbox, replies) = channel();
        let len = journal.len();
        let thread = std::thread::Builder::new()
            .name("delbar-journal".into())
            .spawn(move || {
                for request in inbox {
                    let reply = match request {
                        Request::Append { mut record, group, to_sign } => {
                            let mut attestations = Vec::with_capacity(to_sign.len());
                            for (index, key, hash) in to_sign {
                                let a = attest::sign(&signing_key, &group, key, &hash);
                                if let Some(doc) = record.docs.get_mut(index) {
                                    doc.attestations.push(a.clone());
                                }
                                attestations.push((index, a));
                            }
                            journal.append(&record).map(|start| Reply::Appended(Appended { start, attestations }))
                        }
                        Request::Retract(start) => journal.retract(start).map(|()| Reply::Done),
                        Request::Reset => journal.reset().map(|()| Reply::Done),
                    };
                    if outbox.send((reply, journal.len())).is_err() {
                        return;
                    }
                }
            })
            .map_err(|e| StoreError::Io { path: "change journal".into(), message: e.to_string() })?;
        Ok(JournalWriter {
            requests: Some(requests),
            replies,
            thread: Some(thread),
            len,
            pending: false,
            unsettled: None,
        })
    }

    /// Hands the thread a record to sign, append and sync; [`Self::wait_appended`] returns
    /// what it did. Once the write's transaction has committed, it calls [`Self::settled`].
    pub fn begin_append(
        &mut self,
        record: Record,
        group: GroupId,
        to_sign: Vec<(usize, DocKey, ChangeHash)>,
    ) -> Result<(), StoreError> {
        self.take_back_unsettled()?;
        self.send(Request::Append { record, group, to_sign })?;
        self.pending = true;
        Ok(())
    }

    /// Waits until the record handed over last is synced.
    pub fn wait_appended(&mut self) -> Result<Appended, StoreError> {
        self.pending = false;
        match self.receive()? {
            Reply::Appended(a) => {
                self.unsettled = Some(a.start);
                Ok(a)
            }
            Reply::Done => Err(stopped()),
        }
    }

    /// The last appended record's transaction committed: it stays.
    pub fn settled(&mut self) {
        self.unsettled = None;
    }

    /// Takes back the last appended record if its transaction never committed (it failed,
    /// or the write was interrupted by a panic before or after waiting for the sync), so it
    /// is never replayed and the next record takes its place and number.
    pub fn take_back_unsettled(&mut self) -> Result<(), StoreError> {
        if self.pending {
            // Its reply was never read; reading it also marks the record unsettled.
            let _ = self.wait_appended();
        }
        // Kept until the retraction succeeds: a write that follows must neither be
        // acknowledged while the record is still there nor be appended after it (its record
        // would carry the same sequence number, and be lost from the chain).
        if let Some(start) = self.unsettled {
            self.call(Request::Retract(start))?;
            self.unsettled = None;
        }
        Ok(())
    }

    /// Starts the journal over (SQLite now durably holds every record in it).
    pub fn reset(&mut self) -> Result<(), StoreError> {
        self.take_back_unsettled()?;
        self.call(Request::Reset)
    }

    /// How many bytes of records the journal holds.
    pub fn len(&self) -> u64 {
        self.len
    }

    fn call(&mut self, request: Request) -> Result<(), StoreError> {
        self.send(request)?;
        self.receive().map(|_| ())
    }

    fn send(&self, request: Request) -> Result<(), StoreError> {
        self.requests.as_ref().ok_or_else(stopped)?.send(request).map_err(|_| stopped())
    }

    fn receive(&mut self) -> Result<Reply, StoreError> {
        let (reply, len) = self.replies.recv().map_err(|_| stopped())?;
        self.len = len;
        reply
    }
}

impl Drop for JournalWriter {
    fn drop(&mut self) {
        // Closing the channel ends the thread once it has done what it was asked.
        self.requests = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
