//! Item photos: which images the core accepts, how it strips their metadata, and the
//! thumbnail it makes. Pure: bytes in, bytes out; the store keeps the results as blobs.
//!
//! A photo is decoded (the format is told from its content, never from a file name: JPEG,
//! PNG and WebP are accepted), turned upright by its EXIF orientation, shrunk to at most
//! [`MAX_PHOTO_SIDE`] pixels on its long side and encoded again as a JPEG of quality
//! [`PHOTO_JPEG_QUALITY`]. Re-encoding writes pixels only, so EXIF (GPS positions, camera
//! serial numbers), XMP and every other metadata segment of the original is gone. The
//! thumbnail is the same picture at most [`THUMBNAIL_SIDE`] pixels on its long side, as a
//! JPEG of quality [`THUMBNAIL_JPEG_QUALITY`].

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use serde::{Deserialize, Deserializer, Serialize};

use crate::domain::DomainError;

/// The largest photo file the core accepts, in bytes (12 MiB: a phone camera's JPEG is 2-8 MB).
pub const MAX_PHOTO_INPUT_BYTES: usize = 12 * 1024 * 1024;
/// The most pixels a photo may have (50 megapixels): a small file that would decode to a
/// huge picture (a decompression bomb) is refused before its pixels are decoded.
pub const MAX_PHOTO_PIXELS: u64 = 50_000_000;
/// The longest side of a stored photo, in pixels.
pub const MAX_PHOTO_SIDE: u32 = 2048;
/// The JPEG quality of a stored photo.
pub const PHOTO_JPEG_QUALITY: u8 = 85;
/// The longest side of a thumbnail, in pixels.
pub const THUMBNAIL_SIDE: u32 = 320;
/// The JPEG quality of a thumbnail.
pub const THUMBNAIL_JPEG_QUALITY: u8 = 75;
/// The most memory the decoder may allocate for one photo.
const MAX_DECODE_ALLOC: u64 = 512 * 1024 * 1024;

/// A photo an item references: the blake3 hash of the stored (re-encoded) photo, the hash
/// of its thumbnail, and what a list shows before the bytes are here.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemPhoto {
    /// blake3 hash (64 lowercase hex characters) of the stored JPEG.
    pub hash: String,
    /// blake3 hash of its thumbnail JPEG; empty for a reference written before thumbnails
    /// existed (a bare hash).
    pub thumbnail: String,
    /// Size of the stored JPEG, in bytes (0 when not known).
    pub bytes: u64,
    /// Size of the thumbnail, in bytes (0 when not known).
    pub thumbnail_bytes: u64,
    /// Width of the stored photo, in pixels (0 when not known).
    pub width: u32,
    /// Height of the stored photo, in pixels (0 when not known).
    pub height: u32,
}

impl<'de> Deserialize<'de> for ItemPhoto {
    /// Reads a photo reference; a bare hash (how items referenced photos before version
    /// 0.1's photo blobs) reads as a reference with nothing else known.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Full {
            hash: String,
            #[serde(default)]
            thumbnail: String,
            #[serde(default)]
            bytes: u64,
            #[serde(default)]
            thumbnail_bytes: u64,
            #[serde(default)]
            width: u32,
            #[serde(default)]
            height: u32,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Repr {
            Bare(String),
            Full(Full),
        }
        Ok(match Repr::deserialize(d)? {
            Repr::Bare(hash) => {
                ItemPhoto { hash, thumbnail: String::new(), bytes: 0, thumbnail_bytes: 0, width: 0, height: 0 }
            }
            Repr::Full(f) => ItemPhoto {
                hash: f.hash,
                thumbnail: f.thumbnail,
                bytes: f.bytes,
                thumbnail_bytes: f.thumbnail_bytes,
                width: f.width,
                height: f.height,
            },
        })
    }
}

/// A photo made ready to store: the re-encoded photo and its thumbnail.
#[derive(Debug, Clone)]
pub struct ProcessedPhoto {
    /// The stored photo (JPEG, no metadata).
    pub photo: Vec<u8>,
    /// Its thumbnail (JPEG, no metadata).
    pub thumbnail: Vec<u8>,
    /// Width of the stored photo, in pixels.
    pub width: u32,
    /// Height of the stored photo, in pixels.
    pub height: u32,
}

