//! Two handles on one store file (an app and the `delbar` command, or an app and its share
//! extension, on the same device) must not damage it: either the second open is refused
//! with a typed error, or writes through both handles end up in a store that loads and
//! agrees with itself.

use delbar_core::domain::ItemPatch;
use delbar_core::{Error, Store};
use delbar_tests::{Fixture, assert_clean, open_store};

#[test]
#[ignore = "core bug: two handles with stale document caches write different changes with the same automerge actor and seq; the document no longer loads (store/doc_log.rs DocCache::get never revalidates a cached document against documents.heads)"]
fn writes_through_two_handles_on_one_file_keep_it_loadable() {
    let mut fx = Fixture::new();
    let saw = fx.item("Såg", 1);
    let g = fx.group.clone();
    let second: Result<Store, Error> = Store::open_with_clock(&fx.path, std::sync::Arc::new(fx.clock.clone()));
    let Ok(mut other) = second else {
        // Refusing the second handle is a correct answer too.
        return;
    };
    other.update_item(&g, &saw.id, &ItemPatch { quantity: Some(3), ..ItemPatch::default() }).unwrap();
    fx.store.update_item(&g, &saw.id, &ItemPatch { name: Some("Ny såg".into()), ..ItemPatch::default() }).unwrap();
    drop(other);
    fx.reopen();
    let item = fx.store.item(&g, &saw.id).unwrap();
    assert_eq!((item.name.as_str(), item.quantity), ("Ny såg", 3));
    assert_clean(&mut fx.store);
    // A third write loads the documents from the file.
    fx.item("Stege", 1);
    let mut again = open_store(&fx.path, &fx.clock);
    assert_clean(&mut again);
}
