//! A bundle file: read, verified, imported into a fresh store when it verifies.
#![no_main]

use delbar_fuzz as _;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(broken) = delbar_core::fuzzing::bundle(data) {
        panic!("{broken}");
    }
});
