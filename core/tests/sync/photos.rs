//! Item photos as blobs: added through the core (metadata stripped), travelling between
//! real iroh endpoints on loopback under the membership rules, "not here yet", collection.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use delbar_core::domain::Role;
use delbar_core::ids::{GroupId, ItemId};
use delbar_core::net::{NetError, SyncConfig, SyncService};
use delbar_core::store::{PhotoContent, PhotoSize};
use delbar_core::{Error, Store};
use exif::{Field, In, Rational, Tag, Value};
use image::{Rgb, RgbImage};

use crate::fixtures::{Lab, add_member};
use crate::net::{serve, store, sync};

/// A real JPEG as a phone writes it: `w` x `h` pixels with an APP1 Exif segment holding a
/// GPS position (59°20' N, 18°4' E) and the camera's make.
pub(crate) fn phone_jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(w, h, |x, y| Rgb([(x * 255 / w) as u8, (y * 255 / h) as u8, 90]));
    let mut plain = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut plain, 90).encode_image(&img).unwrap();
    let dms = |d: u32, m: u32| {
        Value::Rational(vec![
            Rational { num: d, denom: 1 },
            Rational { num: m, denom: 1 },
            Rational { num: 0, denom: 1 },
        ])
    };
    let fields = [
        Field { tag: Tag::Make, ifd_num: In::PRIMARY, value: Value::Ascii(vec![b"PhoneCo".to_vec()]) },
        Field { tag: Tag::GPSLatitudeRef, ifd_num: In::PRIMARY, value: Value::Ascii(vec![b"N".to_vec()]) },
        Field { tag: Tag::GPSLatitude, ifd_num: In::PRIMARY, value: dms(59, 20) },
        Field { tag: Tag::GPSLongitudeRef, ifd_num: In::PRIMARY, value: Value::Ascii(vec![b"E".to_vec()]) },
        Field { tag: Tag::GPSLongitude, ifd_num: In::PRIMARY, value: dms(18, 4) },
    ];
    let mut writer = exif::experimental::Writer::new();
    for f in &fields {
        writer.push_field(f);
    }
    let mut tiff = std::io::Cursor::new(Vec::new());
    writer.write(&mut tiff, false).unwrap();
    let tiff = tiff.into_inner();
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&u16::try_from(8 + tiff.len()).unwrap().to_be_bytes());
    out.extend_from_slice(b"Exif\0\0");
    out.extend_from_slice(&tiff);
    out.extend_from_slice(&plain[2..]);
    assert!(exif_of(&out).unwrap().get_field(Tag::GPSLatitude, In::PRIMARY).is_some());
    out
}

fn exif_of(jpeg: &[u8]) -> Option<exif::Exif> {
    exif::Reader::new().read_from_container(&mut std::io::Cursor::new(jpeg)).ok()
}

fn here(content: PhotoContent) -> Vec<u8> {
    match content {
        PhotoContent::Here(bytes) => bytes,
        PhotoContent::NotHereYet => panic!("the photo is not here"),
    }
}

fn not_fetched(e: Error) -> String {
    match e {
        Error::Net(NetError::PhotoNotFetched { reason, .. }) => reason,
        other => panic!("expected a refused fetch, got {other:?}"),
    }
}

