#!/bin/sh
# Nightly claim extraction, run by cron. Copy this file, edit the two paths below, make it
# executable (chmod +x) and add one crontab line (crontab -e), for 02:15 every night:
#
#   15 2 * * * /srv/news/nightly-extract.sh
#
# cron starts jobs with an almost empty environment (PATH=/usr/bin:/bin, no virtualenv, no
# shell profile, another working directory), so every path below is absolute. Exit codes:
# 0 done (documents that could not be read are listed in rejects.jsonl); anything else failed,
# and the reason is in the log file and on stderr (which cron mails to the crontab's owner).
set -eu

# The extractor of the virtualenv it was installed in (`.venv/bin/extractor`, not `extractor`).
EXTRACTOR=/srv/news/.venv/bin/extractor
# Inputs (feeds/ and articles/) and every output of the nightly run live in this directory.
WORK=/srv/news

LOG="$WORK/extract.log"

fail() {
    echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) nightly-extract: $1" | tee -a "$LOG" >&2
    exit "$2"
}

[ -x "$EXTRACTOR" ] || fail "$EXTRACTOR is not an executable file: edit EXTRACTOR in $0" 127
cd "$WORK" || fail "cannot enter $WORK: edit WORK in $0" 1

# Only new and changed documents are extracted; an interrupted night is finished by the next
# run; while another run holds the lock this one exits 1 without writing anything.
code=0
"$EXTRACTOR" extract feeds/ articles/ -o claims.jsonl --state claims.state \
    --rejects rejects.jsonl --stats stats.json --log-format json 2>>"$LOG" || code=$?
case "$code" in
    0) ;;
    3) echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) nightly-extract: some documents were rejected, see $WORK/rejects.jsonl" >>"$LOG" ;;
    *) fail "extractor extract exited with code $code, see $LOG" "$code" ;;
esac

# claims.jsonl keeps the older claims of re-extracted documents (the history); current.jsonl
# holds each document's current claims only, for jq and other JSON Lines readers.
"$EXTRACTOR" export --current claims.jsonl -o current.jsonl 2>>"$LOG" \
    || { code=$?; fail "extractor export --current exited with code $code, see $LOG" "$code"; }
