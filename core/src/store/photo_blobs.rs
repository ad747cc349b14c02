//! The store's photo blobs: an iroh-blobs store beside the SQLite file (`<store>.blobs/`;
//! a memory store for an in-memory store), opened on first use.
//!
//! Blobs are content-addressed by their blake3 hash (iroh-blobs' `Hash` is blake3, so an
//! item's photo hash names its blob). Every blob this device keeps has a named tag
//! `delbar/photo/<hex>`; garbage collection deletes the tags of blobs no item references,
//! and asks the blob store's collector to run once, which removes every untagged blob. The
//! collector is scheduled every second but does nothing unless asked, so a blob is only
//! ever removed after an explicit collection.
//!
//! The blob store runs its own threads; this wrapper drives its calls from blocking code
//! on a small runtime of its own (from a thread of its own when called inside an async
//! runtime, where blocking on a runtime is not allowed).

use std::collections::BTreeSet;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use iroh_blobs::store::{GcConfig, ProtectOutcome};
use iroh_blobs::{BlobFormat, Hash, HashAndFormat};
use n0_future::StreamExt;

use crate::store::StoreError;

/// The prefix of the tag that keeps a photo blob.
const TAG_PREFIX: &str = "delbar/photo/";
/// How often the blob store's collector wakes to see whether a collection was asked for.
const GC_POLL: Duration = Duration::from_secs(1);

/// A store's photo blobs (see the module docs).
pub(crate) struct PhotoBlobs {
    api: iroh_blobs::api::Store,
    dir: String,
    gc_requested: Arc<AtomicBool>,
    /// Drives the blob store's calls; taken on drop.
    driver: Option<tokio::runtime::Runtime>,
}

impl std::fmt::Debug for PhotoBlobs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PhotoBlobs").field("dir", &self.dir).finish_non_exhaustive()
    }
}

/// The blob directory of the store at `path`: `<path>.blobs`.
pub(crate) fn blob_dir(path: &Path) -> PathBuf {
    let mut dir = path.as_os_str().to_owned();
    dir.push(".blobs");
    PathBuf::from(dir)
}

/// The 32-byte hash a hex content hash names.
pub(crate) fn to_hash(hex: &str) -> Option<Hash> {
    blake3::Hash::from_hex(hex).ok().map(Hash::from)
}

impl PhotoBlobs {
    /// Opens the blob store of the store at `path` (`None`: in memory).
    pub(crate) fn open(path: Option<&Path>) -> Result<Self, StoreError> {
        let dir = path.map_or_else(|| "memory".to_owned(), |p| blob_dir(p).display().to_string());
        let io = |message: String| StoreError::Io { path: dir.clone(), message };
        let driver = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("delbar-blobs")
            .enable_all()
            .build()
            .map_err(|e| io(e.to_string()))?;
        let gc_requested = Arc::new(AtomicBool::new(false));
        let asked = gc_requested.clone();
        let gc = GcConfig {
            interval: GC_POLL,
            add_protected: Some(Arc::new(move |_live| {
                let run = asked.swap(false, Ordering::SeqCst);
                Box::pin(async move { if run { ProtectOutcome::Continue } else { ProtectOutcome::Abort } })
            })),
        };
        let api: iroh_blobs::api::Store = match path {
            Some(p) => {
                let root = blob_dir(p);
                let mut options = iroh_blobs::store::fs::options::Options::new(&root);
                options.gc = Some(gc);
                let fs = driver
                    .block_on(iroh_blobs::store::fs::FsStore::load_with_opts(root.join("blobs.db"), options))
                    .map_err(|e| io(e.to_string()))?;
                fs.into()
            }
            None => {
                let _entered = driver.enter();
                iroh_blobs::store::mem::MemStore::new_with_opts(iroh_blobs::store::mem::Options { gc_config: Some(gc) })
                    .into()
            }
        };
        Ok(PhotoBlobs { api, dir, gc_requested, driver: Some(driver) })
    }

    /// The iroh-blobs API of this store (serving and fetching use it).
    pub(crate) fn api(&self) -> &iroh_blobs::api::Store {
        &self.api
    }

    fn io(&self, e: impl std::fmt::Display) -> StoreError {
        StoreError::Io { path: self.dir.clone(), message: e.to_string() }
    }

