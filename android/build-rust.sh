#!/usr/bin/env bash
# Builds the Delbar native library for Android and generates its Kotlin bindings:
#   delbar/src/main/jniLibs/<abi>/libdelbar_ffi.so   for arm64-v8a, armeabi-v7a, x86_64
#   delbar/src/generated/kotlin/org/delbar/delbar_ffi.kt        the calls and their records
#   delbar/src/generated/kotlin/org/delbar/core/delbar_core.kt  the core's own types they use
# Both are ignored by git; Gradle's :delbar module compiles and packages them.
#
# Needs rustup, cargo and the Android NDK (ANDROID_NDK_HOME, or ANDROID_HOME/ndk/<version>).
# Installs the Rust targets and cargo-ndk when missing.
#
# Usage: ./build-rust.sh [--debug] [abi ...]
#   ./build-rust.sh                    release build, all three ABIs
#   ./build-rust.sh arm64-v8a          one ABI (a phone), quicker
#   ./build-rust.sh --debug x86_64     a debug build for the emulator
set -euo pipefail
# (Written for the bash 3.2 that macOS ships as well as newer ones.)

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$REPO/target}"
JNI_LIBS="$HERE/delbar/src/main/jniLibs"
GENERATED="$HERE/delbar/src/generated/kotlin"
MIN_SDK=24

PROFILE=release
ABIS=()
for arg in "$@"; do
    case "$arg" in
        --debug) PROFILE=debug ;;
        arm64-v8a | armeabi-v7a | x86_64) ABIS+=("$arg") ;;
        -h | --help) sed -n '2,13p' "$0"; exit 0 ;;
        *) echo "unknown argument: $arg (ABIs: arm64-v8a armeabi-v7a x86_64)" >&2; exit 2 ;;
    esac
done
[ "${#ABIS[@]}" -gt 0 ] || ABIS=(arm64-v8a armeabi-v7a x86_64)

log() { printf '== %s\n' "$*"; }

rust_target() {
    case "$1" in
        arm64-v8a) echo aarch64-linux-android ;;
        armeabi-v7a) echo armv7-linux-androideabi ;;
        x86_64) echo x86_64-linux-android ;;
    esac
}

for tool in rustup cargo; do
    command -v "$tool" >/dev/null || { echo "missing $tool: install Rust with rustup first" >&2; exit 1; }
done

# The NDK: cargo-ndk reads ANDROID_NDK_HOME, else looks under ANDROID_HOME/ndk.
if [ -z "${ANDROID_NDK_HOME:-}" ]; then
    sdk="${ANDROID_HOME:-${ANDROID_SDK_ROOT:-}}"
    if [ -n "$sdk" ] && [ -d "$sdk/ndk" ]; then
        newest="$(find "$sdk/ndk" -mindepth 1 -maxdepth 1 -type d -exec basename {} \; | sort -V | tail -n 1)"
        [ -n "$newest" ] && export ANDROID_NDK_HOME="$sdk/ndk/$newest"
    fi
fi
if [ -z "${ANDROID_NDK_HOME:-}" ] || [ ! -d "$ANDROID_NDK_HOME" ]; then
    echo "no Android NDK found: install one with Android Studio's SDK Manager (SDK Tools > NDK (Side by side))" >&2
    echo "and set ANDROID_HOME (for example ~/Library/Android/sdk or ~/Android/Sdk) or ANDROID_NDK_HOME" >&2
    exit 1
fi
log "NDK: $ANDROID_NDK_HOME"

installed_targets="$(rustup target list --installed)"
for abi in "${ABIS[@]}"; do
    t="$(rust_target "$abi")"
    if ! grep -qx "$t" <<<"$installed_targets"; then
        log "rustup target add $t"
        rustup target add "$t"
    fi
done
if ! command -v cargo-ndk >/dev/null; then
    log "cargo install cargo-ndk"
    cargo install cargo-ndk
fi

cd "$REPO"
ndk_args=()
for abi in "${ABIS[@]}"; do ndk_args+=(-t "$abi"); done
release_flag=()
[ "$PROFILE" = release ] && release_flag=(--release)

log "cargo ndk ${ndk_args[*]} -P $MIN_SDK -o $JNI_LIBS build ${release_flag[*]-} -p delbar-ffi --lib"
mkdir -p "$JNI_LIBS"
cargo ndk "${ndk_args[@]}" -P "$MIN_SDK" -o "$JNI_LIBS" build ${release_flag[@]+"${release_flag[@]}"} -p delbar-ffi --lib

# The bindings come from the metadata inside the library; any one ABI's build has it all.
first="$(rust_target "${ABIS[0]}")"
LIB="$TARGET/$first/$PROFILE/libdelbar_ffi.so"
[ -f "$LIB" ] || { echo "built library not found at $LIB" >&2; exit 1; }

log "cargo build -p delbar-ffi --bin uniffi-bindgen (for this machine)"
cargo build -p delbar-ffi --bin uniffi-bindgen
BINDGEN="$TARGET/debug/uniffi-bindgen"

log "generating Kotlin bindings into ${GENERATED#"$HERE"/}"
rm -rf "$GENERATED"
"$BINDGEN" generate --library "$LIB" --language kotlin --out-dir "$GENERATED" --no-format

log "done"
find "$JNI_LIBS" -name 'libdelbar_ffi.so' | sort
find "$GENERATED" -name '*.kt'
