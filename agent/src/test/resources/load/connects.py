"""Connects that fail, at steady rates, for the alert's explained share (issue 13).

Each argument is one of:
  connect:HOST:PORT:PER_SECOND:TIMEOUT  a connect to HOST:PORT every 1/PER_SECOND s, given up after TIMEOUT s
  listen:PORT:BACKLOG                   a listener on [::]:PORT (IPv4 too) that never accepts
HOST may be an IPv6 literal in brackets. Runs until killed; prints "ready" once the listeners are up.
"""
import socket
import sys
import threading
import time

held = []


def listen(port, backlog):
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(("::", port))
    s.listen(backlog)
    held.append(s)  # never accepted: once the queue is full, the kernel drops new SYNs


def attempt(host, port, timeout):
    s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect((host, port))
        held.append(s)  # connected into a full queue's backlog: keep it, as a client that waits would
    except OSError:
        s.close()


def every(host, port, per_second, timeout):
    period = 1.0 / per_second
    due = time.monotonic()
    while True:
        threading.Thread(target=attempt, args=(host, port, timeout), daemon=True).start()
        due += period
        time.sleep(max(0.0, due - time.monotonic()))


def main():
    loops = []
    for arg in sys.argv[1:]:
        kind, rest = arg.split(":", 1)
        if kind == "listen":
            port, backlog = rest.split(":")
            listen(int(port), int(backlog))
        else:
            if rest.startswith("["):
                host, rest = rest[1:].split("]:", 1)
            else:
                host, rest = rest.split(":", 1)
            port, per_second, timeout = rest.split(":")
            loops.append((host, int(port), float(per_second), float(timeout)))
    print("ready", flush=True)
    for spec in loops:
        threading.Thread(target=every, args=spec, daemon=True).start()
    while True:
        time.sleep(3600)


main()
