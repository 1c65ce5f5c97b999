#!/usr/bin/python3
"""Forwards TCP from 127.0.0.1:LISTEN_PORT in this network namespace to 127.0.0.1:TARGET_PORT inside the
network namespace NETNS (a node's Client-Server API is on its own loopback only). Needs root.

    /usr/bin/python3 netns_forward.py LISTEN_PORT NETNS TARGET_PORT

Prints "ready" once listening; runs until killed. The listening socket is made before entering NETNS, so it
stays here; every connection made afterwards is made inside NETNS.
"""

import ctypes
import os
import socket
import sys
import threading

CLONE_NEWNET = 0x40000000


def pipe(source, target):
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            target.sendall(data)
    except OSError:
        pass
    finally:
        for s in (source, target):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def main(argv):
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    listen_port, netns, target_port = int(argv[1]), argv[2], int(argv[3])
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", listen_port))
    server.listen(64)
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(f"/var/run/netns/{netns}", os.O_RDONLY)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        print(f"setns failed: {os.strerror(ctypes.get_errno())}", file=sys.stderr)
        return 1
    print("ready", flush=True)
    while True:
        client, _ = server.accept()
        try:
            upstream = socket.create_connection(("127.0.0.1", target_port), timeout=10)
            upstream.settimeout(None)
        except OSError:
            client.close()
            continue
        threading.Thread(target=pipe, args=(client, upstream), daemon=True).start()
        threading.Thread(target=pipe, args=(upstream, client), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