impl ProcessedPhoto {
    /// The reference an item keeps to this photo.
    pub fn reference(&self) -> ItemPhoto {
        ItemPhoto {
            hash: content_hash(&self.photo),
            thumbnail: content_hash(&self.thumbnail),
            bytes: self.photo.len() as u64,
            thumbnail_bytes: self.thumbnail.len() as u64,
            width: self.width,
            height: self.height,
        }
    }
}

/// The blake3 hash of `bytes`, as 64 lowercase hex characters.
pub fn content_hash(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

/// Checks that `given` is a content hash (64 hex characters) and returns it in lowercase.
pub fn parse_photo_hash(given: &str) -> Result<String, DomainError> {
    let p = given.trim().to_ascii_lowercase();
    if p.len() == 64 && p.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(p)
    } else {
        Err(DomainError::InvalidPhotoHash { given: crate::domain::input::echo(given.trim()) })
    }
}

/// The name of an image format the core does not accept, for the error.
fn format_name(format: ImageFormat) -> String {
    format.extensions_str().first().map_or_else(|| format!("{format:?}").to_lowercase(), |e| (*e).to_owned())
}

/// Decodes a photo, strips its metadata by re-encoding it, and makes its thumbnail.
///
/// Refuses (with nothing decoded past the check): files over [`MAX_PHOTO_INPUT_BYTES`],
/// anything that is not JPEG, PNG or WebP by its content, pictures over
/// [`MAX_PHOTO_PIXELS`], and files that do not decode (truncated, damaged).
pub fn process_photo(input: &[u8]) -> Result<ProcessedPhoto, DomainError> {
    if input.len() > MAX_PHOTO_INPUT_BYTES {
        return Err(DomainError::PhotoTooLarge { bytes: input.len() as u64, max: MAX_PHOTO_INPUT_BYTES as u64 });
    }
    let reader = ImageReader::new(Cursor::new(input))
        .with_guessed_format()
        .map_err(|e| DomainError::PhotoUnreadable { reason: e.to_string() })?;
    match reader.format() {
        // The JPEG decoder fills a cut-short scan with grey instead of failing: a JPEG must
        // end its last scan with an end-of-image marker.
        Some(ImageFormat::Jpeg) if !jpeg_is_complete(input) => {
            return Err(DomainError::PhotoUnreadable { reason: "the JPEG is cut short".to_owned() });
        }
        Some(ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP) => {}
        Some(other) => return Err(DomainError::PhotoFormatNotAccepted { format: format_name(other) }),
        None => return Err(DomainError::PhotoFormatNotAccepted { format: "unknown".to_owned() }),
    }
    let mut reader = reader;
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    reader.limits(limits);
    let unreadable = |e: image::ImageError| DomainError::PhotoUnreadable { reason: e.to_string() };
    let mut decoder = reader.into_decoder().map_err(unreadable)?;
    let (w, h) = decoder.dimensions();
    if u64::from(w) * u64::from(h) > MAX_PHOTO_PIXELS {
        return Err(DomainError::PhotoTooManyPixels { width: w, height: h, max_pixels: MAX_PHOTO_PIXELS });
    }
    // An orientation that cannot be read leaves the picture as it is.
    let orientation = decoder.orientation().ok();
    let mut image = DynamicImage::from_decoder(decoder).map_err(unreadable)?;
    if let Some(o) = orientation {
        image.apply_orientation(o);
    }
    if image.width() > MAX_PHOTO_SIDE || image.height() > MAX_PHOTO_SIDE {
        image = image.resize(MAX_PHOTO_SIDE, MAX_PHOTO_SIDE, image::imageops::FilterType::Triangle);
    }
    let thumbnail = if image.width() > THUMBNAIL_SIDE || image.height() > THUMBNAIL_SIDE {
        image.thumbnail(THUMBNAIL_SIDE, THUMBNAIL_SIDE)
    } else {
        image.clone()
    };
    Ok(ProcessedPhoto {
        width: image.width(),
        height: image.height(),
        photo: encode_jpeg(&image, PHOTO_JPEG_QUALITY)?,
        thumbnail: encode_jpeg(&thumbnail, THUMBNAIL_JPEG_QUALITY)?,
    })
}

