//! Item photos through the `delbar` binary: added from a real phone JPEG with GPS metadata
//! (which must not survive), refused formats, thumbnails after a sync, a full photo fetched
//! from a hub process over loopback, bundles with photos, removal.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test fixtures: a step that fails should stop the test with its message"
)]

use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::Duration;

use exif::{Field, In, Rational, Tag, Value};
use image::{Rgb, RgbImage};
use tempfile::TempDir;

mod common;
use common::{Run, Runs, command, finish};

struct Device {
    dir: PathBuf,
}

impl Runs for Device {
    fn run(&self, args: &[&str]) -> Run {
        finish(command("UTC").arg("--data").arg(&self.dir).args(args).output().unwrap())
    }
}

impl Device {
    fn device_id(&self) -> String {
        self.json(&["device"])["device_id"].as_str().unwrap().to_owned()
    }
}

/// A `delbar hub` child process on loopback; killed when dropped.
struct Hub {
    child: Child,
    address_file: PathBuf,
}

impl Hub {
    fn start(device: &Device, address_file: &Path) -> Hub {
        let child = command("UTC")
            .arg("--data")
            .arg(&device.dir)
            .args(["hub", "--listen", "loopback", "--address-file"])
            .arg(address_file)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let hub = Hub { child, address_file: address_file.to_path_buf() };
        for _ in 0..1200 {
            if hub.address_file.is_file() {
                return hub;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("the hub wrote no address file");
    }

    fn address(&self) -> String {
        std::fs::read_to_string(&self.address_file).unwrap().trim().to_owned()
    }
}

impl Drop for Hub {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A phone's JPEG: a 800 x 600 picture with an APP1 Exif segment holding a GPS position.
fn phone_jpeg() -> Vec<u8> {
    let img = RgbImage::from_fn(800, 600, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8]));
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
        Field { tag: Tag::GPSLatitudeRef, ifd_num: In::PRIMARY, value: Value::Ascii(vec![b"N".to_vec()]) },
        Field { tag: Tag::GPSLatitude, ifd_num: In::PRIMARY, value: dms(63, 25) },
        Field { tag: Tag::GPSLongitudeRef, ifd_num: In::PRIMARY, value: Value::Ascii(vec![b"E".to_vec()]) },
        Field { tag: Tag::GPSLongitude, ifd_num: In::PRIMARY, value: dms(10, 23) },
    ];
    let mut writer = exif::experimental::Writer::new();
    for f in &fields {
        writer.push_field(f);
    }
    let mut tiff = std::io::Cursor::new(Vec::new());
    writer.write(&mut tiff, true).unwrap();
    let tiff = tiff.into_inner();
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&u16::try_from(8 + tiff.len()).unwrap().to_be_bytes());
    out.extend_from_slice(b"Exif\0\0");
    out.extend_from_slice(&tiff);
    out.extend_from_slice(&plain[2..]);
    out
}

fn has_gps(jpeg: &[u8]) -> bool {
    exif::Reader::new()
        .read_from_container(&mut std::io::Cursor::new(jpeg))
        .is_ok_and(|e| e.get_field(Tag::GPSLatitude, In::PRIMARY).is_some())
}

