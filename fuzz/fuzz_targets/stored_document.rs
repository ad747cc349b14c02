//! A stored document: loaded and projected as the store does.
#![no_main]

use delbar_fuzz as _;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(broken) = delbar_core::fuzzing::stored_document(data) {
        panic!("{broken}");
    }
});
