#!/bin/bash -eu
# Builds every fuzz target for ClusterFuzzLite / OSS-Fuzz and copies into $OUT, per target:
# the binary, <target>.options (max_len, rss/malloc limits), <target>.dict when there is one,
# and <target>_seed_corpus.zip (the committed seeds plus every regression input; the .txt
# descriptions of regressions stay out).
#
# Runs locally too (scripts/cflite-build-check): SRC and OUT are temporary folders there, and
# CARGO_TARGET_DIR points at scripts/fuzz's build so nothing is rebuilt.
cd "$SRC/rawcheck"
cargo fuzz build -O --debug-assertions

bins=${CARGO_TARGET_DIR:-$PWD/fuzz/target}/x86_64-unknown-linux-gnu/release

# Zips the files of the given folders, flat, into $1 (python3's zipfile when zip is missing).
zip_flat() {
    local archive=$1
    shift
    if command -v zip >/dev/null; then
        local files=()
        for dir in "$@"; do
            for f in "$dir"/*; do
                [ -f "$f" ] && [[ "$f" != *.txt ]] && files+=("$f")
            done
        done
        rm -f "$archive"
        [ ${#files[@]} -eq 0 ] || zip -q -j "$archive" "${files[@]}"
    else
        python3 - "$archive" "$@" <<'PY'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for d in sys.argv[2:]:
        for name in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            path = os.path.join(d, name)
            if os.path.isfile(path) and not name.startswith(".") and not name.endswith(".txt"):
                z.write(path, name)
PY
    fi
}

for src in fuzz/fuzz_targets/*.rs; do
    target=$(basename "$src" .rs)
    cp "$bins/$target" "$OUT/$target"
    cp "fuzz/options/$target.options" "$OUT/$target.options"
    if [ -f "fuzz/dict/$target.dict" ]; then
        cp "fuzz/dict/$target.dict" "$OUT/$target.dict"
    fi
    zip_flat "$OUT/${target}_seed_corpus.zip" "fuzz/corpus/$target" "fuzz/regressions/$target"
done
