//! A device's dialable address as one line of text: the core's peer address format
//! (`DELBARPEER1` followed by uppercase base32, see `delbar_core::net::format_peer_addr`), the
//! same text the apps share. A bare device id (64 hex characters) is read as an address with
//! no direct addresses: dialling it needs mDNS on the local network.

use delbar_core::ids::DeviceId;
use delbar_core::net::{format_peer_addr, parse_peer_addr};
use iroh::EndpointAddr;

use crate::error::{CliError, CliResult};

/// `addr` as one line of text.
pub fn to_text(addr: &EndpointAddr) -> CliResult<String> {
    format_peer_addr(addr).map_err(|e| CliError::Io(format!("could not encode the device's address: {e}")))
}

/// Reads an address text (or a bare device id).
pub fn parse(text: &str) -> CliResult<EndpointAddr> {
    parse_peer_addr(text).map_err(|_| {
        CliError::input(
            "not a device address: it should start with DELBARPEER1 (see `delbar address`) or be a 64-character \
             device id; cut short or mistyped?",
        )
    })
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
        assert!(text.starts_with(delbar_core::net::PEER_PREFIX));
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
        for bad in ["", "hello", &text[..text.len() / 2], "DELBARPEER1!!"] {
            let e = parse(bad).unwrap_err().to_string();
            assert!(e.starts_with("not a device address"), "{bad}: {e}");
        }
    }
}
