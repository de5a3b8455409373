#!/usr/bin/env bash
# Measure a candidate reader the way a shipped one is judged, blind sets first, one after the other.
#
#     bench/measure_reader.sh var/reader-x.safetensors x          # writes var/measure-x-*.log
#     NOCAL=1 bench/measure_reader.sh var/reader-x.safetensors x  # keep the card's calibration, no gold paragraph
#
# Steps: calibrate on the SQuAD v2.0 held-out fold (writes the calibration into the card beside the weights,
# never qa/data/reader.json unless those are the weights), then CoQA CNN scoped, blind BBC conversations,
# blind BBC singles, blind seed sets, and the reader alone on dev part 1 given the gold paragraph. Only the
# metric lines are printed (the blind sets' misses are not to be read). Run it on an idle machine: numbers
# taken beside training are not comparable.
set -euo pipefail
cd "$(dirname "$0")/.."
weights=${1:?usage: bench/measure_reader.sh WEIGHTS TAG}
tag=${2:?usage: bench/measure_reader.sh WEIGHTS TAG}
py=.venv/bin/python
export QA_READER_WEIGHTS=$weights
mkdir -p var
log() { echo "== $1 $(date +%H:%M:%S)"; }
metrics() { sed -n '/^misses/q;/^right answer/q;p' "$1"; }  # a report's metric lines, never its misses

if [[ -z "${NOCAL:-}" ]]; then
  log calibrate
  $py scripts/calibrate_reader.py --no-false-abstentions --limit 2000 --curve >"var/measure-$tag-cal.log" 2>/dev/null
  grep -E '"(slope|intercept|abstain_below|expected_score_optimum|unanswerable_abstained|false_abstentions|f1_overall)"' \
    "var/measure-$tag-cal.log"
  sed -n '/^threshold/,$p' "var/measure-$tag-cal.log"
fi
log "CoQA CNN"
$py bench/coqa_eval.py --source cnn --no-seed-sets --turns-json "var/measure-$tag-coqa-turns.json" \
  >"var/measure-$tag-coqa.log" 2>/dev/null
sed -n '/^\[cnn\]/q;p' "var/measure-$tag-coqa.log"
log "blind BBC conversations"
$py bench/bbc_eval.py tests/questions/bbc/bbc_conversations_heldout.jsonl >"var/measure-$tag-bbcconv.log" 2>/dev/null
metrics "var/measure-$tag-bbcconv.log"
log "blind BBC singles"
$py bench/bbc_eval.py tests/questions/bbc/bbc_heldout.jsonl >"var/measure-$tag-bbc.log" 2>/dev/null
metrics "var/measure-$tag-bbc.log"
log "blind seed"
.venv/bin/qa eval tests/questions/heldout/*.jsonl >"var/measure-$tag-seed.log" 2>/dev/null
metrics "var/measure-$tag-seed.log"
if [[ -z "${NOCAL:-}" ]]; then
  log "gold paragraph"
  $py scripts/train_reader.py --eval-only --out "$weights" >"var/measure-$tag-gold.log" 2>&1
  grep -iE "f1|exact" "var/measure-$tag-gold.log" | tail -3
fi
log done
