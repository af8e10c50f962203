"""A bare websocket handshake with the standard library only (it runs as another account,
with the system's Python): prints the status line the server answered.

    python3 raw_websocket.py HOST PORT ORIGIN [COOKIE]
"""

import base64
import os
import socket
import sys

host, port, origin = sys.argv[1], int(sys.argv[2]), sys.argv[3]
cookie = sys.argv[4] if len(sys.argv) > 4 else ""
request = (f"GET /_stcore/stream HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}\r\nSec-WebSocket-Version: 13\r\n"
           f"Sec-WebSocket-Protocol: streamlit\r\nOrigin: {origin}\r\n" + (f"Cookie: {cookie}\r\n" if cookie else "")
           + "\r\n")
with socket.create_connection((host, port), timeout=10) as connection:
    connection.sendall(request.encode())
    print(connection.recv(4096).decode("latin-1").split("\r\n")[0])
