//! A device's dialable address as one line of text.
//!
//! The text is `DELBARADDR1` followed by the uppercase base32 (no padding) of the postcard
//! encoding of the iroh [`EndpointAddr`] (device id plus its direct addresses). Uppercase
//! base32 keeps it safe in shells, files and QR codes; parsing ignores case and surrounding
//! whitespace. A bare device id (64 hex characters) is read as an address with no direct
//! addresses: dialling it needs mDNS on the local network.

use delbar_core::ids::DeviceId;
use iroh::{EndpointAddr, PublicKey};

use crate::error::{CliError, CliResult};

/// First characters of an address text.
pub const ADDRESS_PREFIX: &str = "DELBARADDR1";

/// `addr` as one line of text.
pub fn to_text(addr: &EndpointAddr) -> CliResult<String> {
    let bytes =
        postcard::to_stdvec(addr).map_err(|e| CliError::Io(format!("could not encode the device's address: {e}")))?;
    Ok(format!("{ADDRESS_PREFIX}{}", data_encoding::BASE32_NOPAD.encode(&bytes)))
}

/// Reads an address text (or a bare device id).
pub fn parse(text: &str) -> CliResult<EndpointAddr> {
    let text = text.trim();
    if let Ok(device) = DeviceId::parse_key(text)
        && let Some(key) = device.public_key()
    {
        let id = PublicKey::from_bytes(&key).map_err(|_| not_an_address("the device id is not a valid key"))?;
        return Ok(EndpointAddr::new(id));
    }
    let upper = text.to_ascii_uppercase();
    let body = upper.strip_prefix(ADDRESS_PREFIX).ok_or_else(|| {
        not_an_address("it should start with DELBARADDR1 (see `delbar address`) or be a 64-character device id")
    })?;
    let bytes = data_encoding::BASE32_NOPAD
        .decode(body.as_bytes())
        .map_err(|_| not_an_address("it is not base32 after its prefix (cut short or mistyped?)"))?;
    postcard::from_bytes(&bytes).map_err(|_| not_an_address("its contents do not decode (cut short or mistyped?)"))
}

fn not_an_address(why: &str) -> CliError {
    CliError::input(format!("not a device address: {why}"))
}

/// The device id of an address.
pub fn device_of(addr: &EndpointAddr) -> DeviceId {
    DeviceId::from_public_key(addr.id.as_bytes())
}

/// The direct (IP) addresses of an address, as text.
pub fn ip_addrs(addr: &EndpointAddr) -> Vec<String> {
    addr.ip_addrs().map(ToString::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::SocketAddr;

    fn sample() -> EndpointAddr {
        let id = iroh::SecretKey::generate().public();
        let v4: SocketAddr = "192.168.1.20:41234".parse().unwrap();
        let v6: SocketAddr = "[fe80::1]:41234".parse().unwrap();
        EndpointAddr::new(id).with_ip_addr(v4).with_ip_addr(v6)
    }

    #[test]
    fn an_address_round_trips_through_its_text() {
        let addr = sample();
        let text = to_text(&addr).unwrap();
        assert!(text.starts_with(ADDRESS_PREFIX));
        assert!(text.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()), "{text}");
        assert_eq!(parse(&text).unwrap(), addr);
        assert_eq!(parse(&format!("  {}\n", text.to_lowercase())).unwrap(), addr);
    }

    #[test]
    fn a_device_id_alone_is_an_address_without_direct_addresses() {
        let addr = sample();
        let id = device_of(&addr);
        let parsed = parse(id.as_str()).unwrap();
        assert_eq!(parsed.id, addr.id);
        assert!(parsed.is_empty());
    }

    #[test]
    fn damaged_text_is_refused_readably() {
        let text = to_text(&sample()).unwrap();
        for bad in ["", "hello", &text[..text.len() / 2], &format!("{ADDRESS_PREFIX}!!")] {
            let e = parse(bad).unwrap_err().to_string();
            assert!(e.starts_with("not a device address"), "{bad}: {e}");
        }
    }
}