/// Waits (up to 5 s) until `f` holds.
fn eventually(what: &str, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < Duration::from_secs(5), "timed out waiting: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A steward's store with a group, an item with a photo, and a member's phone that has
/// synced with it over iroh.
struct Shelf {
    _lab: Lab,
    g: GroupId,
    item: ItemId,
    photo: String,
    thumbnail: String,
    steward: SyncService,
    phone: SyncService,
}

fn shelf() -> Shelf {
    let mut lab = Lab::new();
    let (mut s, g, item) = lab.steward();
    let phone = lab.device();
    add_member(&mut s, &g, &phone, "Olle", Role::Member);
    let photo = s.add_item_photo(&g, &item, &phone_jpeg(640, 480)).unwrap();
    let (steward, phone) = (serve(s), serve(phone));
    sync(&phone, &steward, &g);
    Shelf { _lab: lab, g, item, photo: photo.hash, thumbnail: photo.thumbnail, steward, phone }
}

#[test]
fn thumbnails_come_with_sync_and_full_photos_on_demand() {
    let s = shelf();
    let (g, item) = (&s.g, &s.item);
    {
        let phone = store(&s.phone);
        let listed = phone.item_photos(g, item).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!((listed[0].here, listed[0].thumbnail_here), (false, true));
        assert_eq!(phone.item_photo(g, item, &s.photo, PhotoSize::Full).unwrap(), PhotoContent::NotHereYet);
        let thumb = here(phone.item_photo(g, item, &s.photo, PhotoSize::Thumbnail).unwrap());
        assert_eq!(blake3::hash(&thumb).to_hex().as_str(), s.thumbnail);
    }
    let report = s.phone.fetch_item_photo(s.steward.addr().unwrap(), g, item, &s.photo, PhotoSize::Full).unwrap();
    assert_eq!(report.fetched, 1);
    let fetched = here(store(&s.phone).item_photo(g, item, &s.photo, PhotoSize::Full).unwrap());
    let original = here(store(&s.steward).item_photo(g, item, &s.photo, PhotoSize::Full).unwrap());
    assert_eq!(fetched, original);
    assert_eq!(report.bytes, fetched.len() as u64);
    assert!(exif_of(&fetched).is_none(), "EXIF reached the member");
    assert!(!fetched.windows(7).any(|w| w == b"PhoneCo"));
    // Fetching what is here moves nothing.
    let again = s.phone.fetch_item_photo(s.steward.addr().unwrap(), g, item, &s.photo, PhotoSize::Full).unwrap();
    assert_eq!(again.fetched, 0);
}

#[test]
fn a_hub_keeps_every_full_photo() {
    let mut lab = Lab::new();
    let (mut s, g, item) = lab.steward();
    let hub = lab.device();
    add_member(&mut s, &g, &hub, "Verkstadens hub", Role::Steward);
    let photo = s.add_item_photo(&g, &item, &phone_jpeg(320, 200)).unwrap();
    let steward = serve(s);
    let hub = SyncService::start(Arc::new(Mutex::new(hub)), SyncConfig { fetch_photos: true, ..SyncConfig::default() })
        .unwrap();
    // The hub dials the steward (and receives the group): it fetches the full photo too.
    sync(&hub, &steward, &g);
    assert!(store(&hub).has_photo_blob(&photo.hash).unwrap());
    assert!(store(&hub).has_photo_blob(&photo.thumbnail).unwrap());
    // The steward dials the hub with a new photo: the hub fetches it once the session is over.
    let second = store(&steward).add_item_photo(&g, &item, &phone_jpeg(200, 320)).unwrap();
    sync(&steward, &hub, &g);
    eventually("the hub holds the new full photo", || store(&hub).has_photo_blob(&second.hash).unwrap());
}

#[test]
fn a_stranger_is_refused_a_blob() {
    let s = shelf();
    let mut lab = Lab::new();
    let stranger = serve(lab.device());
    let e = stranger.fetch_blobs(s.steward.addr().unwrap(), std::slice::from_ref(&s.photo)).unwrap_err();
    assert!(!not_fetched(e).is_empty());
    assert!(!store(&stranger).has_photo_blob(&s.photo).unwrap());
}

#[test]
fn a_removed_member_is_refused() {
    let s = shelf();
    let member = store(&s.steward).members(&s.g).unwrap().into_iter().find(|m| m.name == "Olle").unwrap();
    store(&s.steward).remove_member(&s.g, &member.id).unwrap();
    let e = s.phone.fetch_blobs(s.steward.addr().unwrap(), std::slice::from_ref(&s.photo)).unwrap_err();
    not_fetched(e);
    assert!(!store(&s.phone).has_photo_blob(&s.photo).unwrap());
}

#[test]
fn a_member_gets_only_blobs_its_groups_reference() {
    let mut lab = Lab::new();
    let (mut s, g, item) = lab.steward();
    let other = s.create_group("Grannarna", "", "Karin").unwrap();
    let phone = lab.device();
    // A member of the other group only.
    add_member(&mut s, &other.id, &phone, "Olle", Role::Member);
    let photo = s.add_item_photo(&g, &item, &phone_jpeg(200, 100)).unwrap();
    let (steward, phone) = (serve(s), serve(phone));
    let e = phone.fetch_blobs(steward.addr().unwrap(), std::slice::from_ref(&photo.hash)).unwrap_err();
    not_fetched(e);
    // A hash no item references is refused too (nothing tells a member what else is kept).
    let unknown = "ab".repeat(32);
    not_fetched(phone.fetch_blobs(steward.addr().unwrap(), &[unknown]).unwrap_err());
}

#[test]
fn removed_photos_are_collected_unless_another_item_shows_them() {
    let mut lab = Lab::new();
    let (mut s, g, item) = lab.steward();
    let jpeg = phone_jpeg(120, 90);
    let photo = s.add_item_photo(&g, &item, &jpeg).unwrap();
    // Adding the same picture again changes nothing.
    assert_eq!(s.add_item_photo(&g, &item, &jpeg).unwrap(), photo);
    assert_eq!(s.item(&g, &item).unwrap().photos.len(), 1);
    let second = s.add_item(&g, delbar_core::domain::ItemDraft::named("Bandsåg 2")).unwrap();
    s.add_item_photo(&g, &second.id, &jpeg).unwrap();
    s.remove_item_photo(&g, &item, &photo.hash).unwrap();
    assert!(s.item(&g, &item).unwrap().photos.is_empty());
    // Still shown on the second item: kept.
    assert!(s.has_photo_blob(&photo.hash).unwrap());
    let e = s.item_photo(&g, &item, &photo.hash, PhotoSize::Full).unwrap_err();
    assert!(matches!(e, Error::Domain(delbar_core::domain::DomainError::PhotoNotOnItem { .. })), "{e:?}");
    s.remove_item_photo(&g, &second.id, &photo.hash).unwrap();
    eventually("the blobs are collected", || {
        !s.has_photo_blob(&photo.hash).unwrap() && !s.has_photo_blob(&photo.thumbnail).unwrap()
    });
    assert_eq!(s.collect_photos().unwrap(), 0);
}

#[test]
fn photos_survive_reopening_the_store() {
    let mut lab = Lab::new();
    let (mut s, g, item) = lab.steward();
    let photo = s.add_item_photo(&g, &item, &phone_jpeg(100, 100)).unwrap();
    let path = s.path().to_path_buf();
    drop(s);
    let s = Store::open(&path).unwrap();
    let listed = s.item_photos(&g, &item).unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].here && listed[0].thumbnail_here);
    let bytes = here(s.item_photo(&g, &item, &photo.hash, PhotoSize::Full).unwrap());
    assert_eq!(blake3::hash(&bytes).to_hex().as_str(), photo.hash);
}