    /// Runs `f` to completion from blocking code.
    fn block<F>(&self, f: F) -> Result<F::Output, StoreError>
    where
        F: Future + Send,
        F::Output: Send,
    {
        let driver = self.driver.as_ref().ok_or_else(|| self.io("the blob store is closed"))?;
        if tokio::runtime::Handle::try_current().is_ok() {
            std::thread::scope(|s| s.spawn(|| driver.block_on(f)).join())
                .map_err(|_| self.io("the blob store's call panicked"))
        } else {
            Ok(driver.block_on(f))
        }
    }

    /// Stores `bytes` under a tag that keeps them, and makes the blob store's metadata
    /// durable before returning. Returns the hash (hex).
    pub(crate) fn put(&self, bytes: &[u8]) -> Result<String, StoreError> {
        let hex = blake3::hash(bytes).to_hex().to_string();
        let data = bytes.to_vec();
        let api = &self.api;
        let tag = format!("{TAG_PREFIX}{hex}");
        self.block(async move {
            api.add_bytes(data).with_named_tag(tag).await?;
            api.sync_db().await
        })?
        .map_err(|e| self.io(e))?;
        Ok(hex)
    }

    /// Keeps a blob fetched from another device (tags it) and makes that durable.
    pub(crate) async fn keep(api: &iroh_blobs::api::Store, hash: Hash) -> Result<(), iroh_blobs::api::RequestError> {
        api.tags().set(format!("{TAG_PREFIX}{}", hash.to_hex()), HashAndFormat::new(hash, BlobFormat::Raw)).await?;
        api.sync_db().await
    }

    /// Whether the blob is complete here.
    pub(crate) fn has(&self, hex: &str) -> Result<bool, StoreError> {
        let Some(hash) = to_hash(hex) else { return Ok(false) };
        let api = &self.api;
        self.block(async move { api.blobs().has(hash).await })?.map_err(|e| self.io(e))
    }

    /// The blob's bytes, if it is complete here. The blob store verified them against the
    /// hash when they arrived; they are checked again here (a damaged file reads as absent).
    pub(crate) fn read(&self, hex: &str) -> Result<Option<Vec<u8>>, StoreError> {
        if !self.has(hex)? {
            return Ok(None);
        }
        let Some(hash) = to_hash(hex) else { return Ok(None) };
        let api = &self.api;
        let bytes = self.block(async move { api.blobs().get_bytes(hash).await })?.map_err(|e| self.io(e))?;
        if blake3::hash(&bytes).to_hex().as_str() != hex {
            tracing::warn!(hash = hex, "a photo blob does not match its hash; it reads as absent");
            return Ok(None);
        }
        Ok(Some(bytes.to_vec()))
    }

    /// The hashes (hex) of every blob this store keeps.
    pub(crate) fn kept(&self) -> Result<BTreeSet<String>, StoreError> {
        let api = &self.api;
        let listed = self.block(async move {
            let mut out = BTreeSet::new();
            let mut tags = api.tags().list_prefix(TAG_PREFIX).await?;
            while let Some(tag) = tags.next().await {
                out.insert(tag?.hash.to_hex());
            }
            Ok::<_, iroh_blobs::api::Error>(out)
        })?;
        listed.map_err(|e| self.io(e))
    }

    /// Releases the blobs named (deletes their tags) and asks the collector to remove them.
    pub(crate) fn release(&self, hashes: &BTreeSet<String>) -> Result<(), StoreError> {
        if hashes.is_empty() {
            return Ok(());
        }
        let api = &self.api;
        self.block(async move {
            for hex in hashes {
                api.tags().delete(format!("{TAG_PREFIX}{hex}")).await?;
            }
            api.sync_db().await
        })?
        .map_err(|e| self.io(e))?;
        self.gc_requested.store(true, Ordering::SeqCst);
        Ok(())
    }
}

impl Drop for PhotoBlobs {
    fn drop(&mut self) {
        let api = self.api.clone();
        if let Err(e) = self.block(async move { api.shutdown().await }) {
            tracing::debug!(%e, "the photo blob store did not shut down cleanly");
        }
        // A runtime cannot be dropped (which waits) inside an async runtime.
        if let Some(driver) = self.driver.take() {
            if tokio::runtime::Handle::try_current().is_ok() {
                driver.shutdown_background();
            } else {
                driver.shutdown_timeout(Duration::from_secs(2));
            }
        }
    }
}
