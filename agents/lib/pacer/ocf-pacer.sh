# Helpers shared by pacer's OCF agents (POSIX sh; sourced, not run).
# Self-contained on purpose: pacer's agents work without the resource-agents package.
# Layout mirrors OCF_ROOT: agents in resource.d/pacer/, this file in lib/pacer/.

OCF_SUCCESS=0
OCF_ERR_GENERIC=1
OCF_ERR_ARGS=2
OCF_ERR_UNIMPLEMENTED=3
OCF_ERR_PERM=4
OCF_ERR_INSTALLED=5
OCF_ERR_CONFIGURED=6
OCF_NOT_RUNNING=7
OCF_RUNNING_MASTER=8
OCF_FAILED_MASTER=9

__PACER_AGENT=${0##*/}

# ocf_log LEVEL MESSAGE...: to stderr, which the executor captures (no syslog needed).
# debug lines only when HA_debug is set and not 0.
ocf_log() {
    __level=$1
    shift
    if [ "$__level" = debug ] && { [ -z "$HA_debug" ] || [ "$HA_debug" = 0 ]; }; then
        return 0
    fi
    printf '%s(%s)[%s]: %s: %s\n' "$__PACER_AGENT" "${OCF_RESOURCE_INSTANCE:-}" "$$" \
        "$(echo "$__level" | tr '[:lower:]' '[:upper:]')" "$*" >&2
}

# ocf_exit_reason MESSAGE: the line the executor reports as the operation's exit reason.
ocf_exit_reason() {
    printf '%s%s\n' "${OCF_EXIT_REASON_PREFIX:-ocf-exit-reason:}" "$*" >&2
}

ocf_is_true() {
    case "$1" in
        yes|true|1|YES|TRUE|True|on|ON) return 0 ;;
        *) return 1 ;;
    esac
}

ocf_is_decimal() {
    case "$1" in
        ""|*[!0-9]*) return 1 ;;
        *) return 0 ;;
    esac
}

ocf_is_probe() {
    [ "$__OCF_ACTION" = monitor ] && [ "${OCF_RESKEY_CRM_meta_interval:-0}" = 0 ]
}

# The node this operation runs for: the cluster's name for it, else the host name.
pacer_node_name() {
    if [ -n "$OCF_RESKEY_CRM_meta_on_node" ]; then
        echo "$OCF_RESKEY_CRM_meta_on_node"
    else
        uname -n
    fi
}

# A writable directory for state files: HA_VARRUN when writable (root, or set by pacer's
# executor to the node's state dir), else a per-user temporary directory.
pacer_run_dir() {
    __d=${HA_VARRUN:-/var/run}
    __d=${__d%/}
    if [ -d "$__d" ] && [ -w "$__d" ]; then
        echo "$__d"
        return
    fi
    __d="${TMPDIR:-/tmp}/pacer-run-$(id -u)"
    mkdir -p "$__d" 2>/dev/null
    echo "$__d"
}

# The injected-failure file: write an OCF rc into "<state>.rc" and the next monitor returns
# it (tests and demos use this to make a monitor fail without breaking anything real).
pacer_injected_rc() {
    __f="$1.rc"
    [ -f "$__f" ] || return 1
    __rc=$(tr -dc '0-9' < "$__f" | cut -c1-3)
    [ -n "$__rc" ] || return 1
    echo "$__rc"
}

# pacer_promotion_score VALUE|-D: Pacemaker's promotion score for this instance
# (crm_attribute -N node -n master-<rsc> -l reboot -v N). Best effort: a missing or failing
# crm_attribute is logged and the action still succeeds, as with Pacemaker's crm_master.
pacer_promotion_score() {
    __name=${OCF_RESOURCE_INSTANCE}
    if ! ocf_is_true "${OCF_RESKEY_CRM_meta_globally_unique:-false}"; then
        __name=${__name%%:*}
    fi
    __tool=$(command -v crm_attribute 2>/dev/null)
    if [ -z "$__tool" ]; then
        ocf_log warn "crm_attribute not found in PATH; promotion score for $__name not set"
        return 0
    fi
    if [ "$1" = "-D" ]; then
        set -- -D
    else
        set -- -v "$1"
    fi
    if ! "$__tool" -N "$(pacer_node_name)" -n "master-$__name" -l reboot "$@" -q >/dev/null 2>&1
    then
        ocf_log warn "crm_attribute could not set the promotion score of $__name ($*)"
    fi
    return 0
}
