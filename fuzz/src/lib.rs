//! What every fuzz target shares: a global allocator that refuses to hold more than
//! [`HEAP_LIMIT`] bytes at once. An input that makes the code ask for more (a length read
//! from the input and trusted, say) then fails the allocation, the process aborts, and
//! libFuzzer reports it as a crash with the input. Without a sanitizer libFuzzer sees no
//! single allocation (`-malloc_limit_mb` needs one), and an allocation never touched does
//! not show in the resident set that `-rss_limit_mb` watches; this limit sees both.
//!
//! A target links it with `use delbar_fuzz as _;`.

use std::alloc::System;

use cap::Cap;

/// The most heap the code under test may hold at once: 256 MiB, far above what any input
/// of a few kilobytes needs (a fresh in-memory store and a few documents take a few MiB).
pub const HEAP_LIMIT: usize = 256 * 1024 * 1024;

#[global_allocator]
static ALLOCATOR: Cap<System> = Cap::new(System, HEAP_LIMIT);