/// Walks a bundle's records: returns (kind, start of the record's bytes, length) for each,
/// up to the end record.
fn bundle_records(bundle: &[u8]) -> Vec<(u8, usize, usize)> {
    let header_len = u16::from_le_bytes([bundle[10], bundle[11]]) as usize;
    let mut at = 12 + header_len;
    let mut out = Vec::new();
    loop {
        let kind = bundle[at];
        let len = u32::from_le_bytes(bundle[at + 1..at + 5].try_into().unwrap()) as usize;
        if kind == 0 {
            return out;
        }
        out.push((kind, at + 5, len));
        at += 5 + len;
    }
}

#[test]
fn a_bundle_carries_photos_and_refuses_one_that_does_not_match_its_hash() {
    use delbar_core::sync::{SyncError, import_bundle_from, inspect_bundle, write_bundle_with};
    use ed25519_dalek::Signer;

    let mut lab = Lab::new();
    let (mut s, g, item) = lab.steward();
    let photo = s.add_item_photo(&g, &item, &phone_jpeg(320, 240)).unwrap();
    let mut phone = lab.device();
    add_member(&mut s, &g, &phone, "Olle", Role::Member);
    let mut bundle = Vec::new();
    write_bundle_with(&s, &g, None, true, &mut bundle).unwrap();
    let outline = inspect_bundle(bundle.as_slice(), Some(bundle.len() as u64)).unwrap();
    assert_eq!(outline.photos, 2, "the photo and its thumbnail");
    assert_eq!(outline.photo_bytes, photo.bytes + photo.thumbnail_bytes);

    // One byte of the thumbnail changed, and the bundle checksummed and signed again by its
    // exporter as if it had written it so: the first pass finds the blob does not match.
    let mut forged = bundle.clone();
    let (kind, start, len) = *bundle_records(&forged).last().unwrap();
    assert_eq!(kind, 3);
    forged[start + 32 + len / 2 - 16] ^= 0x55;
    let body = forged.len() - 96;
    let checksum = *blake3::hash(&forged[..body]).as_bytes();
    forged[body..body + 32].copy_from_slice(&checksum);
    let mut message = b"delbar bundle v4".to_vec();
    message.extend_from_slice(&checksum);
    let signature = s.device_signing_key().sign(&message).to_bytes();
    forged[body + 32..].copy_from_slice(&signature);
    let e = import_bundle_from(&mut phone, &g, std::io::Cursor::new(&forged)).unwrap_err();
    assert!(matches!(e, Error::Sync(SyncError::PhotoMismatch { .. })), "{e:?}");
    assert!(phone.group(&g).is_err(), "nothing was applied");
    assert!(!phone.has_photo_blob(&photo.thumbnail).unwrap());

    // The bundle as written: the documents, then both blobs kept.
    let imported = import_bundle_from(&mut phone, &g, std::io::Cursor::new(&bundle)).unwrap();
    assert_eq!(imported.photos_kept, 2);
    assert!(phone.has_photo_blob(&photo.hash).unwrap() && phone.has_photo_blob(&photo.thumbnail).unwrap());
    let full = here(phone.item_photo(&g, &item, &photo.hash, PhotoSize::Full).unwrap());
    assert!(exif_of(&full).is_none());
    // Without photos, no photo record.
    let plain = delbar_core::sync::export_bundle(&s, &g, None).unwrap();
    assert!(bundle_records(&plain).iter().all(|(kind, _, _)| *kind != 3));
}

