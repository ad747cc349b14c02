#!/usr/bin/env bash
# Runs `cargo deny check` (advisories, bans, licenses, sources) with the workspace's deny.toml.
# Installs cargo-deny 0.20.2 if it is missing.
#
# Advisories need the RustSec advisory database, a git repository that cargo-deny clones or
# fetches from GitHub. When that fetch fails (the project's machines reach only the package
# registries), the check uses the snapshot vendored beside this script,
# deny/advisory-db.tar.xz, and says so with the snapshot's date; deny.toml's
# `maximum-db-staleness` makes the check fail once the database it uses is too old, so an
# old snapshot cannot pass silently. Refreshing the snapshot: see RELIABILITY.md.
set -euo pipefail
cd "$(dirname "$0")/.."

# The vendored snapshot: commit and commit date of rustsec/advisory-db it was made from.
snapshot_commit=bf5c0d245a92671908518d7e765914d437954ed6
snapshot_date=2026-08-21T08:28:40+02:00
db_url=https://github.com/RustSec/advisory-db
# Where cargo-deny keeps that database: $CARGO_HOME/advisory-dbs/<last URL segment>-<XxHash64
# of the URL, seed 0xca80de71> (cargo-deny's url_to_db_path).
db_dir="${CARGO_HOME:-$HOME/.cargo}/advisory-dbs/advisory-db-3157b0e258782691"

if ! cargo deny --version 2>/dev/null | grep -q '^cargo-deny 0\.20\.'; then
    echo "== installing cargo-deny 0.20.2"
    cargo install cargo-deny --version 0.20.2 --locked
fi
cargo deny --version

if cargo deny fetch db >/dev/null 2>&1; then
    echo "== advisory database: fetched from $db_url"
else
    # Older than the snapshot, or missing: lay the snapshot down as the repository
    # cargo-deny expects, dated with the snapshot's commit date (cargo-deny reads the
    # database's age from the commit date and the repository's HEAD file).
    current=$(git -C "$db_dir" show -s --format=%ct HEAD 2>/dev/null || echo 0)
    if [ "$current" -lt "$(date -d "$snapshot_date" +%s)" ]; then
        rm -rf "$db_dir"
        mkdir -p "$db_dir"
        tar -xJf deny/advisory-db.tar.xz -C "$db_dir"
        git -C "$db_dir" init -q -b main
        git -C "$db_dir" remote add origin "$db_url"
        git -C "$db_dir" add -A
        GIT_AUTHOR_DATE=$snapshot_date GIT_COMMITTER_DATE=$snapshot_date \
            git -C "$db_dir" -c user.name=delbar -c user.email=delbar@localhost \
            commit -q -m "rustsec/advisory-db at $snapshot_commit"
        touch -d "$snapshot_date" "$db_dir/.git/HEAD"
    fi
    echo "== advisory database: $db_url cannot be fetched here; using the database of" \
        "$(git -C "$db_dir" show -s --format=%cI HEAD) ($(git -C "$db_dir" show -s --format=%s HEAD))"
fi

# --offline: the database is the one above; cargo metadata reads the packages already fetched.
cargo fetch --locked >/dev/null
cargo deny --offline --locked check
