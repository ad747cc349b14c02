//! What an item photo costs (`--photos`): adding one as a phone takes it (decoded, stripped
//! of its metadata, re-encoded with a thumbnail), and a member fetching its thumbnail and then
//! the full photo from a hub over real iroh connections on loopback, connection set-up
//! included. The group's size does not enter: a photo is one blob, fetched by its hash.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use delbar_core::Store;
use delbar_core::domain::{ItemDraft, Role};
use delbar_core::net::{SyncConfig, SyncService};
use delbar_core::store::PhotoSize;
use image::{Rgb, RgbImage};

use crate::stats::Latencies;

/// A picture as a phone camera takes it (12 megapixels: 4032 x 3024), encoded as a JPEG of
/// quality 92: smooth light with fine grain, so it compresses like a photograph (a few MB),
/// neither like a flat test card nor like pure noise.
fn phone_photo(w: u32, h: u32) -> Result<Vec<u8>, String> {
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let img = RgbImage::from_fn(w, h, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let grain = (seed % 24) as f64 - 12.0;
        let (fx, fy) = (f64::from(x) / f64::from(w), f64::from(y) / f64::from(h));
        let light = 90.0 + 80.0 * (fx * 7.0).sin() * (fy * 5.0).cos() + 40.0 * fy;
        let px = |v: f64| (v + grain).clamp(0.0, 255.0) as u8;
        Rgb([px(light + 30.0 * fx), px(light), px(light * 0.7 + 40.0 * (fy * 11.0).sin())])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 92).encode_image(&img).map_err(|e| e.to_string())?;
    Ok(out)
}

/// What one run measured.
pub struct Figures {
    /// The photo as given, in bytes.
    pub input_bytes: u64,
    /// The photo as stored.
    pub photo: delbar_core::domain::ItemPhoto,
    /// Adding it, in ms.
    pub add_ms: f64,
    /// Fetching the thumbnail, in ms, one per member.
    pub thumb_ms: Latencies,
    /// Fetching the full photo, in ms, one per member.
    pub full_ms: Latencies,
    /// Bytes received for the thumbnail.
    pub thumb_wire: u64,
    /// Bytes received for the full photo.
    pub full_wire: u64,
}

/// Runs the measurement for a 4032 x 3024 photo with `samples` members and prints a
/// Markdown table.
pub fn run(samples: usize) -> Result<(), String> {
    let f = measure(samples, 4032, 3024)?;
    let kb = |b: u64| b as f64 / 1024.0;
    println!("| photo row | figure |");
    println!("| --- | --- |");
    println!("| phone photo given (4032 x 3024 JPEG) | {:.0} KB |", kb(f.input_bytes));
    println!(
        "| stored photo ({} x {}, metadata stripped) | {:.0} KB |",
        f.photo.width,
        f.photo.height,
        kb(f.photo.bytes)
    );
    println!("| thumbnail | {:.1} KB |", kb(f.photo.thumbnail_bytes));
    println!("| adding it (decode, strip, resize, encode both, store) | {:.0} ms |", f.add_ms);
    println!(
        "| a member fetches the thumbnail from a hub (loopback, connecting included), p50 / max of {samples} | {:.1} / {:.1} ms, {:.1} KB received |",
        f.thumb_ms.percentile(50.0),
        f.thumb_ms.percentile(100.0),
        kb(f.thumb_wire)
    );
    println!(
        "| ... then the full photo, p50 / max of {samples} | {:.1} / {:.1} ms, {:.1} KB received |",
        f.full_ms.percentile(50.0),
        f.full_ms.percentile(100.0),
        kb(f.full_wire)
    );
    Ok(())
}

/// Adds a `w` x `h` phone photo to an item on a hub and lets `samples` members (each a fresh
/// device) fetch its thumbnail (as after a sync, before the list shows), then sync and fetch
/// the full photo (as on opening the item).
pub fn measure(samples: usize, w: u32, h: u32) -> Result<Figures, String> {
    let err = |e: delbar_core::Error| e.to_string();
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let input = phone_photo(w, h)?;
    let mut hub = Store::open(dir.path().join("hub.db")).map_err(err)?;
    let group = hub.create_group("Odlingsakademin Östersund", "", "Hubben").map_err(err)?.id;
    let item = hub.add_item(&group, ItemDraft::named("Jordfräs Honda F220")).map_err(err)?.id;
    let mut members = Vec::new();
    for n in 0..samples {
        let phone = Store::open(dir.path().join(format!("phone-{n}.db"))).map_err(err)?;
        let device = phone.device_id().clone();
        hub.add_member(&group, &format!("Medlem {n}"), Role::Member, Some((device, "phone"))).map_err(err)?;
        members.push(phone);
    }
    let started = Instant::now();
    let photo = hub.add_item_photo(&group, &item, &input).map_err(err)?;
    let add_ms = started.elapsed().as_secs_f64() * 1000.0;

    let hub = SyncService::start(Arc::new(Mutex::new(hub)), SyncConfig::default()).map_err(err)?;
    let addr = hub.addr().map_err(err)?;
    let (mut thumb_ms, mut full_ms) = (Vec::new(), Vec::new());
    let (mut thumb_wire, mut full_wire) = (0, 0);
    for phone in members {
        let phone = SyncService::start(Arc::new(Mutex::new(phone)), SyncConfig::default()).map_err(err)?;
        let thumb = phone.fetch_blobs(addr.clone(), std::slice::from_ref(&photo.thumbnail)).map_err(err)?;
        // The item's record reaches the phone with sync (its thumbnail is here already), then
        // the member opens the item.
        phone.sync_with(addr.clone(), &group).map_err(err)?;
        let full = phone.fetch_item_photo(addr.clone(), &group, &item, &photo.hash, PhotoSize::Full).map_err(err)?;
        if thumb.fetched != 1 || full.fetched != 1 {
            return Err(format!("a fetch moved {} and {} blobs, not one each", thumb.fetched, full.fetched));
        }
        thumb_ms.push(thumb.elapsed.as_secs_f64() * 1000.0);
        full_ms.push(full.elapsed.as_secs_f64() * 1000.0);
        (thumb_wire, full_wire) = (thumb.wire_bytes, full.wire_bytes);
    }
    Ok(Figures {
        input_bytes: input.len() as u64,
        photo,
        add_ms,
        thumb_ms: Latencies(thumb_ms),
        full_ms: Latencies(full_ms),
        thumb_wire,
        full_wire,
    })
}

#[cfg(test)]
mod tests {
    /// A small photo through the whole measurement: the blobs really move, and their
    /// received bytes cover the stored sizes.
    #[test]
    fn a_small_photo_is_added_and_fetched_by_each_member() {
        let f = super::measure(2, 640, 480).unwrap();
        assert_eq!((f.photo.width, f.photo.height), (640, 480));
        assert_eq!(f.thumb_ms.0.len(), 2);
        assert!(f.thumb_wire >= f.photo.thumbnail_bytes, "{} < {}", f.thumb_wire, f.photo.thumbnail_bytes);
        assert!(f.full_wire >= f.photo.bytes, "{} < {}", f.full_wire, f.photo.bytes);
    }
}