#[test]
fn photos_are_added_stripped_fetched_bundled_and_removed() {
    let root = TempDir::new().unwrap();
    let file = |name: &str| root.path().join(name);
    let path = |name: &str| file(name).to_str().unwrap().to_owned();
    let steward = Device { dir: file("steward") };
    let g =
        steward.json(&["group", "create", "Folkverkstan", "--me", "Karin"])["group"]["id"].as_str().unwrap().to_owned();
    steward.ok(&["item", "add", "Bandsåg"]);

    // Refused: not an image, a GIF; nothing is added.
    std::fs::write(file("notes.txt"), "not a picture").unwrap();
    let err = steward.fails(&["item", "photo", "add", "Bandsåg", &path("notes.txt")]);
    assert!(err.contains("JPEG, PNG or WebP"), "{err}");
    std::fs::write(file("anim.gif"), b"GIF89a\x01\x00\x01\x00\x00\x00\x00;").unwrap();
    steward.fails(&["item", "photo", "add", "Bandsåg", &path("anim.gif")]);

    let original = phone_jpeg();
    assert!(has_gps(&original));
    std::fs::write(file("saw.jpg"), &original).unwrap();
    let added = steward.json(&["item", "photo", "add", "Bandsåg", &path("saw.jpg")]);
    let photo = &added["photo"];
    let hash = photo["hash"].as_str().unwrap().to_owned();
    assert_eq!((photo["width"].as_u64(), photo["height"].as_u64()), (Some(800), Some(600)));
    let text = steward.ok(&["item", "photo", "list", "Bandsåg"]);
    assert!(text.contains(&hash) && text.contains("yes"), "{text}");
    steward.ok(&["item", "photo", "get", "Bandsåg", &hash[..10], "--out", &path("out.jpg")]);
    let stored = std::fs::read(file("out.jpg")).unwrap();
    assert_eq!(blake3::hash(&stored).to_hex().as_str(), hash);
    assert!(!has_gps(&stored), "GPS survived");

    // A member who received the catalogue without photos: not here yet (a state, exit 1).
    let olle = Device { dir: file("olle") };
    let id = olle.device_id();
    steward.ok(&["member", "add", "Olle", "--device", &id]);
    steward.ok(&["bundle", "export", "--out", &path("plain.bundle")]);
    olle.ok(&["bundle", "import", &path("plain.bundle")]);
    let listed = olle.json(&["item", "photo", "list", "Bandsåg"]);
    assert_eq!(listed["photos"][0]["here"], false);
    let r = olle.run(&["item", "photo", "get", "Bandsåg", &hash, "--out", &path("olle.jpg")]);
    assert_eq!(r.code, Some(1));
    assert!(r.stdout.contains("not here yet"), "{}", r.stdout);

    // From a hub process (the steward's store) over loopback: thumbnails with a sync, the
    // full photo on demand.
    let hub = Hub::start(&steward, &file("hub.addr"));
    let addr = hub.address();
    olle.ok(&["--group", &g, "sync", "--listen", "loopback", "--peer", &addr]);
    let listed = olle.json(&["item", "photo", "list", "Bandsåg"]);
    assert_eq!(
        (listed["photos"][0]["here"].as_bool(), listed["photos"][0]["thumbnail_here"].as_bool()),
        (Some(false), Some(true))
    );
    let got = olle.json(&[
        "item",
        "photo",
        "get",
        "Bandsåg",
        &hash,
        "--out",
        &path("olle.jpg"),
        "--listen",
        "loopback",
        "--peer",
        &addr,
    ]);
    assert_eq!(got["state"], "here");
    assert_eq!(std::fs::read(file("olle.jpg")).unwrap(), stored);
    drop(hub);

    // A bundle with photos carries them; the receiver keeps them.
    steward.ok(&["bundle", "export", "--with-photos", "--out", &path("photos.bundle")]);
    let info = steward.json(&["bundle", "info", &path("photos.bundle")]);
    assert_eq!(info["photo_blobs"], 2, "{info}");
    let lisa = Device { dir: file("lisa") };
    let id = lisa.device_id();
    steward.ok(&["member", "add", "Lisa", "--device", &id]);
    steward.ok(&["bundle", "export", "--with-photos", "--out", &path("photos.bundle")]);
    let imported = lisa.json(&["bundle", "import", &path("photos.bundle")]);
    assert_eq!(imported["photo_blobs_kept"], 2, "{imported}");
    let listed = lisa.json(&["item", "photo", "list", "Bandsåg"]);
    assert_eq!(listed["photos"][0]["here"], true);
    // A damaged photo in a bundle refuses the whole file: a byte inside the last blob (before
    // the end record, the checksum and the signature).
    let mut damaged = std::fs::read(file("photos.bundle")).unwrap();
    let inside = damaged.len() - 64 - 32 - 5 - 100;
    damaged[inside] ^= 0xFF;
    std::fs::write(file("damaged.bundle"), &damaged).unwrap();
    let err = Device { dir: file("erik") }.fails(&["bundle", "import", &path("damaged.bundle")]);
    assert!(!err.is_empty());

    // Removal.
    steward.ok(&["item", "photo", "remove", "Bandsåg", &hash[..8]]);
    let listed = steward.json(&["item", "photo", "list", "Bandsåg"]);
    assert_eq!(listed["photos"], serde_json::json!([]));
}
