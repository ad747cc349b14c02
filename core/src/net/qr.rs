//! QR codes of short texts (invite codes, peer addresses) for apps and terminals: SVG text,
//! PNG bytes, or Unicode half blocks. Error correction level M; a 4-module quiet zone.

use qrcode::{EcLevel, QrCode};

use crate::net::NetError;
use crate::sync::SyncError;

/// The largest PNG scale (pixels per module) accepted.
pub const MAX_PNG_SCALE: u32 = 64;
const QUIET_ZONE: usize = 4;

fn code(text: &str) -> Result<QrCode, SyncError> {
    QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).map_err(SyncError::malformed)
}

/// The QR version (1 to 40: size) that encodes `text`.
pub fn version(text: &str) -> Result<i16, SyncError> {
    Ok(match code(text)?.version() {
        qrcode::Version::Normal(v) | qrcode::Version::Micro(v) => v,
    })
}

/// The QR code as a standalone SVG document (black modules on white, 8 units per module).
pub fn svg(text: &str) -> Result<String, SyncError> {
    Ok(code(text)?
        .render::<qrcode::render::svg::Color<'_>>()
        .module_dimensions(8, 8)
        .quiet_zone(true)
        .dark_color(qrcode::render::svg::Color("#000000"))
        .light_color(qrcode::render::svg::Color("#ffffff"))
        .build())
}

/// The QR code drawn with Unicode half blocks (two modules per character), for a terminal.
pub fn text(text: &str) -> Result<String, SyncError> {
    Ok(code(text)?
        .render::<qrcode::render::unicode::Dense1x2>()
        .dark_color(qrcode::render::unicode::Dense1x2::Light)
        .light_color(qrcode::render::unicode::Dense1x2::Dark)
        .build())
}

/// The QR code as an 8-bit grayscale PNG, `scale` pixels per module (1 to
/// [`MAX_PNG_SCALE`]), with the quiet zone.
pub fn png(text: &str, scale: u32) -> crate::Result<Vec<u8>> {
    if !(1..=MAX_PNG_SCALE).contains(&scale) {
        return Err(NetError::InvalidQrScale { scale }.into());
    }
    let code = code(text)?;
    let modules = code.width();
    let colors = code.to_colors();
    let scale = scale as usize;
    let side_modules = modules + 2 * QUIET_ZONE;
    let side = side_modules * scale;
    let mut pixels = vec![0xffu8; side * side];
    for (i, color) in colors.iter().enumerate() {
        if *color != qrcode::Color::Dark {
            continue;
        }
        let (mx, my) = (i % modules + QUIET_ZONE, i / modules + QUIET_ZONE);
        for y in my * scale..(my + 1) * scale {
            let row = y * side;
            if let Some(run) = pixels.get_mut(row + mx * scale..row + (mx + 1) * scale) {
                run.fill(0);
            }
        }
    }
    let side32 = u32::try_from(side).map_err(SyncError::malformed)?;
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, side32, side32);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(SyncError::malformed)?;
        writer.write_image_data(&pixels).map_err(SyncError::malformed)?;
        writer.finish().map_err(SyncError::malformed)?;
    }
    Ok(out)
}
