#!/usr/bin/env bash
# Generates the bundled sample corpus at data/sample-corpus/ (relative to the
# repository root) from scratch: a small multi-speaker English speech corpus
# synthesized with festival and espeak-ng, in Libri-light / LibriSpeech layout,
# with transcripts, festival phone alignments and a fairseq manifest.
#
# Usage:   scripts/make-sample-corpus.sh [OUTPUT_DIR]
#          (default OUTPUT_DIR: <repo>/data/sample-corpus; it is deleted and
#          regenerated on every run)
# Needs (Debian packages): festival festvox-kallpc16k festvox-kdlpc16k
#          festvox-us-slt-hts espeak-ng sox flac
# Inputs:  scripts/sample-corpus/{speakers.tsv,harvard-sentences.tsv,synth.scm}
#
# The output is deterministic for a given set of tool versions (no dither,
# no timestamps, no random numbers).
set -euo pipefail

export LC_ALL=C

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
SRC="$SCRIPT_DIR/sample-corpus"
OUT="${1:-$ROOT/data/sample-corpus}"
MANIFEST_ROOT="data/sample-corpus"   # first line of manifest.tsv (fairseq style)
RATE=16000
SPEAKING_RATE_ESPEAK=160            # words per minute for espeak-ng
MIN_UTT_S=1.5
MAX_UTT_S=8.0
MIN_TOTAL_S=300                     # 5 minutes
MAX_TOTAL_S=480                     # 8 minutes
MAX_SIZE_KB=8192                    # ~8 MB on disk
ALIGN_TOL_S=0.010
SENTENCE_GROUPS="1 2 1 2 2"         # sentences per utterance, per Harvard list

die() { echo "make-sample-corpus: ERROR: $*" >&2; exit 1; }
log() { echo "make-sample-corpus: $*" >&2; }

# ---------------------------------------------------------------- tools
need() { # need <command> <debian package>
  command -v "$1" >/dev/null 2>&1 \
    || die "'$1' not found. Install it with: sudo apt-get install -y $2"
}
need festival festival
need espeak-ng espeak-ng
need sox sox
need soxi sox
need flac flac
need metaflac flac
need awk mawk
need du coreutils

for f in speakers.tsv harvard-sentences.tsv synth.scm; do
  [[ -f "$SRC/$f" ]] || die "missing input file $SRC/$f"
done

TMP="$(mktemp -d "${TMPDIR:-/tmp}/sample-corpus.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/raw" "$TMP/wav"

# festival voices: every festival speaker's voice must be installed
echo '(print (voice.list))' > "$TMP/voices.scm"
FEST_VOICES="$(festival -b "$TMP/voices.scm" 2>/dev/null || true)"
while IFS=$'\t' read -r spk engine voice lists pkg; do
  [[ -z "$spk" || "$spk" == \#* ]] && continue
  [[ "$spk" == *-* ]] && die "speaker name '$spk' must not contain '-'"
  case "$engine" in
    festival)
      grep -qw -- "$voice" <<<"$FEST_VOICES" \
        || die "festival voice '$voice' (speaker $spk) is not installed." \
               "Install it with: sudo apt-get install -y $pkg" ;;
    espeak)
      espeak-ng -v "$voice" -q "test" 2>/dev/null \
        || die "espeak-ng voice '$voice' (speaker $spk) not available." \
               "Install it with: sudo apt-get install -y $pkg" ;;
    *) die "unknown engine '$engine' for speaker $spk in speakers.tsv" ;;
  esac
done < "$SRC/speakers.tsv"

