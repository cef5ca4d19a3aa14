#!/bin/bash
# bench/failover/run.sh [TRIALS] — the failover benchmark: pacer, Pacemaker + Corosync and
# keepalived measured by the same harness (../shared/failover/measure.sh) in one go, so the three
# stacks are compared at the same machine load. Root only (network namespaces).
#   pacer:       VIP alone (APACHE=0) and the tutorial's group httpd + VIP (APACHE=1), defaults
#   pcmk:        Debian's Pacemaker 2.1 + Corosync 3 at defaults, VIP alone and the group
#   keepalived:  advert_int 1
# Stacks whose Debian packages are missing are skipped with a note. Results (raw rows and
# summary.md) go to $FO_RESULTS (default bench/failover/results).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
if [ -n "${FO_LAB:-}" ]; then LAB=$FO_LAB
elif [ -x "$HERE/../../../shared/failover/measure.sh" ]; then LAB=$(cd "$HERE/../../../shared/failover" && pwd)
else LAB=$(cd "$HERE/../../testdata/shared/failover" && pwd); fi
TRIALS=${1:-5}
export FO_RESULTS=${FO_RESULTS:-$HERE/results}
[ "$(id -u)" = 0 ] || { echo "run.sh: needs root (network namespaces)" >&2; exit 77; }
[ -x "$LAB/measure.sh" ] || { echo "run.sh: the failover lab is not at $LAB; set FO_LAB" >&2; exit 66; }
mkdir -p "$FO_RESULTS"
VARIANTS="APACHE=0 APACHE=1" "$LAB/measure.sh" "$HERE/pacer-plugin.sh" "$TRIALS"
if command -v corosync >/dev/null && command -v pacemakerd >/dev/null; then
  VARIANTS="TOKEN=,APACHE=0 TOKEN=,APACHE=1" "$LAB/measure.sh" pcmk "$TRIALS"
else
  echo "# pcmk skipped: install Debian's pacemaker corosync crmsh resource-agents" >&2
fi
if command -v keepalived >/dev/null; then
  VARIANTS="ADVERT=1" "$LAB/measure.sh" keepalived "$TRIALS"
else
  echo "# keepalived skipped: install Debian's keepalived" >&2
fi
python3 "$LAB/summary.py" "$FO_RESULTS" | tee "$FO_RESULTS/summary.md"
