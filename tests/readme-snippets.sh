#!/usr/bin/env bash
# Checks that the code blocks of one language in some READMEs are all in a source file the
# test suite compiles, so that the READMEs cannot drift from the API unnoticed.
#
#   tests/readme-snippets.sh LANGUAGE SKIP SOURCE README...
#
# Every non-blank line of each ```LANGUAGE block of the READMEs must be a whole line of SOURCE;
# a block that contains the text SKIP (a call only a phone can compile) is left out. Prints
# each missing line and fails when there is one.
set -euo pipefail

[ "$#" -ge 4 ] || { echo "usage: $0 LANGUAGE SKIP SOURCE README..." >&2; exit 2; }
language="$1"
skip="$2"
source="$3"
shift 3

missing=0
while IFS= read -r line; do
    [ -n "${line//[[:space:]]/}" ] || continue
    if ! grep -qxF -- "$line" "$source"; then
        echo "README line not in $source: $line" >&2
        missing=1
    fi
done < <(awk -v fence="\`\`\`$language" -v skip="$skip" '
    $0 == fence { inside = 1; block = ""; next }
    /^```/ && inside { inside = 0; if (index(block, skip) == 0) printf "%s", block; next }
    inside { block = block $0 "\n" }
' "$@")
exit "$missing"
