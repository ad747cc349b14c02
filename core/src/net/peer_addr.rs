//! A peer's address as text an app can pass around (a QR code, a share sheet, a config
//! file): `DELBARPEER1` followed by the uppercase base32 of the postcard encoding of an iroh
//! [`EndpointAddr`] (device id, direct addresses, relay). A bare device id (64 hex
//! characters) is accepted too: with mDNS on, it is all a peer on the same network needs.

use iroh::{EndpointAddr, PublicKey};

use crate::net::NetError;

/// First characters of a peer address.
pub const PEER_PREFIX: &str = "DELBARPEER1";

/// The address as text.
pub fn format_peer_addr(addr: &EndpointAddr) -> Result<String, NetError> {
    let bytes = postcard::to_stdvec(addr).map_err(|e| NetError::InvalidPeerAddress { reason: e.to_string() })?;
    Ok(format!("{PEER_PREFIX}{}", data_encoding::BASE32_NOPAD.encode(&bytes)))
}

/// Parses a peer address made by [`format_peer_addr`] (case and surrounding whitespace do not
/// matter), or a bare device id.
pub fn parse_peer_addr(text: &str) -> Result<EndpointAddr, NetError> {
    let invalid = |reason: &str| NetError::InvalidPeerAddress { reason: reason.to_owned() };
    let text = text.trim();
    if text.len() == 64 && text.chars().all(|c| c.is_ascii_hexdigit()) {
        let key: PublicKey = text.to_ascii_lowercase().parse().map_err(|_| invalid("not a device id"))?;
        return Ok(EndpointAddr::new(key));
    }
    let upper = text.to_ascii_uppercase();
    let body = upper.strip_prefix(PEER_PREFIX).ok_or_else(|| invalid("not a Delbar peer address"))?;
    let bytes = data_encoding::BASE32_NOPAD.decode(body.as_bytes()).map_err(|e| invalid(&e.to_string()))?;
    postcard::from_bytes(&bytes).map_err(|e| invalid(&e.to_string()))
}
