//! An invite code: parsed, and read back from its own code.
#![no_main]

use delbar_fuzz as _;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(broken) = delbar_core::fuzzing::invite(data) {
        panic!("{broken}");
    }
});
