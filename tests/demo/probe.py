#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""probe: the TCP client and server of the sgfw demonstration.

  probe serve PORT...           echo server on every IPv4 address
  probe connect HOST PORT       open a connection, send a line, read it back
  probe session HOST PORT DIR   keep a connection open (run it in the
                                background); "probe say" talks over it
  probe say DIR TEXT            send TEXT over the session kept in DIR and
                                wait for it to come back

Every client command gives up after 2 seconds without an answer, and exits
with status 1 when it gets none.
"""

import os
import socket
import sys
import threading
import time

TIMEOUT = 2.0


def serve(ports):
    def echo(conn):
        with conn:
            try:
                while True:
                    data = conn.recv(4096)
                    if not data:
                        return
                    conn.sendall(data)
            except OSError:
                return

    def listen(port):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("0.0.0.0", port))
        s.listen(16)
        while True:
            conn, _ = s.accept()
            threading.Thread(target=echo, args=(conn,), daemon=True).start()

    for p in ports:
        threading.Thread(target=listen, args=(int(p),), daemon=True).start()
    while True:
        time.sleep(3600)


def exchange(s, text):
    """Send one line and read it back; return an error string or None."""
    msg = (text + "\n").encode()
    try:
        s.sendall(msg)
        got = b""
        while not got.endswith(b"\n"):
            chunk = s.recv(4096)
            if not chunk:
                return "connection closed"
            got += chunk
    except socket.timeout:
        return "no answer within %g s" % TIMEOUT
    except OSError as e:
        return e.strerror or str(e)
    return None if got == msg else "got %r back" % got


def connect(host, port):
    try:
        s = socket.create_connection((host, int(port)), timeout=TIMEOUT)
    except socket.timeout:
        print("%s port %s: no answer within %g s" % (host, port, TIMEOUT))
        return 1
    except OSError as e:
        print("%s port %s: %s" % (host, port, e.strerror or e))
        return 1
    err = exchange(s, "hello")
    s.close()
    if err:
        print("%s port %s: connected, but %s" % (host, port, err))
        return 1
    print("%s port %s: connected, \"hello\" echoed back" % (host, port))
    return 0


def session(host, port, d):
    os.makedirs(d, exist_ok=True)
    fifo = os.path.join(d, "in")
    if not os.path.exists(fifo):
        os.mkfifo(fifo)
    status = open(os.path.join(d, "status"), "a", buffering=1)
    try:
        s = socket.create_connection((host, int(port)), timeout=TIMEOUT)
    except OSError as e:
        status.write("failed to connect: %s\n" % (e.strerror or e))
        return 1
    me = s.getsockname()
    # On the terminal first: whoever waits for the status line finds the
    # terminal line already written.
    opened = "session %s port %d -> %s port %s open" % (me[0], me[1], host,
                                                        port)
    print(opened, flush=True)
    status.write(opened + "\n")
    # Opened for reading and writing: no end of file between writers.
    with os.fdopen(os.open(fifo, os.O_RDWR), "r") as f:
        for line in f:
            err = exchange(s, line.rstrip("\n"))
            status.write("sent \"%s\": %s\n" % (line.rstrip("\n"),
                         err or "echoed back"))
    return 0


def say(d, text):
    status = os.path.join(d, "status")

    def lines():
        with open(status) as f:
            return f.readlines()

    before = len(lines())
    with open(os.path.join(d, "in"), "w") as f:
        f.write(text + "\n")
    deadline = time.time() + TIMEOUT + 3
    while time.time() < deadline:
        now = lines()
        if len(now) > before:
            print(now[-1].rstrip("\n"))
            return 0 if now[-1].endswith("echoed back\n") else 1
        time.sleep(0.05)
    print("the session does not answer")
    return 1


def main(argv):
    cmds = {"serve": (serve, None), "connect": (connect, 2),
            "session": (session, 3), "say": (say, 2)}
    if len(argv) < 2 or argv[1] not in cmds:
        sys.exit(__doc__)
    fn, nargs = cmds[argv[1]]
    if nargs is not None and len(argv) != nargs + 2:
        sys.exit(__doc__)
    if nargs is None:
        return fn(argv[2:])
    return fn(*argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
