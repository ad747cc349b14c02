//! A bundle without its checksum and signature, signed again by the fuzz signer (a member's
//! device in the seeds' group) and imported into a fresh store: changed records reach the
//! import's own checks instead of stopping at the checksum. An import that succeeds must
//! leave a projection `check` finds clean.
#![no_main]

use delbar_fuzz as _;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(broken) = delbar_core::fuzzing::bundle_resigned(data) {
        panic!("{broken}");
    }
});