#[test]
fn a_photo_taken_at_a_return_travels_like_an_items() {
    use delbar_core::domain::{BookingAction, Condition, DomainError, ReturnReport};

    let mut lab = Lab::new();
    let (mut s, g, item) = lab.steward();
    let phone = lab.device();
    add_member(&mut s, &g, &phone, "Olle", Role::Member);
    let loan = crate::fixtures::book(&lab, &mut s, &g, &item, 0);
    s.act_on_booking(&g, &loan.id, BookingAction::CheckOut).unwrap();
    let later = crate::fixtures::book(&lab, &mut s, &g, &item, 48);
    let report =
        |photo: Option<Vec<u8>>| ReturnReport { condition: Condition::NeedsRepair, note: "sprucken".into(), photo };
    // Bytes that are not an image: refused, typed, and the loan is still out.
    let e = s.return_booking(&g, &loan.id, &report(Some(b"not a picture".to_vec()))).unwrap_err();
    assert!(
        matches!(e, Error::Domain(DomainError::PhotoFormatNotAccepted { .. } | DomainError::PhotoUnreadable { .. })),
        "{e:?}"
    );
    assert!(s.booking(&g, &loan.id).unwrap().state.holds_units(), "nothing was written");
    s.return_booking(&g, &loan.id, &report(Some(phone_jpeg(800, 600)))).unwrap();
    let reported = *s.item(&g, &item).unwrap().reported.unwrap();
    let (photo, thumbnail) = (reported.photo.clone().unwrap(), reported.thumbnail.clone().unwrap());
    assert_eq!(s.return_photo_hashes(&g, &loan.id).unwrap(), (photo.clone(), Some(thumbnail.clone())));
    let stored = here(s.return_photo(&g, &loan.id, PhotoSize::Full).unwrap());
    assert_eq!(blake3::hash(&stored).to_hex().as_str(), photo);
    assert!(exif_of(&stored).is_none(), "EXIF was kept");
    // Referenced by the return, so a collection keeps both blobs.
    s.collect_photos().unwrap();
    assert!(s.has_photo_blob(&photo).unwrap() && s.has_photo_blob(&thumbnail).unwrap());

    // A member's phone gets the thumbnail with sync and the photo when it asks.
    let (steward, phone) = (serve(s), serve(phone));
    sync(&phone, &steward, &g);
    {
        let p = store(&phone);
        let thumb = here(p.return_photo(&g, &loan.id, PhotoSize::Thumbnail).unwrap());
        assert_eq!(blake3::hash(&thumb).to_hex().as_str(), thumbnail);
        assert_eq!(p.return_photo(&g, &loan.id, PhotoSize::Full).unwrap(), PhotoContent::NotHereYet);
    }
    let fetched = phone.fetch_return_photo(steward.addr().unwrap(), &g, &loan.id, PhotoSize::Full).unwrap();
    assert_eq!((fetched.fetched, fetched.bytes), (1, stored.len() as u64));
    assert_eq!(here(store(&phone).return_photo(&g, &loan.id, PhotoSize::Full).unwrap()), stored);
    // A device that is no member's is refused it.
    let mut strangers = Lab::new();
    let stranger = serve(strangers.device());
    not_fetched(stranger.fetch_blobs(steward.addr().unwrap(), std::slice::from_ref(&photo)).unwrap_err());

    // A bundle with photos carries it too.
    let mut bundle = Vec::new();
    delbar_core::sync::write_bundle_with(&store(&steward), &g, None, true, &mut bundle).unwrap();
    let outline = delbar_core::sync::inspect_bundle(bundle.as_slice(), Some(bundle.len() as u64)).unwrap();
    assert_eq!(outline.photos, 2, "the return's photo and its thumbnail");

    // A booking that has not come back with a photo says so, typed.
    let e = store(&steward).return_photo(&g, &later.id, PhotoSize::Full).unwrap_err();
    assert!(matches!(e, Error::Domain(DomainError::NoReturnPhoto { .. })), "{e:?}");
}
