//! Relays: off by default. A device on the same network as its peers needs none (direct
//! addresses, mDNS); when devices are apart and online, a relay carries the (end-to-end
//! encrypted) connection. A group can name its own relay (for example a self-hosted
//! `iroh-relay`), or the app can choose iroh's public relays.

use iroh::{RelayMode, RelayUrl};

use crate::Store;
use crate::error::Result;
use crate::net::NetError;

/// Which relays the sync service uses, as the app asks for it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum RelayChoice {
    /// No relay: only direct addresses (local network, loopback). The default.
    #[default]
    None,
    /// One named relay, such as a self-hosted `iroh-relay` (`https://relay.example.org`).
    Url(String),
    /// The relays the groups on this device name (their steward's setting); none if no group
    /// names one.
    Groups,
    /// iroh's default public relays (needs the internet).
    Public,
}

/// The relays a service runs with, resolved from a [`RelayChoice`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Relays {
    /// No relay.
    Disabled,
    /// These relays.
    Custom(Vec<RelayUrl>),
    /// iroh's default public relays.
    Public,
}

impl Relays {
    /// Resolves `choice`, reading the groups' relay settings from `store` for
    /// [`RelayChoice::Groups`]. A named URL must be a valid relay URL.
    pub fn resolve(choice: &RelayChoice, store: &Store) -> Result<Self> {
        Ok(match choice {
            RelayChoice::None => Relays::Disabled,
            RelayChoice::Public => Relays::Public,
            RelayChoice::Url(url) => Relays::Custom(vec![parse_relay_url(url)?]),
            RelayChoice::Groups => {
                let mut urls = Vec::new();
                for group in store.groups()? {
                    if let Some(url) = group.relay_url.as_deref() {
                        urls.push(parse_relay_url(url)?);
                    }
                }
                urls.sort();
                urls.dedup();
                if urls.is_empty() { Relays::Disabled } else { Relays::Custom(urls) }
            }
        })
    }

    /// The iroh relay mode for the endpoint builder.
    pub fn relay_mode(&self) -> RelayMode {
        match self {
            Relays::Disabled => RelayMode::Disabled,
            Relays::Custom(urls) => RelayMode::custom(urls.iter().cloned()),
            Relays::Public => RelayMode::Default,
        }
    }

    /// The URLs of the relays in use (empty when disabled), sorted.
    pub fn urls(&self) -> Vec<String> {
        let mut urls: Vec<String> =
            self.relay_mode().relay_map().urls::<Vec<RelayUrl>>().iter().map(|u| u.to_string()).collect();
        urls.sort();
        urls
    }
}

/// Parses a relay URL: an `http` or `https` URL with a host.
pub fn parse_relay_url(url: &str) -> Result<RelayUrl, NetError> {
    let invalid =
        |reason: &str| NetError::InvalidRelayUrl { url: crate::domain::input::echo(url), reason: reason.to_owned() };
    let parsed: RelayUrl = url.trim().parse().map_err(|e: iroh::RelayUrlParseError| invalid(&e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(invalid("no host"));
    }
    Ok(parsed)
}
