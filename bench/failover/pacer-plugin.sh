#!/bin/bash
# pacer-plugin.sh — pacer as a 2-node cluster inside the fo-* namespaces made by
# ../shared/failover/net.sh; a stack plugin for ../shared/failover/measure.sh (same contract as
# its pcmk-cluster.sh: prepare | start | down | where | vip | procs | move N | detect T0 N | info).
#
#   measure.sh bench/failover/pacer-plugin.sh 5
#
# Each node: one netns (fo-nX) + a mount and UTS namespace held by a holder process, with its own
# /etc/corosync, /var/lib/pacemaker (pacer's state dir), /var/log/pacer, /run. corosync.conf is the
# tutorial's (multicast 239.255.1.1:5405 on the private net), authkey shared; the CIB is seeded
# with the lab's seed (failover-ip IPaddr2 on fo-pub, plus apache in group Cluster when APACHE=1).
# Env: APACHE=0|1 (default 0: the VIP alone), TOKEN=ms (totem.token; unset = pacer's default),
#      FO_STATE (default /tmp/fo-state), FO_LAB (default ../shared/failover next to the repo).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
if [ -n "${FO_LAB:-}" ]; then LAB=$FO_LAB
elif [ -x "$REPO/../shared/failover/measure.sh" ]; then LAB=$(cd "$REPO/../shared/failover" && pwd)
else LAB=$(cd "$REPO/testdata/shared/failover" && pwd); fi
STATE=${FO_STATE:-/tmp/fo-state}/pacer
TOKEN=${TOKEN:-}
APACHE=${APACHE:-0}
VIP=192.168.1.100
NODES="n1 n2"
name() { echo node${1#n}; }
holder() { cat $STATE/$1/holder.pid 2>/dev/null; }
nx() { local n=$1; shift; nsenter -t $(holder $n) -m -u -n -- "$@"; }

corosync_conf() {
  cat <<EOC
totem {
	version: 2
	cluster_name: debian
	transport: udp
$( [ -n "$TOKEN" ] && echo "	token: $TOKEN" )
	interface {
		linknumber: 0
		bindnetaddr: 192.168.50.0
		mcastaddr: 239.255.1.1
		mcastport: 5405
	}
}
nodelist {
	node {
		name: node1
		nodeid: 1
		ring0_addr: 192.168.50.3
	}
	node {
		name: node2
		nodeid: 2
		ring0_addr: 192.168.50.4
	}
}
quorum {
	provider: corosync_votequorum
}
EOC
}

node_init() { # runs as the holder, inside "ip netns exec fo-nX unshare --mount --uts"
  local n=$1 d=$STATE/$1
  mount --make-rprivate /
  mount -t tmpfs -o mode=0755 tmpfs /run
  mkdir -p /run/pacer /run/lock /run/apache2 /run/lock/apache2 /run/resource-agents
  chown www-data:www-data /run/lock/apache2 2>/dev/null
  mount -t tmpfs -o mode=1777 tmpfs /dev/shm
  mkdir -p /etc/corosync /var/lib/pacemaker /var/log/pacer /var/log/apache2 /var/www/html
  mount --bind $d/etc-corosync /etc/corosync
  mount --bind $d/lib-pacemaker /var/lib/pacemaker
  mount --bind $d/log-pacer /var/log/pacer
  mount --bind $d/log-apache2 /var/log/apache2
  mount --bind $d/www /var/www/html
  hostname $(name $n)
  touch $d/ready
  exec sleep infinity
}

prepare() {
  down
  rm -rf $STATE
  for n in $NODES; do
    d=$STATE/$n
    mkdir -p $d/etc-corosync $d/lib-pacemaker $d/log-pacer $d/log-apache2 $d/www
    corosync_conf > $d/etc-corosync/corosync.conf
    echo "$(name $n)" > $d/www/index.html
    [ -f $LAB/cib-seed${APACHE}.xml ] && cp $LAB/cib-seed${APACHE}.xml $d/lib-pacemaker/cib.xml
  done
  dd if=/dev/urandom of=$STATE/n1/etc-corosync/authkey bs=256 count=1 status=none
  chmod 0400 $STATE/n1/etc-corosync/authkey
  cp -a $STATE/n1/etc-corosync/authkey $STATE/n2/etc-corosync/authkey
  for n in $NODES; do
    ip netns exec fo-$n unshare --mount --uts --propagation private -- /bin/bash $0 _init $n \
      </dev/null >$STATE/$n/holder.log 2>&1 &
    echo $! > $STATE/$n/holder.pid
  done
  for n in $NODES; do
    for i in $(seq 100); do [ -f $STATE/$n/ready ] && break; sleep 0.05; done
    [ -f $STATE/$n/ready ] || { echo "pacer-plugin: node $n namespace setup failed: $(cat $STATE/$n/holder.log)" >&2; exit 1; }
  done
}

# Node flags as packaging/pacer.service starts the daemon (src/daemon/node-flags.ts says why).
DAEMON_FLAGS="--interrupt-budget=1000000 --no-short-builtin-calls --single-threaded-gc"
start_node() {
  nsenter -t $(holder $1) -m -u -n -- env PATH="$REPO/bin:$PATH" \
    node $DAEMON_FLAGS "$REPO/bin/pacer" node --config /etc/corosync/corosync.conf --state-dir /var/lib/pacemaker \
    </dev/null >>$STATE/$1/log-pacer/pacer.log 2>&1 &
}
start() { for n in $NODES; do start_node $n; done; }

down() {
  for n in $NODES; do
    for p in $(ip netns pids fo-$n 2>/dev/null); do kill -9 $p 2>/dev/null; done
  done
  for n in $NODES; do
    for i in $(seq 100); do [ -z "$(ip netns pids fo-$n 2>/dev/null)" ] && break; sleep 0.05; done
    ip netns exec fo-$n ip addr del $VIP/24 dev fo-pub 2>/dev/null
  done
  return 0
}

where() {
  for n in $NODES; do
    ip netns exec fo-$n ip -o addr show dev fo-pub 2>/dev/null | grep -q " $VIP/" && echo $n
  done
}

# seconds from T0 until the survivor's pacer logged the new membership (node loss detected)
detect() {
  local t0=$1 n=$2
  node -e '
    const [file, t0] = [process.argv[1], Number(process.argv[2])];
    const lines = require("fs").readFileSync(file, "utf8").split("\n");
    for (const l of lines) {
      let j; try { j = JSON.parse(l); } catch { continue; }
      if (!/view|membership/i.test(String(j.msg))) continue;
      const t = j.time / 1000;
      if (t >= t0) { console.log((t - t0).toFixed(3)); break; }
    }' $STATE/$n/log-pacer/pacer.log $t0
}

cmd=${1:-}; shift || true
case $cmd in
  _init) node_init "$1" ;;
  prepare|start|down|where) $cmd ;;
  detect) detect "$1" "$2" ;;
  up) prepare; start
      for i in $(seq 300); do [ -n "$(where)" ] && break; sleep 0.1; done; where ;;
  exec) n=$1; shift; nx $n env PATH="$REPO/bin:$PATH" "$@" ;;
  move) nx n1 env PATH="$REPO/bin:$PATH" crm resource migrate failover-ip $(name $1) ;;
  procs) echo '^(node|pacer.*)$' ;;
  vip) echo $VIP ;;
  info) nx n1 env PATH="$REPO/bin:$PATH" corosync-cmapctl 2>/dev/null | grep -E 'totem\.(token|consensus|join)' ;;
  *) sed -n '2,14p' "$0" >&2; exit 2 ;;
esac
