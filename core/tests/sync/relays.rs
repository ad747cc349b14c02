//! Relays: off by default, a named one, the groups' own, or the public ones. Only how the
//! endpoint is configured is tested: no test reaches the internet.

use std::sync::{Arc, Mutex};

use delbar_core::Error;
use delbar_core::domain::{DomainError, Role};
use delbar_core::net::{NetError, RelayChoice, Relays, SyncConfig, SyncService, format_peer_addr, parse_peer_addr};

use crate::fixtures::{Lab, add_member, assert_converged};
use crate::net::{serve, store, sync};

#[test]
fn relays_are_off_unless_asked_for() {
    let mut lab = Lab::new();
    let (s, _, _) = lab.steward();
    assert_eq!(Relays::resolve(&RelayChoice::default(), &s).unwrap(), Relays::Disabled);
    assert_eq!(Relays::resolve(&RelayChoice::Groups, &s).unwrap(), Relays::Disabled);
    let service = serve(s);
    assert!(service.status().relays.is_empty());
    assert_eq!(service.relays(), &Relays::Disabled);
}

#[test]
fn a_named_relay_and_the_public_relays_are_configured_as_asked() {
    let mut lab = Lab::new();
    let (s, _, _) = lab.steward();
    let named = Relays::resolve(&RelayChoice::Url("https://relay.folkverkstan.se".into()), &s).unwrap();
    assert_eq!(named.urls(), vec!["https://relay.folkverkstan.se/".to_owned()]);
    assert!(matches!(named.relay_mode(), iroh::RelayMode::Custom(_)));
    let public = Relays::resolve(&RelayChoice::Public, &s).unwrap();
    assert_eq!(public.relay_mode(), iroh::RelayMode::Default);
    assert!(!public.urls().is_empty());
    for bad in ["ftp://relay.example.org", "not a url", ""] {
        let err = Relays::resolve(&RelayChoice::Url(bad.into()), &s).unwrap_err();
        assert!(matches!(err, Error::Net(NetError::InvalidRelayUrl { .. })), "{bad}: {err:?}");
    }
}

#[test]
fn a_group_names_its_relay_and_a_service_started_with_it_still_syncs_directly() {
    let mut lab = Lab::new();
    let (mut s, g, _) = lab.steward();
    let phone = lab.device();
    add_member(&mut s, &g, &phone, "Olle", Role::Member);
    // A relay on loopback where nothing listens: the endpoint is configured with it but
    // the devices reach each other directly.
    let relay = "http://127.0.0.1:9";
    let group = s.update_group_sync(&g, Some(Some(relay)), None).unwrap();
    assert_eq!(group.relay_url.as_deref(), Some("http://127.0.0.1:9/"));
    let err = s.update_group_sync(&g, Some(Some("gopher://x")), None).unwrap_err();
    assert!(matches!(err, Error::Net(NetError::InvalidRelayUrl { .. })));
    assert_eq!(s.group(&g).unwrap().relay_url.as_deref(), Some("http://127.0.0.1:9/"));

    let config = SyncConfig { relay: RelayChoice::Groups, ..SyncConfig::default() };
    let steward = SyncService::start(Arc::new(Mutex::new(s)), config).unwrap();
    assert_eq!(steward.status().relays, vec!["http://127.0.0.1:9/".to_owned()]);
    let phone = serve(phone);
    sync(&phone, &steward, &g);
    assert_eq!(store(&phone).group(&g).unwrap().relay_url.as_deref(), Some("http://127.0.0.1:9/"));
    assert_converged(&mut store(&steward), &mut store(&phone), &g);

    // Only stewards set it; clearing it goes back to no relay.
    let err = store(&phone).update_group_sync(&g, Some(None), None).unwrap_err();
    assert!(matches!(err, Error::Domain(DomainError::NotPermitted { .. })));
    store(&steward).update_group_sync(&g, Some(None), None).unwrap();
    assert_eq!(Relays::resolve(&RelayChoice::Groups, &store(&steward)).unwrap(), Relays::Disabled);
}

#[test]
fn a_peer_address_survives_text_and_a_device_id_is_one_too() {
    let mut lab = Lab::new();
    let service = serve(lab.device());
    let addr = service.addr().unwrap();
    let text = format_peer_addr(&addr).unwrap();
    assert!(text.starts_with("DELBARPEER1"));
    assert_eq!(parse_peer_addr(&text.to_lowercase()).unwrap(), addr);
    let by_id = parse_peer_addr(service.device_id().as_str()).unwrap();
    assert_eq!(by_id.id, addr.id);
    for bad in ["", "DELBARPEER1!!", "DELBAR1AAAA", "abc"] {
        assert!(matches!(parse_peer_addr(bad), Err(NetError::InvalidPeerAddress { .. })), "{bad}");
    }
}
