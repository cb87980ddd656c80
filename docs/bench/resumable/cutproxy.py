#!/usr/bin/env python3
"""A TCP proxy that cuts every connection once the client has sent CUT bytes up it.

    cutproxy.py LISTEN_PORT TARGET_PORT CUT

Both sockets are closed at the cut, as a dropped link would end them; CUT 0 never cuts.
Used by run.sh to break resumable uploads at chosen points.
"""
import socket
import sys
import threading

BUFFER = 1 << 20


def pipe(src, dst, limit):
    sent = 0
    try:
        while limit == 0 or sent < limit:
            want = BUFFER if limit == 0 else min(BUFFER, limit - sent)
            data = src.recv(want)
            if not data:
                break
            dst.sendall(data)
            sent += len(data)
    except OSError:
        pass
    for s in (src, dst):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        s.close()


def main():
    listen, target, cut = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", listen))
    server.listen(16)
    while True:
        client, _ = server.accept()
        upstream = socket.create_connection(("127.0.0.1", target))
        threading.Thread(target=pipe, args=(client, upstream, cut), daemon=True).start()
        threading.Thread(target=pipe, args=(upstream, client, 0), daemon=True).start()


if __name__ == "__main__":
    main()