# ---------------------------------------------------------------- plan
# plan.tsv: utt_id speaker engine voice book relpath text
# Each Harvard list NN becomes book "harvardNN"; its first sentences are
# grouped into utterances of SENTENCE_GROUPS consecutive sentences
# (1 -> 0001, 2+3 -> 0002, 4 -> 0003, 5+6 -> 0004, 7+8 -> 0005).
awk -F'\t' -v OFS='\t' -v groups="$SENTENCE_GROUPS" '
  BEGIN { ngroups = split(groups, group, " ") }
  FNR == 1 { file++ }
  /^#/ || NF == 0 { next }
  file == 1 { sent[$1, $2 + 0] = $3; nsent[$1] = ($2 + 0 > nsent[$1]) ? $2 + 0 : nsent[$1]; next }
  file == 2 {
    n = split($4, lists, ",")
    for (i = 1; i <= n; i++) {
      l = lists[i]
      if (!(l in nsent)) { print "unknown harvard list " l > "/dev/stderr"; exit 1 }
      book = "harvard" l
      first = 1
      for (k = 1; k <= ngroups; k++) {
        text = ""
        for (j = 0; j < group[k]; j++) {
          if (!((l, first + j) in sent)) { print "harvard list " l " is too short" > "/dev/stderr"; exit 1 }
          text = text (j ? " " : "") sent[l, first + j]
        }
        first += group[k]
        id = sprintf("%s-%s-%04d", $1, book, k)
        print id, $1, $2, $3, book, $1 "/" book "/" id ".flac", text
      }
    }
  }' "$SRC/harvard-sentences.tsv" "$SRC/speakers.tsv" > "$TMP/plan.tsv"

[[ -s "$TMP/plan.tsv" ]] || die "empty utterance plan"
dups="$(cut -f1 "$TMP/plan.tsv" | sort | uniq -d)"
[[ -z "$dups" ]] || die "duplicate utterance ids: $dups"
log "planned $(wc -l < "$TMP/plan.tsv") utterances"

# ---------------------------------------------------------------- synthesis
# festival: one batch run for all festival utterances
{
  printf '(load "%s")\n' "$SRC/synth.scm"
  awk -F'\t' -v raw="$TMP/raw" '
    $3 == "festival" {
      t = $7; gsub(/\\/, "\\\\", t); gsub(/"/, "\\\"", t)
      printf "(sample-corpus-synth voice_%s \"%s\" \"%s/%s.wav\" \"%s/%s.seg\")\n", $4, t, raw, $1, raw, $1
    }' "$TMP/plan.tsv"
} > "$TMP/batch.scm"
if grep -q sample-corpus-synth "$TMP/batch.scm"; then
  log "running festival ($(grep -c sample-corpus-synth "$TMP/batch.scm") utterances)"
  festival -b "$TMP/batch.scm" > "$TMP/festival.log" 2>&1 \
    || { cat "$TMP/festival.log" >&2; die "festival failed"; }
fi

# espeak-ng
while IFS=$'\t' read -r id spk engine voice book rel text; do
  [[ "$engine" == espeak ]] || continue
  espeak-ng -v "$voice" -s "$SPEAKING_RATE_ESPEAK" -w "$TMP/raw/$id.wav" -- "$text" \
    || die "espeak-ng failed for $id"
done < "$TMP/plan.tsv"
log "synthesis done"

# ---------------------------------------------------------------- post-processing
# -> 16 kHz / 16 bit / mono, peak-normalized to -3 dBFS, no dither.
# Festival utterances are trimmed (or padded with silence) to exactly
# round(last_segment_end * 16000) samples so that audio and alignment agree
# (the diphone voices emit ~20-30 ms of residual tail after the final pause).
rm -rf "$OUT"
mkdir -p "$OUT"
while IFS=$'\t' read -r id spk engine voice book rel text; do
  raw="$TMP/raw/$id.wav"
  [[ -s "$raw" ]] || die "no audio synthesized for $id (see festival/espeak output)"
  sox -D "$raw" -e floating-point -b 32 -c 1 "$TMP/wav/$id.16k.wav" gain -6 rate -v "$RATE"
  fx=()
  if [[ "$engine" == festival ]]; then
    seg="$TMP/raw/$id.seg"
    [[ -s "$seg" ]] || die "no segmentation written for $id"
    want="$(awk -F'\t' -v r="$RATE" 'END { printf "%d", $2 * r + 0.5 }' "$seg")"
    have="$(soxi -s "$TMP/wav/$id.16k.wav")"
    if (( have > want )); then fx=(trim 0 "${want}s")
    elif (( have < want )); then fx=(pad 0 "$((want - have))s"); fi
  fi
  sox -D "$TMP/wav/$id.16k.wav" -b 16 -e signed-integer -c 1 -r "$RATE" \
      "$TMP/wav/$id.wav" "${fx[@]}" norm -3
  mkdir -p "$OUT/$(dirname "$rel")"
  flac --best --no-padding --silent -f -o "$OUT/$rel" "$TMP/wav/$id.wav"
done < "$TMP/plan.tsv"

