//! Item photos: adding one (decoded, stripped of metadata, re-encoded, with a thumbnail, by
//! `domain::photo`), listing them with whether their bytes are here, reading and removing
//! them, and collecting the blobs no item references any more.
//!
//! An item references a photo by the blake3 hash of its stored JPEG and of its thumbnail
//! (`Item::photos`); the bytes are blobs in the store's blob store (`photo_blobs`). A photo
//! another device added arrives as a reference with the catalogue; its bytes arrive later
//! (thumbnails after a sync session, full photos on demand), and until then it reads as
//! [`PhotoContent::NotHereYet`], a state, not an error.

use std::collections::BTreeSet;

use rusqlite::{OptionalExtension, params};

use crate::docs::{DocKey, Entity};
use crate::domain::permissions::require_steward;
use crate::domain::photo::{ItemPhoto, parse_photo_hash, process_photo};
use crate::domain::{ActivityAction, DomainError, Item};
use crate::error::{Error, Result};
use crate::ids::{BookingId, DeviceId, GroupId, ItemId};
use crate::store::photo_blobs::PhotoBlobs;
use crate::store::{Store, StoreError};

/// The most photos one item may have.
pub const MAX_PHOTOS_PER_ITEM: usize = 20;

/// A photo of an item, and whether its bytes are on this device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhotoState {
    /// The reference the item keeps (hashes, size, dimensions).
    pub photo: ItemPhoto,
    /// Whether the full photo is here.
    pub here: bool,
    /// Whether its thumbnail is here.
    pub thumbnail_here: bool,
}

/// A photo's bytes, or that they have not reached this device yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhotoContent {
    /// The bytes (a JPEG), checked against the hash.
    Here(Vec<u8>),
    /// The item references the photo but its bytes are not on this device yet.
    NotHereYet,
}

/// Which of a photo's two blobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoSize {
    /// The stored photo (at most 2048 px on its long side).
    Full,
    /// Its thumbnail (at most 320 px).
    Thumbnail,
}

impl Store {
    /// The photo blob store, opened on first use.
    pub(crate) fn photo_blobs(&self) -> Result<&PhotoBlobs> {
        if let Some(b) = self.photo_blobs.get() {
            return Ok(b);
        }
        let path = (!super::is_in_memory(&self.path)).then_some(self.path.as_path());
        let opened = PhotoBlobs::open(path)?;
        // Only this thread (the store is not shared without a lock) can have set it.
        let _ = self.photo_blobs.set(opened);
        self.photo_blobs.get().ok_or_else(|| {
            Error::Store(StoreError::Io { path: self.path.display().to_string(), message: "blob store".into() })
        })
    }

    /// Adds a photo to an item (stewards): decodes `bytes` (JPEG, PNG or WebP, told by
    /// content), strips every metadata segment by re-encoding, makes the thumbnail, stores
    /// both as blobs (durably) and then references them from the item. Adding the same
    /// picture again changes nothing and returns its reference.
    pub fn add_item_photo(&mut self, group: &GroupId, item: &ItemId, bytes: &[u8]) -> Result<ItemPhoto> {
        let me = self.me(group)?;
        require_steward(me.role, "edit items")?;
        let current = self.item(group, item)?;
        let processed = process_photo(bytes)?;
        let reference = processed.reference();
        if let Some(p) = current.photos.iter().find(|p| p.hash == reference.hash) {
            return Ok(p.clone());
        }
        if current.photos.len() >= MAX_PHOTOS_PER_ITEM {
            return Err(DomainError::FieldTooLong {
                field: "photos",
                len: current.photos.len() + 1,
                max: MAX_PHOTOS_PER_ITEM,
            }
            .into());
        }
        // The blobs first: a reference never names bytes this device could not keep. If the
        // write below fails, the blobs are unreferenced and the next collection removes them.
        let blobs = self.photo_blobs()?;
        blobs.put(&processed.photo)?;
        blobs.put(&processed.thumbnail)?;
        let mut updated = current;
        updated.photos.push(reference.clone());
        let summary = format!("photo {} added", short(&reference.hash));
        self.write_item_photos(group, &me, updated, summary)?;
        Ok(reference)
    }

    /// Removes a photo from an item (stewards) and collects the blobs no item references
    /// any more.
    pub fn remove_item_photo(&mut self, group: &GroupId, item: &ItemId, hash: &str) -> Result<Item> {
        let hash = parse_photo_hash(hash)?;
        let me = self.me(group)?;
        require_steward(me.role, "edit items")?;
        let current = self.item(group, item)?;
        if !current.photos.iter().any(|p| p.hash == hash) {
            return Err(DomainError::PhotoNotOnItem { hash }.into());
        }
        let mut updated = current;
        updated.photos.retain(|p| p.hash != hash);
        let summary = format!("photo {} removed", short(&hash));
        let updated = self.write_item_photos(group, &me, updated, summary)?;
        if let Err(e) = self.collect_photos() {
            tracing::debug!(%e, "photo collection after a removal failed; the next one retries");
        }
        Ok(updated)
    }

