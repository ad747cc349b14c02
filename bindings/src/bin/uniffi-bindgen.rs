//! The workspace's `uniffi-bindgen`: generates the Kotlin and Swift bindings of `delbar_ffi`
//! from the built library (`generate --library target/debug/libdelbar_ffi.so ...`).

fn main() {
    uniffi::uniffi_bindgen_main()
}
