# tests/suites/lib/tap.sh: one TAP stream made of several (sourced by bash
# scripts). tap_include runs a TAP-printing command and renumbers its tests
# into this script's; tap_plan prints the plan at the end.
#
#   tap_include "v2: " scripts/vm-systemd --cgroup v2 ...
#   tap_include "containerd: " tests/suites/containerd.sh
#   tap_plan
#
# A "Bail out!", a plan the command did not meet, or a non-zero exit status
# with no failed test becomes a failed test of its own, so that one command
# going wrong does not stop the others.

tap_count=0

tap_fail() {
    tap_count=$((tap_count + 1))
    echo "not ok $tap_count - $1"
}

# tap_include PREFIX COMMAND...
tap_include() {
    local prefix=$1 line status plan="" ran=0 failed=0 rc=0 end="# tap_include: exit status "
    shift
    while IFS= read -r line; do
        if [[ $line =~ ^(not\ )?ok([[:space:]]+[0-9]+)?([[:space:]]+-)?[[:space:]]*(.*)$ ]]; then
            status="ok"
            [[ -z ${BASH_REMATCH[1]} ]] || { status="not ok"; failed=$((failed + 1)); }
            ran=$((ran + 1))
            tap_count=$((tap_count + 1))
            echo "$status $tap_count - $prefix${BASH_REMATCH[4]}"
        elif [[ $line =~ ^1\.\.([0-9]+) ]]; then
            plan=${BASH_REMATCH[1]}
        elif [[ $line == "Bail out!"* ]]; then
            failed=$((failed + 1))
            tap_fail "${prefix}bail out:${line#Bail out!}"
        elif [[ $line == "$end"* ]]; then
            rc=${line#"$end"}
        elif [[ $line == "#"* ]]; then
            echo "$line"
        else
            echo "# $line"
        fi
    done < <("$@" 2>&1; echo "$end$?")
    if [[ -n $plan && $plan != "$ran" ]]; then
        tap_fail "${prefix}planned $plan tests and ran $ran"
    elif ((rc != 0 && failed == 0)); then
        tap_fail "${prefix}exited with status $rc"
    fi
    return 0
}

tap_plan() {
    echo "1..$tap_count"
}
