//! Item photos on `DelbarStore`: add (decoded, metadata stripped, thumbnail made by the
//! core), list with whether each is here, read, fetch from a peer, remove, collect.

use std::sync::Arc;

use delbar_core::store::{PhotoContent, PhotoSize};

use crate::error::{DelbarError, guard};
use crate::records::{ItemPhoto, ids};
use crate::store::DelbarStore;

/// A photo of an item and whether its bytes are on this device.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PhotoState {
    /// The reference the item keeps.
    pub photo: ItemPhoto,
    /// Whether the full photo is here.
    pub here: bool,
    /// Whether its thumbnail is here.
    pub thumbnail_here: bool,
}

/// A photo's bytes, or that they have not reached this device yet (a state, not an error:
/// show a placeholder, or fetch it with `fetchItemPhoto`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum PhotoBytes {
    /// The JPEG, checked against its hash.
    Here {
        /// The bytes.
        bytes: Vec<u8>,
    },
    /// Not on this device yet.
    NotHereYet,
}

impl From<PhotoContent> for PhotoBytes {
    fn from(c: PhotoContent) -> Self {
        match c {
            PhotoContent::Here(bytes) => PhotoBytes::Here { bytes },
            PhotoContent::NotHereYet => PhotoBytes::NotHereYet,
        }
    }
}

/// What fetching a photo from a peer moved.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PhotoFetchReport {
    /// Blobs fetched (0 when it was already here).
    pub fetched: u32,
    /// Payload bytes received.
    pub bytes: u64,
    /// How long it took, in milliseconds.
    pub elapsed_ms: u64,
}

fn size(thumbnail: bool) -> PhotoSize {
    if thumbnail { PhotoSize::Thumbnail } else { PhotoSize::Full }
}

#[uniffi::export(async_runtime = "tokio")]
impl DelbarStore {
    /// Adds a photo to an item (stewards): JPEG, PNG or WebP bytes of at most 12 MB. The core
    /// removes its metadata (EXIF with GPS, XMP) by re-encoding it as a JPEG of at most
    /// 2048 px and makes a thumbnail of at most 320 px. Runs off the caller's thread.
    pub async fn add_item_photo(
        self: Arc<Self>,
        group_id: String,
        item_id: String,
        bytes: Vec<u8>,
    ) -> Result<ItemPhoto, DelbarError> {
        self.blocking(move |s| Ok(s.add_item_photo(&ids::group(&group_id)?, &ids::item(&item_id)?, &bytes)?)).await
    }

    /// An item's photos, each with whether its bytes (and its thumbnail's) are here.
    pub async fn item_photos(
        self: Arc<Self>,
        group_id: String,
        item_id: String,
    ) -> Result<Vec<PhotoState>, DelbarError> {
        self.blocking(move |s| {
            Ok(s.item_photos(&ids::group(&group_id)?, &ids::item(&item_id)?)?
                .into_iter()
                .map(|p| PhotoState { photo: p.photo, here: p.here, thumbnail_here: p.thumbnail_here })
                .collect())
        })
        .await
    }

    /// A photo's bytes (or its thumbnail's), or `NotHereYet`.
    #[uniffi::method(default(thumbnail = false))]
    pub async fn item_photo(
        self: Arc<Self>,
        group_id: String,
        item_id: String,
        hash: String,
        thumbnail: bool,
    ) -> Result<PhotoBytes, DelbarError> {
        self.blocking(move |s| {
            Ok(s.item_photo(&ids::group(&group_id)?, &ids::item(&item_id)?, &hash, size(thumbnail))?.into())
        })
        .await
    }

    /// The photo taken when a booking came back (or its thumbnail), or `NotHereYet`.
    #[uniffi::method(default(thumbnail = false))]
    pub async fn return_photo(
        self: Arc<Self>,
        group_id: String,
        booking_id: String,
        thumbnail: bool,
    ) -> Result<PhotoBytes, DelbarError> {
        self.blocking(move |s| {
            Ok(s.return_photo(&ids::group(&group_id)?, &ids::booking(&booking_id)?, size(thumbnail))?.into())
        })
        .await
    }

    /// Fetches the photo taken when a booking came back (or its thumbnail) from the device
    /// at `peer_address` if it is not here yet. The peer serves it only to a current member
    /// of the booking's group. The sync service must be running.
    #[uniffi::method(default(thumbnail = false))]
    pub async fn fetch_return_photo(
        self: Arc<Self>,
        peer_address: String,
        group_id: String,
        booking_id: String,
        thumbnail: bool,
    ) -> Result<PhotoFetchReport, DelbarError> {
        let (dialer, addr, group, booking) = guard(|| {
            let addr = delbar_core::net::parse_peer_addr(&peer_address)
                .map_err(|e| DelbarError::from(delbar_core::Error::from(e)))?;
            Ok((self.dialer()?, addr, ids::group(&group_id)?, ids::booking(&booking_id)?))
        })?;
        let report = dialer.fetch_return_photo(addr, group, booking, size(thumbnail)).await?;
        Ok(PhotoFetchReport {
            fetched: report.fetched,
            bytes: report.bytes,
            elapsed_ms: u64::try_from(report.elapsed.as_millis()).unwrap_or(u64::MAX),
        })
    }

    /// Fetches a photo (or its thumbnail) from the device at `peer_address` if it is not
    /// here yet (the app opening an item). The peer serves it only to a current member of
    /// the item's group. The sync service must be running.
    #[uniffi::method(default(thumbnail = false))]
    pub async fn fetch_item_photo(
        self: Arc<Self>,
        peer_address: String,
        group_id: String,
        item_id: String,
        hash: String,
        thumbnail: bool,
    ) -> Result<PhotoFetchReport, DelbarError> {
        let (dialer, addr, group, item) = guard(|| {
            let addr = delbar_core::net::parse_peer_addr(&peer_address)
                .map_err(|e| DelbarError::from(delbar_core::Error::from(e)))?;
            Ok((self.dialer()?, addr, ids::group(&group_id)?, ids::item(&item_id)?))
        })?;
        let report = dialer.fetch_item_photo(addr, group, item, hash, size(thumbnail)).await?;
        Ok(PhotoFetchReport {
            fetched: report.fetched,
            bytes: report.bytes,
            elapsed_ms: u64::try_from(report.elapsed.as_millis()).unwrap_or(u64::MAX),
        })
    }

    /// Removes a photo from an item (stewards); blobs no item references are then deleted.
    pub async fn remove_item_photo(
        self: Arc<Self>,
        group_id: String,
        item_id: String,
        hash: String,
    ) -> Result<crate::records::Item, DelbarError> {
        self.blocking(move |s| Ok(s.remove_item_photo(&ids::group(&group_id)?, &ids::item(&item_id)?, &hash)?.into()))
            .await
    }

    /// Deletes the photo blobs no item references any more; returns how many.
    pub async fn collect_photos(self: Arc<Self>) -> Result<u32, DelbarError> {
        self.blocking(move |s| Ok(u32::try_from(s.collect_photos()?).unwrap_or(u32::MAX))).await
    }
}
