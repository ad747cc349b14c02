#!/usr/bin/env bash
# Builds delbar-ffi, generates its Kotlin and Swift bindings, compiles the Kotlin test suite
# against the generated Kotlin (together with the Android library's plain-Kotlin wrapper in
# android/delbar/src/main/kotlin) and runs it on the JVM with the freshly built library.
#
# Needs Rust, Java 17 and node/npm. Installs what else it needs when missing (idempotent):
#   - JNA from Debian (`apt-get install -y libjna-java`, as root)
#   - the Kotlin compiler from npm (`npm pack kotlin-compiler@2.4.20`), unpacked under build/
# Every path is derived from this script's location; outputs go to <repo>/build (ignored).
set -euo pipefail

KOTLIN_VERSION="2.4.20"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
BUILD="$REPO/build"
TARGET="${CARGO_TARGET_DIR:-$REPO/target}"
KOTLIN_HOME="$BUILD/tools/kotlin-compiler-$KOTLIN_VERSION"
JNA_JAR="/usr/share/java/jna.jar"

log() { printf '== %s\n' "$*"; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
        echo "need root to run: $*" >&2
        return 1
    fi
}

install_jna() {
    [ -f "$JNA_JAR" ] && return 0
    log "installing JNA (libjna-java)"
    export DEBIAN_FRONTEND=noninteractive
    if ! as_root apt-get install -y libjna-java; then
        as_root apt-get update
        as_root apt-get install -y libjna-java
    fi
    [ -f "$JNA_JAR" ] || { echo "JNA not found at $JNA_JAR after install" >&2; exit 1; }
}

install_kotlin() {
    [ -x "$KOTLIN_HOME/bin/kotlinc" ] && return 0
    log "fetching kotlin-compiler@$KOTLIN_VERSION from npm"
    local tmp
    tmp="$(mktemp -d "$BUILD/tools/kotlin-XXXXXX")"
    (cd "$tmp" && npm pack --silent "kotlin-compiler@$KOTLIN_VERSION" >/dev/null)
    tar -xzf "$tmp"/kotlin-compiler-*.tgz -C "$tmp"
    chmod +x "$tmp"/package/bin/*
    rm -rf "$KOTLIN_HOME"
    mv "$tmp/package" "$KOTLIN_HOME"
    rm -rf "$tmp"
}

for tool in cargo java npm; do
    command -v "$tool" >/dev/null || { echo "missing $tool: install it first" >&2; exit 1; }
done
mkdir -p "$BUILD/tools"
install_jna
install_kotlin
COROUTINES_JAR="$KOTLIN_HOME/lib/kotlinx-coroutines-core-jvm.jar"
STDLIB_JAR="$KOTLIN_HOME/lib/kotlin-stdlib.jar"

log "cargo build -p delbar-ffi --lib --bin uniffi-bindgen"
cd "$REPO"
cargo build -p delbar-ffi --lib --bin uniffi-bindgen

LIB="$TARGET/debug/libdelbar_ffi.so"
BINDGEN="$TARGET/debug/uniffi-bindgen"

log "generating Kotlin bindings into build/kotlin-gen"
rm -rf "$BUILD/kotlin-gen" "$BUILD/swift-gen"
"$BINDGEN" generate --library "$LIB" --language kotlin --out-dir "$BUILD/kotlin-gen" --no-format
log "generating Swift bindings into build/swift-gen (compiled and tested by ios/test-on-linux.sh)"
"$BINDGEN" generate --library "$LIB" --language swift --out-dir "$BUILD/swift-gen" --no-format
ls "$BUILD/swift-gen"

# The Android library's plain-Kotlin wrapper (org.delbar: the notification Flow, coroutine
# helpers) is compiled into the same jar and tested by src/AndroidWrapperTest.kt. It must not
# use Android APIs, so that it runs on this JVM.
# The sample app's screen model (GearScreen.kt) is plain Kotlin too and is tested the same way.
WRAPPER_DIR="$REPO/android/delbar/src/main/kotlin"
SAMPLE_PLAIN="$REPO/android/sample/src/main/kotlin/org/delbar/sample/GearScreen.kt"
mapfile -t WRAPPER_SOURCES < <(find "$WRAPPER_DIR" -name '*.kt' | sort; echo "$SAMPLE_PLAIN")
[ "${#WRAPPER_SOURCES[@]}" -gt 0 ] || { echo "no Kotlin sources under $WRAPPER_DIR" >&2; exit 1; }
if grep -l '^import android\.' "${WRAPPER_SOURCES[@]}"; then
    echo "the files above import android.*: keep the wrapper plain Kotlin" >&2
    exit 1
fi

# The Kotlin snippets of README.md and android/README.md are compiled with the suite
# (src/ReadmeSnippets.kt): every line of their kotlin blocks (but a block using NearbyPipe,
# which needs Google Play services) must be found there, so the READMEs follow the API.
log "checking the READMEs' Kotlin snippets against src/ReadmeSnippets.kt"
bash "$REPO/tests/readme-snippets.sh" kotlin "NearbyPipe(" "$HERE/src/ReadmeSnippets.kt" "$REPO/README.md" "$REPO/android/README.md"

log "compiling the Kotlin test suite with the Android wrapper (${#WRAPPER_SOURCES[@]} files)"
OUT="$BUILD/kotlin-test/delbar-test.jar"
mkdir -p "$(dirname "$OUT")"
# uniffi writes one file per namespace: org/delbar/delbar_ffi.kt (the calls and their
# records) and org/delbar/core/delbar_core.kt (the core's own types those use).
mapfile -t GENERATED < <(find "$BUILD/kotlin-gen" -name '*.kt' | sort)
[ "${#GENERATED[@]}" -eq 2 ] || { echo "expected 2 generated Kotlin files, found: ${GENERATED[*]}" >&2; exit 1; }
"$KOTLIN_HOME/bin/kotlinc" -nowarn \
    "${GENERATED[@]}" "${WRAPPER_SOURCES[@]}" "$HERE"/src/*.kt \
    -cp "$JNA_JAR:$COROUTINES_JAR" -d "$OUT"

log "running the Kotlin test suite"
java -Djna.library.path="$TARGET/debug" \
    -cp "$OUT:$JNA_JAR:$COROUTINES_JAR:$STDLIB_JAR" \
    DelbarTestKt
