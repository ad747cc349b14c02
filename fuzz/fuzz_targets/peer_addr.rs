//! A peer address: parsed, and read back from its own text.
#![no_main]

use delbar_fuzz as _;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(broken) = delbar_core::fuzzing::peer_addr(data) {
        panic!("{broken}");
    }
});
