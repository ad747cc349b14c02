#!/usr/bin/env bash
# Compiles the Swift package's code on Linux and runs its XCTest suite there, against the
# Rust library built for this machine: the generated Delbar.swift and DelbarCore.swift, the
# hand-written sources of Sources/Delbar (all but NetworkPipe.swift, which needs Apple's
# Network framework) and every test of Tests/DelbarTests, with README.md's Swift snippet
# (Tests/DelbarTests/ReadmeSnippets.swift). It checks what no Mac is needed for: that the
# generated bindings, the hand-written Swift and the tests compile together and that the
# tests pass. Linking for iOS (Security, SystemConfiguration) and NetworkPipe are checked
# only by build-xcframework.sh and `swift test` on a Mac.
#
# The Swift toolchain: `swift` on PATH (swift.org's for Linux, 6.0 or newer, with Foundation
# and XCTest) if there is one. Otherwise, as root, Debian's package `swiftlang` (6.0.3) in a
# Debian trixie root made with debootstrap under build/swift-root (about 2.5 GB, made once
# and kept; `DELBAR_SWIFT_ROOT` names another place), where the suite runs with chroot.
#
# Steps:
#   1. cargo build -p delbar-ffi --lib --bin uniffi-bindgen; generate the Swift bindings
#   2. lay out a SwiftPM package in build/swift-linux: two system-library targets for the C
#      modules DelbarFFI and DelbarCoreFFI, the `Delbar` target, the `DelbarTests` target
#   3. swift test, with the library's directory on LD_LIBRARY_PATH
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$REPO/target}"
OUT="$REPO/build/swift-linux"
SWIFT_ROOT="${DELBAR_SWIFT_ROOT:-$REPO/build/swift-root}"

log() { printf '== %s\n' "$*"; }

log "cargo build -p delbar-ffi --lib --bin uniffi-bindgen"
(cd "$REPO" && cargo build -p delbar-ffi --lib --bin uniffi-bindgen)
LIB_DIR="$TARGET/debug"
GEN="$OUT/generated"
rm -rf "$OUT"
mkdir -p "$GEN"
log "uniffi-bindgen generate --language swift"
"$LIB_DIR/uniffi-bindgen" generate --library "$LIB_DIR/libdelbar_ffi.so" --language swift --out-dir "$GEN" --no-format

log "laying out the package in build/swift-linux"
for module in DelbarFFI DelbarCoreFFI; do
    mkdir -p "$OUT/Sources/$module"
    cp "$GEN/$module.h" "$OUT/Sources/$module/"
    # uniffi's module map names Darwin's modules in `use` lines, which Linux has not.
    grep -v '^[[:space:]]*use ' "$GEN/$module.modulemap" >"$OUT/Sources/$module/module.modulemap"
done
mkdir -p "$OUT/Sources/Delbar" "$OUT/Tests/DelbarTests"
cp "$GEN/Delbar.swift" "$GEN/DelbarCore.swift" "$OUT/Sources/Delbar/"
for source in "$HERE"/Sources/Delbar/*.swift; do
    [ "$(basename "$source")" = NetworkPipe.swift ] && continue
    cp "$source" "$OUT/Sources/Delbar/"
done
cp "$HERE"/Tests/DelbarTests/*.swift "$OUT/Tests/DelbarTests/"

log "checking the READMEs' Swift snippets against Tests/DelbarTests/ReadmeSnippets.swift"
bash "$REPO/tests/readme-snippets.sh" swift "NetworkPipe(" "$HERE/Tests/DelbarTests/ReadmeSnippets.swift" "$REPO/README.md" "$HERE/README.md"
cat >"$OUT/Package.swift" <<EOF
// swift-tools-version:5.9
// Made by ios/test-on-linux.sh: the Delbar package's code on Linux, linked to the Rust
// library in $LIB_DIR.
import PackageDescription

let package = Package(
    name: "DelbarLinux",
    targets: [
        .systemLibrary(name: "DelbarFFI", path: "Sources/DelbarFFI"),
        .systemLibrary(name: "DelbarCoreFFI", path: "Sources/DelbarCoreFFI"),
        .target(
            name: "Delbar",
            dependencies: ["DelbarFFI", "DelbarCoreFFI"],
            path: "Sources/Delbar",
            linkerSettings: [.linkedLibrary("delbar_ffi"), .unsafeFlags(["-L", "$LIB_DIR"])]
        ),
        .testTarget(name: "DelbarTests", dependencies: ["Delbar"], path: "Tests/DelbarTests"),
    ]
)
EOF

if command -v swift >/dev/null; then
    log "swift test ($(swift --version 2>&1 | head -1))"
    cd "$OUT"
    LD_LIBRARY_PATH="$LIB_DIR" swift test
    exit 0
fi

[ "$(id -u)" = 0 ] || { echo "no swift on PATH, and making a Debian root for Debian's swiftlang needs root" >&2; exit 1; }
if ! chroot "$SWIFT_ROOT" sh -c 'command -v swift' >/dev/null 2>&1; then
    if ! command -v debootstrap >/dev/null; then
        log "installing debootstrap"
        apt-get install -y debootstrap >/dev/null || (apt-get update >/dev/null && apt-get install -y debootstrap >/dev/null)
    fi
    log "debootstrap: a Debian trixie root in $SWIFT_ROOT"
    if grep -q " $SWIFT_ROOT/" /proc/mounts; then
        echo "something is still mounted under $SWIFT_ROOT: unmount it first" >&2
        exit 1
    fi
    rm -rf "$SWIFT_ROOT"
    debootstrap --variant=minbase trixie "$SWIFT_ROOT" http://deb.debian.org/debian >/dev/null
    cp /etc/resolv.conf "$SWIFT_ROOT/etc/resolv.conf"
    log "installing swiftlang in it"
    chroot "$SWIFT_ROOT" apt-get update -q >/dev/null
    chroot "$SWIFT_ROOT" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q swiftlang >/dev/null
fi

# The package directory (writable: SwiftPM builds in it) and the library's directory
# (read-only) are seen inside the root at the same paths; everything is unmounted on exit.
mounted=()
cleanup() {
    local i
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount "${mounted[$i]}" || umount -l "${mounted[$i]}" || true; done
}
trap cleanup EXIT
mount_in() {
    local dir="$SWIFT_ROOT$1"
    shift
    mkdir -p "$dir"
    mount "$@" "$dir"
    mounted+=("$dir")
}
mount_in /proc -t proc proc
mount_in "$OUT" --bind "$OUT"
mount_in "$LIB_DIR" --bind "$LIB_DIR"
mount -o remount,bind,ro "$SWIFT_ROOT$LIB_DIR"
log "swift test in $SWIFT_ROOT ($(chroot "$SWIFT_ROOT" swift --version 2>&1 | head -1))"
chroot "$SWIFT_ROOT" env LD_LIBRARY_PATH="$LIB_DIR" HOME=/root bash -c "cd '$OUT' && swift test"
