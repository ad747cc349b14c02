//! A peer key and a stream of sync frames, driving a first-contact session.
#![no_main]

use delbar_fuzz as _;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(broken) = delbar_core::fuzzing::frames(data) {
        panic!("{broken}");
    }
});