# ---------------------------------------------------------------- metadata
{
  printf 'utt_id\tspeaker\ttext\n'
  awk -F'\t' -v OFS='\t' '{ print $1, $2, $7 }' "$TMP/plan.tsv" | sort
} > "$OUT/transcripts.tsv"

{
  printf 'utt_id\tstart_s\tend_s\tphone\n'
  while IFS=$'\t' read -r id spk engine rest; do
    [[ "$engine" == festival ]] || continue
    awk -F'\t' -v OFS='\t' -v id="$id" 'NF { print id, $1, $2, $3 }' "$TMP/raw/$id.seg"
  done < <(sort "$TMP/plan.tsv")
} > "$OUT/alignments.tsv"

# samples.tsv (temporary): relpath num_samples sample_rate bps channels
while IFS=$'\t' read -r id spk engine voice book rel text; do
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$rel" \
    "$(metaflac --show-total-samples "$OUT/$rel")" \
    "$(metaflac --show-sample-rate "$OUT/$rel")" \
    "$(metaflac --show-bps "$OUT/$rel")" \
    "$(metaflac --show-channels "$OUT/$rel")"
done < "$TMP/plan.tsv" | sort > "$TMP/samples.tsv"

{
  echo "$MANIFEST_ROOT"
  cut -f2,3 "$TMP/samples.tsv" | sort
} > "$OUT/manifest.tsv"

# ---------------------------------------------------------------- checks
log "checking"
fail=0
while IFS=$'\t' read -r id rel n sr bps ch; do
  flac -t --silent "$OUT/$rel" 2>/dev/null || { echo "CHECK FAILED: $rel does not decode" >&2; fail=1; }
  if [[ "$sr" != "$RATE" || "$bps" != 16 || "$ch" != 1 ]]; then
    echo "CHECK FAILED: $rel is ${sr} Hz / ${bps} bit / ${ch} ch, want $RATE/16/1" >&2; fail=1
  fi
done < "$TMP/samples.tsv"
(( fail == 0 )) || die "audio format checks failed"

# per-utterance duration bounds, alignment consistency, cross-file consistency
awk -F'\t' -v r="$RATE" -v tol="$ALIGN_TOL_S" -v lo="$MIN_UTT_S" -v hi="$MAX_UTT_S" '
  FILENAME == ARGV[1] { samples[$1] = $3; next }                  # samples.tsv
  FILENAME == ARGV[2] { engine[$1] = $3; nplan++; next }          # plan.tsv
  FILENAME == ARGV[3] { if (FNR > 1) { ntr++; if (!($1 in samples)) err("transcript for unknown utt " $1) } next }
  FILENAME == ARGV[4] {                                           # alignments.tsv
    if (FNR == 1) next
    id = $1; s = $2 + 0; e = $3 + 0
    if (!(id in engine)) { err("alignment for unknown utt " id); next }
    if (engine[id] != "festival") err("alignment for non-festival utt " id)
    if ($4 == "") err(id ": empty phone label at " $2)
    if (!(id in last)) {
      if (id in done) err(id ": alignment rows are not contiguous in the file")
      if (s != 0) err(id ": first segment starts at " $2 ", not 0")
      if (cur != "") done[cur] = 1
      cur = id
    } else {
      if ($2 != lastend[id]) err(id ": gap/overlap: segment starts at " $2 " but previous ended at " lastend[id])
    }
    if (e < s) err(id ": segment " $4 " ends before it starts (" $2 " > " $3 ")")
    last[id] = e; lastend[id] = $3
    next
  }
  function err(m) { print "CHECK FAILED: " m > "/dev/stderr"; bad = 1 }
  END {
    for (id in engine) {
      if (!(id in samples)) { err("no audio for " id); continue }
      d = samples[id] / r
      if (d < lo || d > hi) err(sprintf("%s: duration %.3f s outside [%s, %s] s", id, d, lo, hi))
      if (engine[id] == "festival") {
        if (!(id in last)) { err(id ": festival utterance without alignment"); continue }
        diff = last[id] - d; if (diff < 0) diff = -diff
        if (diff > tol) err(sprintf("%s: last alignment end %.5f s != audio duration %.5f s", id, last[id], d))
        naligned++
      }
    }
    if (ntr != nplan) err("transcripts.tsv has " ntr " rows, expected " nplan)
    if (bad) exit 1
    print naligned
  }' "$TMP/samples.tsv" "$TMP/plan.tsv" "$OUT/transcripts.tsv" "$OUT/alignments.tsv" \
  > "$TMP/naligned" || die "consistency checks failed"
