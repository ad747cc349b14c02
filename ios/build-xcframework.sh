#!/usr/bin/env bash
# Builds DelbarFFI.xcframework (the Rust static library for iOS devices, the iOS simulator
# and, for `swift test` on the Mac itself, macOS) and generates the Swift bindings:
#   ios/DelbarFFI.xcframework            the static library + C header + module map
#   ios/Sources/Delbar/Delbar.swift      the generated Swift API (module `Delbar`)
#   ios/Sources/Delbar/DelbarCore.swift  the core's own types it uses (same module)
# Both are ignored by git. Run on macOS with Xcode and rustup installed.
#
# Usage: ./build-xcframework.sh [--debug] [--no-macos]
set -euo pipefail
# (Written for the bash 3.2 that macOS ships as well as newer ones.)

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$REPO/target}"
WORK="$TARGET/ios-xcframework"
XCFRAMEWORK="$HERE/DelbarFFI.xcframework"
SWIFT_OUT="$HERE/Sources/Delbar"
LIB_NAME="libdelbar_ffi.a"

PROFILE=release
MACOS=1
for arg in "$@"; do
    case "$arg" in
        --debug) PROFILE=debug ;;
        --no-macos) MACOS=0 ;;
        -h | --help) sed -n '2,8p' "$0"; exit 0 ;;
        *) echo "unknown argument: $arg" >&2; exit 2 ;;
    esac
done
release_flag=()
[ "$PROFILE" = release ] && release_flag=(--release)

log() { printf '== %s\n' "$*"; }

[ "$(uname -s)" = Darwin ] || { echo "run this on macOS (it needs Xcode's xcodebuild and lipo)" >&2; exit 1; }
for tool in rustup cargo xcodebuild lipo; do
    command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }
done

IOS_TARGETS=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios)
MAC_TARGETS=(aarch64-apple-darwin x86_64-apple-darwin)
TARGETS=("${IOS_TARGETS[@]}")
[ "$MACOS" = 1 ] && TARGETS+=("${MAC_TARGETS[@]}")

installed="$(rustup target list --installed)"
for t in "${TARGETS[@]}"; do
    grep -qx "$t" <<<"$installed" || { log "rustup target add $t"; rustup target add "$t"; }
done

cd "$REPO"
# The deployment targets match Package.swift's platforms.
export IPHONEOS_DEPLOYMENT_TARGET=15.0
export MACOSX_DEPLOYMENT_TARGET=12.0
for t in "${TARGETS[@]}"; do
    # The static library is not among the crate's default types (it would be linked on
    # every test build), so ask for it here.
    log "cargo rustc ${release_flag[*]-} -p delbar-ffi --lib --crate-type staticlib --target $t"
    cargo rustc ${release_flag[@]+"${release_flag[@]}"} -p delbar-ffi --lib --crate-type staticlib --target "$t"
done

rm -rf "$WORK"
mkdir -p "$WORK/ios-simulator" "$WORK/macos" "$WORK/headers"
lib() { echo "$TARGET/$1/$PROFILE/$LIB_NAME"; }

log "lipo: one simulator library for arm64 and x86_64"
lipo -create "$(lib aarch64-apple-ios-sim)" "$(lib x86_64-apple-ios)" -output "$WORK/ios-simulator/$LIB_NAME"
if [ "$MACOS" = 1 ]; then
    log "lipo: one macOS library for arm64 and x86_64"
    lipo -create "$(lib aarch64-apple-darwin)" "$(lib x86_64-apple-darwin)" -output "$WORK/macos/$LIB_NAME"
fi

# The bindings come from the metadata in the library. The generator runs on this Mac, so
# build it (and the host library it reads) for the host.
log "cargo build ${release_flag[*]-} -p delbar-ffi --lib --bin uniffi-bindgen (host)"
cargo build ${release_flag[@]+"${release_flag[@]}"} -p delbar-ffi --lib --bin uniffi-bindgen
HOST_LIB="$TARGET/$PROFILE/libdelbar_ffi.dylib"
BINDGEN="$TARGET/$PROFILE/uniffi-bindgen"

log "uniffi-bindgen generate --language swift"
GEN="$WORK/generated"
"$BINDGEN" generate --library "$HOST_LIB" --language swift --out-dir "$GEN" --no-format
mkdir -p "$SWIFT_OUT"
# Two generated files, both compiled into the Swift module `Delbar`: Delbar.swift (the
# calls, bindings/uniffi.toml) and DelbarCore.swift (the core's own types it uses: conditions,
# states, locations, loan rules, instants; core/uniffi.toml).
cp "$GEN/Delbar.swift" "$SWIFT_OUT/Delbar.swift"
cp "$GEN/DelbarCore.swift" "$SWIFT_OUT/DelbarCore.swift"
# The C side: both headers and one module map declaring both C modules (`DelbarFFI`,
# `DelbarCoreFFI`), which clang finds as `module.modulemap` in the XCFramework's Headers.
cp "$GEN/DelbarFFI.h" "$GEN/DelbarCoreFFI.h" "$WORK/headers/"
{ cat "$GEN/DelbarFFI.modulemap"; echo; cat "$GEN/DelbarCoreFFI.modulemap"; echo; } >"$WORK/headers/module.modulemap"

log "xcodebuild -create-xcframework"
rm -rf "$XCFRAMEWORK"
args=(
    -library "$(lib aarch64-apple-ios)" -headers "$WORK/headers"
    -library "$WORK/ios-simulator/$LIB_NAME" -headers "$WORK/headers"
)
[ "$MACOS" = 1 ] && args+=(-library "$WORK/macos/$LIB_NAME" -headers "$WORK/headers")
xcodebuild -create-xcframework "${args[@]}" -output "$XCFRAMEWORK"

log "done"
ls "$XCFRAMEWORK" "$SWIFT_OUT"