    fn write_item_photos(
        &mut self,
        group: &GroupId,
        me: &crate::domain::Member,
        updated: Item,
        summary: String,
    ) -> Result<Item> {
        let activity = self.activity_entry(me, ActivityAction::ItemEdited, Some(&updated.id), None, summary);
        self.commit_writes(group, vec![(DocKey::Catalogue, Entity::Item(updated.clone())), activity])?;
        Ok(updated)
    }

    /// An item's photos, in the order they were added, each with whether its bytes are here.
    pub fn item_photos(&self, group: &GroupId, item: &ItemId) -> Result<Vec<PhotoState>> {
        self.me(group)?;
        let item = self.item(group, item)?;
        let blobs = self.photo_blobs()?;
        item.photos
            .into_iter()
            .map(|photo| {
                let here = blobs.has(&photo.hash)?;
                let thumbnail_here = !photo.thumbnail.is_empty() && blobs.has(&photo.thumbnail)?;
                Ok(PhotoState { photo, here, thumbnail_here })
            })
            .collect()
    }

    /// The bytes of an item's photo (or of its thumbnail), or [`PhotoContent::NotHereYet`].
    pub fn item_photo(&self, group: &GroupId, item: &ItemId, hash: &str, size: PhotoSize) -> Result<PhotoContent> {
        let photo = self.item_photo_ref(group, item, hash)?;
        let wanted = match size {
            PhotoSize::Full => &photo.hash,
            PhotoSize::Thumbnail if photo.thumbnail.is_empty() => return Ok(PhotoContent::NotHereYet),
            PhotoSize::Thumbnail => &photo.thumbnail,
        };
        Ok(match self.photo_blobs()?.read(wanted)? {
            Some(bytes) => PhotoContent::Here(bytes),
            None => PhotoContent::NotHereYet,
        })
    }

    /// The reference of one of an item's photos (members of the group).
    pub fn item_photo_ref(&self, group: &GroupId, item: &ItemId, hash: &str) -> Result<ItemPhoto> {
        let hash = parse_photo_hash(hash)?;
        self.me(group)?;
        let item = self.item(group, item)?;
        item.photos.into_iter().find(|p| p.hash == hash).ok_or_else(|| DomainError::PhotoNotOnItem { hash }.into())
    }

    /// The photo taken when a booking came back (or its thumbnail), or
    /// [`PhotoContent::NotHereYet`] while its bytes have not reached this device (members of
    /// the group). A return without a photo is [`DomainError::NoReturnPhoto`].
    pub fn return_photo(&self, group: &GroupId, booking: &BookingId, size: PhotoSize) -> Result<PhotoContent> {
        let (photo, thumbnail) = self.return_photo_hashes(group, booking)?;
        let wanted = match size {
            PhotoSize::Full => photo,
            PhotoSize::Thumbnail => match thumbnail {
                Some(t) => t,
                None => return Ok(PhotoContent::NotHereYet),
            },
        };
        Ok(match self.photo_blobs()?.read(&wanted)? {
            Some(bytes) => PhotoContent::Here(bytes),
            None => PhotoContent::NotHereYet,
        })
    }

