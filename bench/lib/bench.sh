# What the benches share; sourced by them from the repository's root, never run. One place for each of: the
# tcpdump an operator would run instead and what it counted, CPU read per thread, the connect loop's counts, the
# kernel's TCP counters, and rstwatch's report (the wait for the agent, its drops).

# tcpdump_on FILTER: sets the array TCPDUMP to a tcpdump on FILTER with rstwatch's capture settings: every
# interface, 192 bytes a packet, a 16 MiB buffer, written nowhere. Run as `ip netns exec NS "${TCPDUMP[@]}" &`
# (or without ip netns), never through a function: $! must be tcpdump itself.
tcpdump_on() {
  TCPDUMP=(tcpdump -i any -n -s 192 -B 16384 -w /dev/null "$1")
}

# tcpdump_summary FILE captured|dropped: from what a tcpdump stopped with SIGINT printed on stderr (FILE), the packets
# it captured, or those the kernel dropped for it.
tcpdump_summary() {
  case "$2" in
    captured) awk '/packets captured/ { print $1 }' "$1" ;;
    dropped) awk '/packets dropped by kernel/ { print $1 }' "$1" ;;
  esac
}

# tcpdump_like_rstwatch [PORT]: tcpdump_on the packets rstwatch's kernel filter passes (SYNs and RSTs,
# io.rstwatch.capture.CaptureFilter), on PORT only when given.
tcpdump_like_rstwatch() {
  tcpdump_on "${1:+tcp port $1 and }tcp[tcpflags] & (tcp-rst|tcp-syn) != 0"
}

# threads PID: a line "tid ns name" per thread of the process: its CPU time in ns (schedstat's time on a CPU; not
# utime + stime, which come in 10 ms ticks charged to whichever thread a tick finds running) and its name (comm,
# cut to 15 characters by the kernel, spaces made _). Builtins only: a listing costs the process measured nothing.
threads() {
  local t ns name
  for t in /proc/"$1"/task/*; do
    # A thread may end while listed: then it is left out.
    { read -r ns _ < "$t/schedstat" && read -r name < "$t/comm"; } 2>/dev/null || continue
    echo "${t##*/} $ns ${name// /_}"
  done
}

# spent BEFORE AFTER [REGEX]: the ns of CPU the threads whose name matches REGEX (all when not given) spent between
# two listings of `threads`. By thread id: a thread started in between counts from 0, and one that ended in between
# takes nothing away (the JIT adds and removes compiler threads).
spent() {
  awk -v p="${3:-}" 'NR == FNR { b[$1] = $2; next } $3 ~ p { t += $2 - b[$1] } END { printf "%.0f\n", t }' "$1" "$2"
}

# by_thread BEFORE AFTER: "ns name" for each thread name that spent CPU between two listings, most first (threads
# of one name, such as the JIT's, summed).
by_thread() {
  awk 'NR == FNR { b[$1] = $2; next } { t[$3] += $2 - b[$1] } END { for (n in t) if (t[n] > 0) printf "%.0f %s\n", t[n], n }' \
    "$1" "$2" | sort -rn
}

# bpf_programs_ns PID: the ns the eBPF programs PID holds have run (run_time_ns of their fdinfo, counted only
# while kernel.bpf_stats_enabled is 1): in-kernel work that is charged to whichever thread the kernel ran it on,
# not to PID. cat, not awk, reads the files: a descriptor closed while listed is left out.
bpf_programs_ns() {
  cat /proc/"$1"/fdinfo/* 2>/dev/null | awk '/^run_time_ns:/ { t += $2 } END { printf "%.0f\n", t }'
}

# loop_connects FILE: ConnectLoop's connects, the sum of the slots of the file $1 (bench/lib/ConnectLoop.java).
loop_connects() { od -An -v -t d8 "$1" | awk '{ for (i = 1; i <= NF; i++) s += $i } END { printf "%.0f\n", s }'; }

# tcp_counter NAME [PID]: the kernel's TCP counter NAME (a column of the Tcp lines of /proc/net/snmp) in the
# network namespace of process PID (this shell's when not given).
tcp_counter() {
  awk -v n="$1" '/^Tcp:/ { if (!h) { for (i = 1; i <= NF; i++) if ($i == n) c = i; h = 1 } else print $c }' \
    "/proc/${2:-self}/net/snmp"
}

# rstwatch_report JAR NS PID: rstwatch's report (the jar JAR's `report`) on the JVM PID, run in network namespace
# NS (this shell's when NS is empty); nothing when the JVM does not answer.
rstwatch_report() {
  if [ -n "$2" ]; then
    ip netns exec "$2" java -jar "$1" report "$3" 2>/dev/null || true
  else
    java -jar "$1" report "$3" 2>/dev/null || true
  fi
}

# await_report JAR NS PID REGEX: waits, a minute at most, until rstwatch_report has a line matching REGEX: the
# agent is up, before what is measured begins (a JMX connection during it would show the capture a SYN-ACK).
await_report() {
  local _
  for _ in $(seq 60); do
    rstwatch_report "$1" "$2" "$3" | grep -q "$4" && return
    sleep 1
  done
}

# started_line OPTIONS: the report line that says an agent started with these options is up: capturing, or any
# Capture line when capture=off.
started_line() {
  case ",$1," in *,capture=off,*) echo '^Capture:' ;; *) echo '^Capture: \(capturing\|counting in the kernel\)' ;; esac
}

# report_drops: the packets the kernel dropped for rstwatch's capture, from a report on stdin.
report_drops() { sed -n 's/^Capture: .* packets, \([0-9]*\) dropped by the kernel.*/\1/p'; }
