#!/bin/sh
# Records Pacemaker's crm_simulate -G (transition graph) and -O (CIB after the simulated
# transition) for every reference case, for graph-golden.test.ts:
#   crm_simulate -x CASE.xml -S -G graph/SET/CASE.graph.xml -O graph/SET/CASE.out.xml
# run with Debian's pacemaker 2.1.5 (/usr/sbin/crm_simulate). last-rc-change and last-run
# (wall clock at simulation time) are masked to "0" in the saved CIB.
# Usage: sh src/scheduler/testdata/record-graphs.sh   (from the repository root)
set -eu
here=$(dirname "$0")
cases=${CASES:-$here/../../../../shared/pcmk-scheduler/cases}
for set in core clone; do
  mkdir -p "$here/graph/$set"
  for x in "$cases/$set"/*.xml; do
    n=$(basename "$x" .xml)
    g="$here/graph/$set/$n.graph.xml"
    o="$here/graph/$set/$n.out.xml"
    rm -f "$g" "$o"
    /usr/sbin/crm_simulate -x "$x" -S -G "$g" -O "$o" >/dev/null 2>&1 || true
    [ -f "$o" ] && sed -i -E 's/ (last-rc-change|last-run)="[0-9]+"/ \1="0"/g' "$o"
  done
done
