//! Two handles on one store file (an app and the `delbar` command, or an app and its share
//! extension, on the same device) must not damage it: the second open is refused with a
//! typed error while the first handle is open, and the first keeps working.

use delbar_core::domain::ItemPatch;
use delbar_core::store::StoreError;
use delbar_core::{Error, Store};
use delbar_tests::{Fixture, assert_clean, open_store};

#[test]
fn a_second_handle_on_an_open_store_is_refused() {
    let mut fx = Fixture::new();
    let saw = fx.item("Såg", 1);
    let g = fx.group.clone();
    let before = fx.fingerprint();
    for _ in 0..2 {
        let second = Store::open_with_clock(&fx.path, std::sync::Arc::new(fx.clock.clone()));
        match second {
            Err(Error::Store(StoreError::InUse { path })) => assert!(path.contains("steward.db"), "{path}"),
            other => panic!("expected InUse, got {other:?}"),
        }
    }
    assert_eq!(fx.fingerprint(), before, "the refused open wrote nothing");
    // The first handle keeps working.
    fx.store.update_item(&g, &saw.id, &ItemPatch { name: Some("Ny såg".into()), ..ItemPatch::default() }).unwrap();
    fx.item("Stege", 1);
    assert_clean(&mut fx.store);
    // Once it is closed the file opens again, with everything in it.
    fx.reopen();
    assert_eq!(fx.store.item(&g, &saw.id).unwrap().name, "Ny såg");
    assert_clean(&mut fx.store);
    let path = fx.path.clone();
    drop(fx.store);
    let mut again = open_store(&path, &fx.clock);
    assert_clean(&mut again);
}
