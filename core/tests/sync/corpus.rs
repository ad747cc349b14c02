//! The fuzz targets' corpus (`fuzz/corpus/<target>/`) replayed as ordinary tests: every file
//! goes through the same `delbar_core::fuzzing` entry point its target calls, on stable and
//! without libFuzzer. Files named `regression-*` are inputs a fuzz run once found failing.
//!
//! The seed files are real bundles, frame streams, invites, peer addresses and documents this
//! code produces: `write_seed_corpus` (ignored) writes them again.

use std::net::SocketAddr;
use std::path::PathBuf;

use delbar_core::Store;
use delbar_core::domain::Role;
use delbar_core::fuzzing;
use delbar_core::ids::GroupId;
use delbar_core::net::frame::{Frame, PROTOCOL_VERSION, Refusal};
use delbar_core::net::{create_invite, format_peer_addr};
use delbar_core::sync::{KnownHeads, Message, Session, export_bundle};

use crate::fixtures::{Lab, add_member, book};

type Target = fn(&[u8]) -> Result<(), String>;

const TARGETS: [(&str, Target); 7] = [
    ("bundle", fuzzing::bundle),
    ("bundle_resigned", fuzzing::bundle_resigned),
    ("frames", fuzzing::frames),
    ("invite", fuzzing::invite),
    ("peer_addr", fuzzing::peer_addr),
    ("stored_document", fuzzing::stored_document),
    ("merge", fuzzing::merge),
];

fn corpus_dir(target: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus").join(target)
}

#[test]
fn every_corpus_file_goes_through_its_target_without_a_finding() {
    let mut total = 0;
    for (target, run) in TARGETS {
        let mut files: Vec<PathBuf> =
            std::fs::read_dir(corpus_dir(target)).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        assert!(!files.is_empty(), "no corpus for {target}");
        for file in files {
            let bytes = std::fs::read(&file).unwrap();
            if let Err(broken) = run(&bytes) {
                panic!("{target}: {} breaks a property: {broken}", file.display());
            }
            total += 1;
        }
    }
    assert!(total >= TARGETS.len());
}

/// One frame as it travels: length, then payload.
fn framed(frame: &Frame) -> Vec<u8> {
    let payload = frame.encode().unwrap();
    let mut out = (payload.len() as u32).to_be_bytes().to_vec();
    out.extend(payload);
    out
}

/// The messages `from` sends to a new device `to` (which does not know the group yet) in one
/// session, in order.
fn first_contact(from: &mut Store, to: &mut Store, g: &GroupId) -> Vec<Message> {
    let (mut sa, first_a) = Session::start(from, g, to.device_id()).unwrap();
    let (mut sb, first_b) = Session::start(to, g, from.device_id()).unwrap();
    let mut sent = vec![first_a.clone()];
    let (mut to_a, mut to_b) = (vec![first_b], vec![first_a]);
    while !to_a.is_empty() || !to_b.is_empty() {
        for m in std::mem::take(&mut to_b) {
            to_a.extend(sb.receive(to, m).unwrap());
        }
        for m in std::mem::take(&mut to_a) {
            let answer = sa.receive(from, m).unwrap();
            sent.extend(answer.iter().cloned());
            to_b.extend(answer);
        }
    }
    sent
}

#[test]
#[ignore = "writes the seed corpus under fuzz/corpus; run by hand after a format change"]
fn write_seed_corpus() {
    let mut lab = Lab::new();
    let (mut steward, g, item) = lab.steward();
    let mut phone = lab.device();
    add_member(&mut steward, &g, &phone, "Olle", Role::Member);
    for h in [24, 30, 50] {
        book(&lab, &mut steward, &g, &item, h);
    }
    let mut files: Vec<(&str, String, Vec<u8>)> = Vec::new();

    // Frames: what a hub sends a new member's phone at first contact, and the other frames.
    let key = steward.device_signing_key().verifying_key().to_bytes();
    let mut stream = key.to_vec();
    stream.extend(framed(&Frame::Hello { version: PROTOCOL_VERSION, group: g.to_string() }));
    for m in first_contact(&mut steward, &mut phone, &g) {
        stream.extend(framed(&Frame::Sync(m)));
    }
    files.push(("frames", "first-contact".into(), stream));
    let mut others = key.to_vec();
    for frame in [
        Frame::Refused(Refusal::NotAuthorized),
        Frame::Welcome,
        Frame::Redeem { group: g.to_string(), secret: [7; 32], name: "Stina".into(), label: "phone".into() },
    ] {
        others.extend(framed(&frame));
    }
    files.push(("frames", "other-frames".into(), others));

    // Bundles: everything, then what the phone lacks after more bookings, and the phone's own.
    files.push(("bundle", "full".into(), export_bundle(&steward, &g, None).unwrap()));
    let known = KnownHeads::of(&phone, &g).unwrap();
    book(&lab, &mut steward, &g, &item, 80);
    files.push(("bundle", "incremental".into(), export_bundle(&steward, &g, Some(&known)).unwrap()));
    book(&lab, &mut phone, &g, &item, 90);
    files.push(("bundle", "member".into(), export_bundle(&phone, &g, None).unwrap()));

    // Addresses: a device id alone, with direct addresses, with a relay.
    let id = iroh::PublicKey::from_bytes(&key).unwrap();
    let lan: SocketAddr = "192.168.1.20:41641".parse().unwrap();
    let v6: SocketAddr = "[fe80::1]:41641".parse().unwrap();
    let direct = iroh::EndpointAddr::new(id).with_ip_addr(lan).with_ip_addr(v6);
    let relayed = direct.clone().with_relay_url("https://relay.example.org./".parse().unwrap());
    files.push(("peer_addr", "device-id".into(), steward.device_id().to_string().into_bytes()));
    files.push(("peer_addr", "direct".into(), format_peer_addr(&direct).unwrap().into_bytes()));
    files.push(("peer_addr", "relayed".into(), format_peer_addr(&relayed).unwrap().into_bytes()));
    let expires = lab.at(24 * 7);
    for (name, addr, role) in [("member", &direct, Role::Member), ("steward", &relayed, Role::Steward)] {
        let invite = create_invite(&steward, &g, addr.clone(), role, expires, 3).unwrap();
        files.push(("invite", name.into(), invite.to_code().unwrap().into_bytes()));
    }

    // Documents: each stored document, and the documents a merge receives.
    let exports = steward.export_group(&g).unwrap();
    for d in &exports {
        let mut bytes = format!("{g}\n{}\n", d.key).into_bytes();
        bytes.extend(&d.data);
        files.push(("stored_document", d.key.replace('/', "-"), bytes.clone()));
        if d.key == "catalogue" {
            files.push(("merge", "raw-catalogue".into(), bytes));
        }
    }
    let encoded = postcard::to_stdvec(&(g.to_string(), exports)).unwrap();
    files.push(("merge", "group".into(), encoded));

    for (target, name, bytes) in files {
        let dir = corpus_dir(target);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("seed-{name}")), bytes).unwrap();
    }
}