NALIGNED="$(cat "$TMP/naligned")"

NUTT="$(wc -l < "$TMP/plan.tsv")"
NFLAC="$(find "$OUT" -name '*.flac' | wc -l)"
(( NFLAC == NUTT )) || die "found $NFLAC FLAC files, expected $NUTT"
(( $(wc -l < "$OUT/manifest.tsv") == NUTT + 1 )) || die "manifest.tsv has the wrong number of rows"
TOTAL_SAMPLES="$(awk -F'\t' '{ s += $3 } END { print s }' "$TMP/samples.tsv")"
TOTAL_S="$(awk -v n="$TOTAL_SAMPLES" -v r="$RATE" 'BEGIN { printf "%.1f", n / r }')"
awk -v t="$TOTAL_S" -v lo="$MIN_TOTAL_S" -v hi="$MAX_TOTAL_S" 'BEGIN { exit !(t >= lo && t <= hi) }' \
  || die "total duration ${TOTAL_S} s outside [$MIN_TOTAL_S, $MAX_TOTAL_S] s"

# ---------------------------------------------------------------- README
per_speaker_table() {
  while IFS=$'\t' read -r spk engine voice lists pkg; do
    [[ -z "$spk" || "$spk" == \#* ]] && continue
    awk -F'\t' -v spk="$spk" -v engine="$engine" -v voice="$voice" -v pkg="$pkg" -v r="$RATE" '
      FILENAME == ARGV[1] { sp[$1] = $2; next }
      sp[$1] == spk { n++; s += $3 }
      END {
        printf "| `%s` | %s | `%s` | `%s` | %d | %.1f | %s |\n", spk, engine, voice, pkg, n, s / r, (engine == "festival" ? "yes" : "no")
      }' "$TMP/plan.tsv" "$TMP/samples.tsv"
  done < "$SRC/speakers.tsv"
}
FEST_VER="$(festival --version 2>&1 | head -1)"
ESPEAK_VER="$(espeak-ng --version 2>&1 | head -1 | sed 's/ *Data at:.*//')"
SOX_VER="$(sox --version 2>&1 | head -1 | sed 's/^sox: *SoX *//')"
FLAC_VER="$(flac --version 2>&1 | head -1)"
NSPK="$(cut -f2 "$TMP/plan.tsv" | sort -u | wc -l)"

cat > "$OUT/README.md" <<EOF
# Sample corpus (synthetic, English, 16 kHz)

A tiny multi-speaker English speech corpus for tests, demos and smoke runs of
the HuBERT pretraining pipeline. All audio is **synthetic** (text-to-speech);
it is meant to exercise the data path (reading FLAC, manifests, feature
extraction, k-means labels, alignment-based evaluation), not to train a useful
model.

**Generated file — do not edit by hand.** Regenerate with (from the repository root):

\`\`\`
scripts/make-sample-corpus.sh
\`\`\`

The script deletes and rewrites this folder. Inputs live in
\`scripts/sample-corpus/\` (\`speakers.tsv\`, \`harvard-sentences.tsv\`,
\`synth.scm\`). Debian packages needed: \`festival festvox-kallpc16k
festvox-kdlpc16k festvox-us-slt-hts espeak-ng sox flac\`. The output is
deterministic for a given set of tool versions; this copy was made with:
${FEST_VER}; eSpeak NG ${ESPEAK_VER#eSpeak NG text-to-speech: }; SoX ${SOX_VER}; ${FLAC_VER}.

## Contents

- ${NUTT} utterances, ${NSPK} speakers, ${TOTAL_S} s in total ($(awk -v t="$TOTAL_S" 'BEGIN { printf "%.2f", t / 60 }') min),
  utterances ${MIN_UTT_S}–${MAX_UTT_S} s long.
- ${NALIGNED} utterances (all festival ones) have phone alignments.

| speaker | engine | voice | Debian package | utterances | seconds | aligned |
|---|---|---|---|---|---|---|
$(per_speaker_table)

Each speaker reads sentences 1–8 of three of the Harvard sentence lists 1–10,
as five utterances per list of 1, 2, 1, 2 and 2 consecutive sentences; the
lists overlap between speakers, so some sentences are read by two speakers and
some by one.

## Layout and formats

- Audio: \`<speaker>/<book>/<speaker>-<book>-<NNNN>.flac\` (Libri-light /
  LibriSpeech layout). The utterance id is the file stem and is unique across
  the corpus; speaker names contain no \`-\`. "book" is \`harvardNN\`, the
  Harvard list the sentences come from; \`NNNN\` numbers the utterances within
  the list (0001 = sentence 1, 0002 = 2–3, 0003 = 4, 0004 = 5–6, 0005 = 7–8).
  FLAC, 16 kHz, 16-bit signed, mono, \`flac --best\`, peak-normalized to -3 dBFS.
- \`transcripts.tsv\`: header \`utt_id<TAB>speaker<TAB>text\`, one row per
  utterance, sorted by utt_id. Text is the original sentence text (mixed case,
  punctuation kept).
- \`alignments.tsv\`: header \`utt_id<TAB>start_s<TAB>end_s<TAB>phone\`, one row
  per phone segment of every festival utterance, in time order, sorted by
  utt_id. Times in seconds (5 decimals), taken from festival's \`Segment\`
  relation; segments are contiguous (start = previous end, first start = 0)
  and the last end equals the audio duration (within 10 ms).
  Phones are festival's (radio/CMU-style) phone set; silence is \`pau\`.
  The espeak-ng utterances have no alignments.
- \`manifest.tsv\`: fairseq / wav2vec-style manifest. First line is the corpus
  root relative to the repository root (\`${MANIFEST_ROOT}\`), then one
  \`relpath<TAB>num_samples\` line per utterance, sorted by relpath.

Consistency checks run by the script (it fails if any is violated): every
FLAC passes \`flac -t\` and is 16 kHz / 16-bit / mono; each utterance lasts
${MIN_UTT_S}–${MAX_UTT_S} s; for every festival utterance the alignment
segments are contiguous and non-overlapping, start at 0, and the last end time
matches the audio duration (num_samples / 16000) within 10 ms (the script
trims the short residual tail the diphone voices emit after the final pause so
that audio and alignment agree; the HTS voice is resampled 32 kHz -> 16 kHz,
which does not change times).

## Licenses

- Sentences: the Harvard sentences (IEEE Recommended Practice for Speech
  Quality Measurements, IEEE Trans. Audio and Electroacoustics 17(3), 1969,
  lists 1–10), public domain.
- Voices: \`kal_diphone\` and \`ked_diphone\` (CSTR / CMU festvox diphone voices,
  Debian \`festvox-kallpc16k\`, \`festvox-kdlpc16k\`) and \`cmu_us_slt_arctic_hts\`
  (CMU ARCTIC SLT speaker, HTS voice by Nagoya Institute of Technology, Debian
  \`festvox-us-slt-hts\`) are distributed under free BSD/MIT-style licenses
  permitting any use, including redistribution of synthesized speech; see
  \`/usr/share/doc/<package>/copyright\`. espeak-ng (GPL-3+) is a program; the
  speech it produces is not a derivative work of it.
- The generation script and its inputs add no further restrictions; the
  corpus (audio and metadata) is redistributed as part of this project.
EOF

# ---------------------------------------------------------------- summary
SIZE="$(du -sh "$OUT" | cut -f1)"
SIZE_KB="$(du -sk "$OUT" | cut -f1)"
echo "================ sample corpus summary ================"
echo "output:            $OUT"
echo "utterances/speaker:"
cut -f2 "$TMP/plan.tsv" | sort | uniq -c | awk '{ printf "  %-8s %d\n", $2, $1 }'
echo "utterances:        $NUTT"
echo "total duration:    ${TOTAL_S} s ($(awk -v t="$TOTAL_S" 'BEGIN { printf "%.2f", t / 60 }') min)"
echo "aligned (festival): $NALIGNED utterances, $(($(wc -l < "$OUT/alignments.tsv") - 1)) phone segments"
echo "size on disk:      $SIZE"
echo "checks:            all passed"
(( SIZE_KB <= MAX_SIZE_KB )) || die "corpus is ${SIZE} on disk, more than $((MAX_SIZE_KB / 1024)) MB"