/// Whether a JPEG has an end-of-image marker after its last start-of-scan (a thumbnail
/// inside its EXIF ends earlier, before the main picture's scans).
fn jpeg_is_complete(jpeg: &[u8]) -> bool {
    let last_scan = jpeg.windows(2).rposition(|w| w == [0xFF, 0xDA]);
    match last_scan {
        Some(at) => jpeg.get(at..).is_some_and(|rest| rest.windows(2).any(|w| w == [0xFF, 0xD9])),
        None => false,
    }
}

/// Encodes pixels as a baseline JPEG with no metadata segments.
fn encode_jpeg(image: &DynamicImage, quality: u8) -> Result<Vec<u8>, DomainError> {
    let rgb = image.to_rgb8();
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(&rgb)
        .map_err(|e| DomainError::PhotoUnreadable { reason: e.to_string() })?;
    Ok(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use exif::{Field, In, Rational, Tag, Value};
    use image::{ImageEncoder, Rgb, RgbImage};

    /// A real picture: a colour gradient, `w` x `h`.
    pub(crate) fn picture(w: u32, h: u32) -> RgbImage {
        RgbImage::from_fn(w, h, |x, y| Rgb([(x * 255 / w.max(1)) as u8, (y * 255 / h.max(1)) as u8, 128]))
    }

    /// A JPEG of `img` as a phone writes it: an APP1 Exif segment right after the start of
    /// image, with a GPS position (59.33 N, 18.06 E), a camera make and `orientation`.
    pub(crate) fn phone_jpeg(img: &RgbImage, orientation: u16) -> Vec<u8> {
        let mut plain = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut plain, 90).encode_image(img).unwrap();
        let dms = |d: u32, m: u32| {
            Value::Rational(vec![
                Rational { num: d, denom: 1 },
                Rational { num: m, denom: 1 },
                Rational { num: 0, denom: 1 },
            ])
        };
        let fields = [
            Field { tag: Tag::Make, ifd_num: In::PRIMARY, value: Value::Ascii(vec![b"PhoneCo".to_vec()]) },
            Field { tag: Tag::Orientation, ifd_num: In::PRIMARY, value: Value::Short(vec![orientation]) },
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
        let mut app1 = vec![0xFF, 0xE1];
        app1.extend_from_slice(&u16::try_from(2 + 6 + tiff.len()).unwrap().to_be_bytes());
        app1.extend_from_slice(b"Exif\0\0");
        app1.extend_from_slice(&tiff);
        let mut out = plain[..2].to_vec();
        out.extend_from_slice(&app1);
        out.extend_from_slice(&plain[2..]);
        out
    }

    /// The EXIF of a JPEG, if it has any.
    pub(crate) fn exif_of(jpeg: &[u8]) -> Option<exif::Exif> {
        exif::Reader::new().read_from_container(&mut std::io::Cursor::new(jpeg)).ok()
    }

    /// The markers of a JPEG's segments before its scan.
    fn markers(jpeg: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut i = 2;
        while i + 4 <= jpeg.len() && jpeg[i] == 0xFF {
            let marker = jpeg[i + 1];
            out.push(marker);
            if marker == 0xDA {
                break;
            }
            i += 2 + usize::from(u16::from_be_bytes([jpeg[i + 2], jpeg[i + 3]]));
        }
        out
    }

    #[test]
    fn gps_metadata_does_not_survive_and_orientation_is_applied() {
        let input = phone_jpeg(&picture(60, 40), 6);
        let exif = exif_of(&input).expect("the test photo carries EXIF");
        assert!(exif.get_field(Tag::GPSLatitude, In::PRIMARY).is_some());
        let p = process_photo(&input).unwrap();
        for stored in [&p.photo, &p.thumbnail] {
            assert!(exif_of(stored).is_none(), "EXIF survived");
            assert!(!markers(stored).iter().any(|m| (0xE1..=0xEF).contains(m)), "an APPn segment survived");
            assert!(!stored.windows(4).any(|w| w == b"Exif"), "Exif bytes survived");
            assert!(!stored.windows(7).any(|w| w == b"PhoneCo"), "the camera make survived");
        }
        // Orientation 6 turns the 60 x 40 picture upright: 40 wide, 60 high.
        assert_eq!((p.width, p.height), (40, 60));
        let decoded = image::load_from_memory(&p.photo).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (40, 60));
        let r = p.reference();
        assert_eq!(r.hash, content_hash(&p.photo));
        assert_eq!(r.thumbnail, content_hash(&p.thumbnail));
        assert_eq!(r.bytes, p.photo.len() as u64);
    }

    #[test]
    fn large_photos_are_shrunk_and_thumbnails_stay_small() {
        let mut png = Vec::new();
        image::codecs::png::PngEncoder::new(&mut png)
            .write_image(picture(3000, 1000).as_raw(), 3000, 1000, image::ExtendedColorType::Rgb8)
            .unwrap();
        let p = process_photo(&png).unwrap();
        assert_eq!((p.width, p.height), (MAX_PHOTO_SIDE, 683));
        let thumb = image::load_from_memory(&p.thumbnail).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (THUMBNAIL_SIDE, 107));
        assert!(p.thumbnail.len() < 40_000, "thumbnail of {} bytes", p.thumbnail.len());
        assert_eq!(image::guess_format(&p.photo).unwrap(), ImageFormat::Jpeg);
    }

    #[test]
    fn webp_is_accepted() {
        let mut webp = Vec::new();
        image::codecs::webp::WebPEncoder::new_lossless(&mut webp)
            .write_image(picture(50, 30).as_raw(), 50, 30, image::ExtendedColorType::Rgb8)
            .unwrap();
        let p = process_photo(&webp).unwrap();
        assert_eq!((p.width, p.height), (50, 30));
    }

    #[test]
    fn other_formats_damaged_files_and_oversized_files_are_refused() {
        let gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x00\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";
        assert_eq!(process_photo(gif).unwrap_err(), DomainError::PhotoFormatNotAccepted { format: "gif".into() });
        assert_eq!(
            process_photo(b"just some text, not a picture").unwrap_err(),
            DomainError::PhotoFormatNotAccepted { format: "unknown".into() }
        );
        let jpeg = phone_jpeg(&picture(64, 64), 1);
        let truncated = &jpeg[..jpeg.len() / 2];
        assert!(matches!(process_photo(truncated), Err(DomainError::PhotoUnreadable { .. })));
        let huge = vec![0u8; MAX_PHOTO_INPUT_BYTES + 1];
        assert_eq!(
            process_photo(&huge).unwrap_err(),
            DomainError::PhotoTooLarge { bytes: MAX_PHOTO_INPUT_BYTES as u64 + 1, max: MAX_PHOTO_INPUT_BYTES as u64 }
        );
    }

    #[test]
    fn a_decompression_bomb_is_refused_before_decoding() {
        // A small JPEG whose frame header claims 20000 x 20000 pixels (400 megapixels).
        let mut bomb = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bomb, 80).encode_image(&picture(16, 16)).unwrap();
        let sof = bomb.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        bomb[sof + 5..sof + 9].copy_from_slice(&[0x4E, 0x20, 0x4E, 0x20]);
        assert_eq!(
            process_photo(&bomb).unwrap_err(),
            DomainError::PhotoTooManyPixels { width: 20_000, height: 20_000, max_pixels: MAX_PHOTO_PIXELS }
        );
    }

    #[test]
    fn a_bare_hash_reads_as_a_reference() {
        let h = "ab".repeat(32);
        let p: ItemPhoto = serde_json::from_value(serde_json::json!(h)).unwrap();
        assert_eq!(p.hash, h);
        assert!(p.thumbnail.is_empty());
        let full = ItemPhoto { thumbnail: "cd".repeat(32), bytes: 5, ..p };
        let back: ItemPhoto = serde_json::from_value(serde_json::to_value(&full).unwrap()).unwrap();
        assert_eq!(back, full);
    }
}
