#!/usr/bin/env bash
# Coverage-guided fuzzing of one parser with Jazzer: scripts/fuzz.sh TARGET DURATION
#
#   TARGET    chat-lines | http-request | http-response | ws-frames   (scripts/fuzz.sh --list shows them)
#   DURATION  how long to fuzz: 30s, 10m, 2h (Jazzer's syntax)
#
# The same @FuzzTest methods replay their committed seeds under ./mvnw verify; here JAZZER_FUZZ
# turns the one named into a libFuzzer run, with Jazzer's hooks on (-Djazzer.hooks=true: the seed
# replay under verify leaves them off). Netty's leak detector is PARANOID (the test argLine), and
# the targets check every buffer the parser allocated was released, so a leak fails the run. New coverage goes to MODULE/.cifuzz-corpus/ (git-ignored) and is
# reused by the next run; a crashing input is written next to the seeds
# (src/test/resources/.../<Test>Inputs/<method>/crash-*): commit it with the fix, and it becomes a
# regression test (killing a run also dumps the input under way as crash-*: replay it with
# ./mvnw verify before calling it a finding). The last libFuzzer status line (executions, coverage, exec/s) is printed at the
# end. Runs under nice: the machine is shared. FUZZ_RUNS=N also stops it after N executions.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# name -> module test-class#method
targets() {
    cat <<'LIST'
chat-lines     protocols/chat  io.jselectors.protocol.chat.LineDecoderFuzzTest#splitAnywhereDecodesLikeTheModel
http-request   protocols/http  io.jselectors.protocol.http.RequestDecoderFuzzTest#requestIsParsedOrRefusedWhereverItIsCut
http-response  protocols/http-client  io.jselectors.protocol.http.client.ResponseParserFuzzTest#responseIsReadTheSameWhereverItIsCut
ws-frames      protocols/websocket  io.jselectors.protocol.websocket.FrameDecoderFuzzTest#framesAreReadTheSameWhereverTheyAreCut
LIST
}

usage() {
    echo "usage: scripts/fuzz.sh TARGET DURATION   (e.g. scripts/fuzz.sh http-request 10m)" >&2
    echo "targets:" >&2
    targets | awk '{print "  " $1}' >&2
    exit 2
}

[ "${1:-}" = "--list" ] && { targets | awk '{print $1}'; exit 0; }
[ $# -eq 2 ] || usage
line=$(targets | awk -v t="$1" '$1 == t') || true
[ -n "$line" ] || { echo "fuzz.sh: unknown target '$1'" >&2; usage; }
[[ "$2" =~ ^[0-9]+[smhd]?$ ]] || { echo "fuzz.sh: DURATION must look like 30s, 10m or 2h, not '$2'" >&2; exit 2; }
read -r _ module test <<<"$line"

log=$(mktemp "${TMPDIR:-/tmp}/fuzz-$1.XXXXXX.log")
echo "fuzz.sh: $1 for $2 ($test in $module); log: $log" >&2
status=0
[ -n "${FUZZ_RUNS:-}" ] && export JAZZER_MAX_EXECUTIONS="$FUZZ_RUNS"
JAZZER_FUZZ=1 JAZZER_MAX_DURATION="$2" nice -n 10 ./mvnw -B -ntp -pl "$module" -am test \
    -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false -Djazzer.hooks=true \
    -Dsurefire.timeout=0 >"$log" 2>&1 || status=$?
# libFuzzer's status lines look like "#1048576 pulse cov: 812 ft: 2301 corp: 190/9Kb exec/s: 23831 rss: 410Mb".
grep -E '^#[0-9]+' "$log" | tail -n 1 || true
grep -E 'DONE|crash-|leak|== Java Exception|FAILURE|Tests run:' "$log" | tail -n 8 || true
if [ "$status" -ne 0 ]; then
    echo "fuzz.sh: $1 FAILED (exit $status): a finding or a build error; see $log" >&2
    exit 1
fi
echo "fuzz.sh: $1 finished (DURATION $2 or FUZZ_RUNS reached) without a finding" >&2
