# scripts/lib/vm-common.sh: what scripts/vm-test (cgroup v2 initramfs VM) and
# scripts/vm-systemd (Debian with systemd) share. Sourced, not run; the
# sourcing script sets -euo pipefail, defines die(), and sets $qemu_pid="" and
# a cleanup trap that kills $qemu_pid.
#
# The VM's test script writes TAP to the second serial port and ends with a
# line "# vm-test: exit status N"; run_vm relays that TAP live and decides.

# as_root CMD...: CMD as root (sudo when not root).
as_root() {
    if ((EUID == 0)); then
        "$@"
    elif command -v sudo >/dev/null; then
        sudo "$@"
    else
        die "need root (or sudo) to run: $*"
    fi
}

# apt_update: once per run; false when it fails (no root, no mirror).
apt_updated=0
apt_update() {
    ((apt_updated)) && return 0
    apt_updated=1
    echo "# ${vm_name:-vm}: apt-get update" >&2
    as_root apt-get update -qq >&2
}

# need_tool COMMAND PACKAGE: installs PACKAGE (--no-install-recommends)
# when COMMAND is missing.
need_tool() {
    local command=$1 package=$2 out
    command -v "$command" >/dev/null && return 0
    echo "# ${vm_name:-vm}: installing $package" >&2
    apt_update || die "apt-get update failed: is Debian's apt mirror reachable?"
    if ! out=$(as_root env DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -qq --no-install-recommends "$package" 2>&1); then
        printf '%s\n' "$out" | sed "s/^/${vm_name:-vm}: apt-get install: /" >&2
        die "cannot install $package with apt-get"
    fi
    command -v "$command" >/dev/null || die "$package is installed but $command is not on PATH"
}

qemu=qemu-system-x86_64

# secs MS: "12.3s".
secs() { printf '%d.%ds' $(($1 / 1000)) $(($1 % 1000 / 100)); }

# run_vm WORK TIMEOUT SCRIPT_NAME QEMU_ARGS...: runs qemu (software
# emulation) with the kernel console on the first serial port (WORK/console.log)
# and the TAP on the second (WORK/tap.log), relays the TAP as it comes, and
# returns 0 only when the script ran to its end with every check ok and its
# plan met. Prints "Bail out!" lines for a VM that did not get there, and the
# last console lines on stderr when anything failed.
run_vm() {
    local work=$1 timeout_s=$2 script_name=$3
    shift 3
    local console=$work/console.log tap=$work/tap.log
    : > "$console"
    : > "$tap"
    local start booted="" line
    start=${EPOCHREALTIME/./}
    timeout -k 5 "$timeout_s" "$qemu" -accel tcg -no-reboot -nodefaults -no-user-config -display none \
        -monitor none "$@" -serial "file:$console" -serial "file:$tap" \
        < /dev/null > "$work/qemu.out" 2>&1 &
    qemu_pid=$!
    # Relay the TAP port live, without carriage returns and the end marker;
    # note when the script's first line comes (the boot time).
    while IFS= read -r line; do
        [[ -n $booted ]] || booted=${EPOCHREALTIME/./}
        line=${line%$'\r'}
        [[ $line == "# vm-test: exit status"* ]] || printf '%s\n' "$line"
    done < <(tail -s 0.2 -n +1 -f --pid="$qemu_pid" "$tap")
    local qemu_rc=0
    wait "$qemu_pid" || qemu_rc=$?
    qemu_pid=
    local end ms output status fail=0
    end=${EPOCHREALTIME/./}
    ms=$(((end - start) / 1000))
    output=$(tr -d '\r' < "$tap")
    if ((qemu_rc == 124 || qemu_rc == 137)); then
        echo "Bail out! the VM was stopped after ${timeout_s}s (--timeout) before the test script ended"
        fail=1
    elif ! status=$(grep -o '^# vm-test: exit status [0-9]*' <<< "$output" | grep -o '[0-9]*$'); then
        if [[ -s $work/qemu.out ]]; then sed 's/^/# qemu: /' "$work/qemu.out" >&2; fi
        echo "Bail out! the VM stopped (qemu exit status $qemu_rc) before the test script ended: qemu failed, the kernel did not boot, or it panicked"
        fail=1
    elif grep -q '^not ok' <<< "$output"; then
        fail=1
    elif ((status != 0)); then
        echo "Bail out! $script_name exited with status $status"
        fail=1
    else
        local plan ran
        plan=$(grep -o '^1\.\.[0-9]*' <<< "$output" | head -n 1 | cut -c4-)
        ran=$(grep -c '^\(not \)\?ok\b' <<< "$output" || true)
        if [[ -n $plan && $plan != "$ran" ]]; then
            echo "Bail out! $script_name planned $plan tests and ran $ran"
            fail=1
        fi
    fi
    echo "# ${vm_name:-vm}: the script's first line came" \
         "$(if [[ -n $booted ]]; then secs $(((booted - start) / 1000)); else echo never; fi)" \
         "after qemu started, qemu ran $(secs "$ms") in all"
    if ((fail)); then
        if [[ -s $console ]]; then
            echo "${vm_name:-vm}: the last lines of the kernel console (--keep keeps all of it):" >&2
            tail -n 40 "$console" | tr -d '\r' | sed 's/^/# console: /' >&2
        else
            echo "${vm_name:-vm}: the kernel said nothing on its console (--append loglevel=7 shows more)" >&2
        fi
        return 1
    fi
    return 0
}