/// A bundle as the `bundle_resigned` target takes it: without its checksum and signature.
fn unsigned(bundle: &[u8]) -> Vec<u8> {
    bundle[..bundle.len() - 96].to_vec()
}

#[test]
fn the_resigned_seed_bundles_import_whole() {
    // The target is only as deep as its seeds: each must verify once signed again and be
    // imported whole by a fresh device (here one that already holds the full seed, for the
    // incremental one).
    let mut lab = Lab::new();
    let mut device = lab.device();
    for name in ["seed-full", "seed-incremental"] {
        let data = std::fs::read(corpus_dir("bundle_resigned").join(name)).unwrap();
        let bundle = fuzzing::resign_bundle(&data).unwrap();
        let info = delbar_core::sync::read_bundle(&bundle).unwrap();
        assert_eq!(info.device, fuzzing::fuzz_signer_device());
        let imported =
            delbar_core::sync::import_bundle_from(&mut device, &info.group, std::io::Cursor::new(&bundle)).unwrap();
        assert_eq!(imported.photos_kept, if name == "seed-full" { 2 } else { 0 }, "{name}");
        assert!(device.check(Some(&info.group)).unwrap().is_clean());
        assert!(fuzzing::bundle_resigned(&data).is_ok());
    }
    let g = device.groups().unwrap().into_iter().next().unwrap().id;
    assert_eq!(crate::fixtures::bookings(&device, &g).len(), 4, "the three bookings and the incremental one");
    // A changed byte inside a record now reaches the import's own checks.
    let mut data = std::fs::read(corpus_dir("bundle_resigned").join("seed-full")).unwrap();
    let middle = data.len() / 2;
    data[middle] ^= 0x40;
    let bundle = fuzzing::resign_bundle(&data).unwrap();
    let info = delbar_core::sync::read_bundle(&bundle).unwrap();
    let e = delbar_core::sync::import_bundle(&mut lab.device(), &info.group, &bundle).unwrap_err();
    assert!(!matches!(e, delbar_core::Error::Sync(delbar_core::sync::SyncError::Corrupted)), "{e:?}");
}

#[test]
#[ignore = "writes the seed corpus of bundle_resigned under fuzz/corpus; run by hand after a format change"]
fn write_resigned_bundle_seeds() {
    let mut lab = Lab::new();
    let (mut steward, g, item) = lab.steward();
    // The fuzz signer is a member's device, so the import accepts it as the exporter.
    steward.add_member(&g, "Fuzz", Role::Member, Some((fuzzing::fuzz_signer_device(), "phone"))).unwrap();
    for h in [24, 30, 50] {
        book(&lab, &mut steward, &g, &item, h);
    }
    let picture = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([(x * 4) as u8, (y * 5) as u8, 90]));
    let mut png = Vec::new();
    picture.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
    steward.add_item_photo(&g, &item, &png).unwrap();
    let mut full = Vec::new();
    delbar_core::sync::write_bundle_with(&steward, &g, None, true, &mut full).unwrap();
    let mut phone = lab.device();
    delbar_core::sync::import_bundle(&mut phone, &g, &full).unwrap();
    let known = KnownHeads::of(&phone, &g).unwrap();
    book(&lab, &mut steward, &g, &item, 80);
    let incremental = export_bundle(&steward, &g, Some(&known)).unwrap();
    let dir = corpus_dir("bundle_resigned");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("seed-full"), unsigned(&full)).unwrap();
    std::fs::write(dir.join("seed-incremental"), unsigned(&incremental)).unwrap();
}
