//! Received documents (or raw automerge bytes) merged into a fresh store.
#![no_main]

use delbar_fuzz as _;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(broken) = delbar_core::fuzzing::merge(data) {
        panic!("{broken}");
    }
});