    /// The hashes (photo, thumbnail) of the photo taken when a booking came back (members
    /// of the group), to fetch them from a peer with
    /// [`crate::net::SyncService::fetch_blobs`].
    pub fn return_photo_hashes(&self, group: &GroupId, booking: &BookingId) -> Result<(String, Option<String>)> {
        self.me(group)?;
        self.booking(group, booking)?;
        let row: Option<(Option<String>, Option<String>)> = self
            .conn()
            .prepare_cached("SELECT photo, thumbnail FROM returns WHERE group_id = ?1 AND booking_id = ?2")
            .map_err(StoreError::from)?
            .query_row([group.as_str(), booking.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .map_err(StoreError::from)?;
        match row {
            Some((Some(photo), thumbnail)) => Ok((photo, thumbnail.filter(|t| !t.is_empty()))),
            _ => Err(DomainError::NoReturnPhoto { booking: booking.to_string() }.into()),
        }
    }

    /// Whether the blob with this hash (a photo or a thumbnail) is complete on this device.
    pub fn has_photo_blob(&self, hash: &str) -> Result<bool> {
        let hash = parse_photo_hash(hash)?;
        Ok(self.photo_blobs()?.has(&hash)?)
    }

    /// Removes the photo blobs that no item of any group on this device references (their
    /// tags at once, their files when the blob store's collector runs, within about a
    /// second). Returns how many blobs were released.
    pub fn collect_photos(&mut self) -> Result<usize> {
        let referenced = self.referenced_photo_hashes(None)?;
        let blobs = self.photo_blobs()?;
        let unreferenced: BTreeSet<String> = blobs.kept()?.difference(&referenced).cloned().collect();
        blobs.release(&unreferenced)?;
        Ok(unreferenced.len())
    }

    /// Every photo and thumbnail hash the items of `group` (or of every group) reference.
    pub(crate) fn referenced_photo_hashes(&self, group: Option<&GroupId>) -> Result<BTreeSet<String>> {
        let mut out = BTreeSet::new();
        for (photo, thumbnail) in self.photo_references(group)? {
            out.insert(photo);
            out.extend(thumbnail);
        }
        Ok(out)
    }

    /// Every (photo, thumbnail) hash pair the items of `group` (or of every group)
    /// reference, and the photos taken at their returns; a bare reference has no thumbnail.
    fn photo_references(&self, group: Option<&GroupId>) -> Result<Vec<(String, Option<String>)>> {
        let mut stmt = self
            .conn()
            .prepare_cached(
                "SELECT CASE p.type WHEN 'object' THEN json_extract(p.value, '$.hash') ELSE p.value END,
                        CASE p.type WHEN 'object' THEN json_extract(p.value, '$.thumbnail') END
                 FROM items i, json_each(i.data, '$.photos') p
                 WHERE ?1 IS NULL OR i.group_id = ?1
                 UNION ALL
                 SELECT photo, thumbnail FROM returns
                 WHERE photo IS NOT NULL AND (?1 IS NULL OR group_id = ?1)",
            )
            .map_err(StoreError::from)?;
        let rows = stmt
            .query_map(params![group.map(GroupId::as_str)], |r| {
                Ok((r.get::<_, Option<String>>(0)?, r.get::<_, Option<String>>(1)?))
            })
            .map_err(StoreError::from)?;
        let mut out = Vec::new();
        for row in rows {
            if let (Some(photo), thumbnail) = row.map_err(StoreError::from)? {
                out.push((photo, thumbnail.filter(|t| !t.is_empty())));
            }
        }
        Ok(out)
    }

    /// The blobs (hex hashes) that items of `group` reference and this device lacks:
    /// thumbnails, and full photos too when `full` is set.
    pub(crate) fn missing_photo_blobs(&self, group: &GroupId, full: bool) -> Result<Vec<String>> {
        let blobs = self.photo_blobs()?;
        let mut missing = BTreeSet::new();
        for (photo, thumbnail) in self.photo_references(Some(group))? {
            if let Some(t) = thumbnail
                && !blobs.has(&t)?
            {
                missing.insert(t);
            }
            if full && !blobs.has(&photo)? {
                missing.insert(photo);
            }
        }
        Ok(missing.into_iter().collect())
    }

    /// Whether `device` is a current member's device of some group this store holds (the
    /// blob provider lets only those connect).
    pub(crate) fn is_current_member_device(&self, device: &DeviceId) -> Result<bool> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM devices d JOIN members m ON m.group_id = d.group_id AND m.id = d.member_id
                 WHERE d.device_id = ?1 AND m.removed IS NULL)",
            )
            .map_err(StoreError::from)?
            .query_row([device.as_str()], |r| r.get(0))
            .map_err(StoreError::from)?)
    }

    /// Whether `device` may fetch the blob `hash`: an item of a group in which the device
    /// is a current member's device references it (as a photo or a thumbnail), or a return
    /// in such a group does.
    pub(crate) fn photo_visible_to(&self, device: &DeviceId, hash: &str) -> Result<bool> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM devices d
                   JOIN members m ON m.group_id = d.group_id AND m.id = d.member_id
                   JOIN items i ON i.group_id = d.group_id, json_each(i.data, '$.photos') p
                 WHERE d.device_id = ?1 AND m.removed IS NULL
                   AND (CASE p.type WHEN 'object' THEN json_extract(p.value, '$.hash') ELSE p.value END = ?2
                        OR (p.type = 'object' AND json_extract(p.value, '$.thumbnail') = ?2)))
                 OR EXISTS (SELECT 1 FROM devices d
                   JOIN members m ON m.group_id = d.group_id AND m.id = d.member_id
                   JOIN returns r ON r.group_id = d.group_id
                 WHERE d.device_id = ?1 AND m.removed IS NULL AND (r.photo = ?2 OR r.thumbnail = ?2))",
            )
            .map_err(StoreError::from)?
            .query_row([device.as_str(), hash], |r| r.get(0))
            .map_err(StoreError::from)?)
    }
}

fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}
