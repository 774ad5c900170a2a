"""Opens a listening TCP socket on 127.0.0.1 and an ephemeral port, then becomes the given command
with that socket open: the way a service manager or a test harness hands a socket to a server.

usage: listen-then-exec.py FD VARIABLE COMMAND...
  FD        the descriptor number the socket gets in the command
  VARIABLE  the environment variable set to FD; "systemd" sets LISTEN_FDS=1, LISTEN_PID and
            LISTEN_FDNAMES=web instead (FD must then be 3)
Prints "LISTENING <port>" on standard output before the command starts. With LISTEN_UNIX=PATH in the
environment the socket is a unix stream socket at PATH instead, and it prints "LISTENING PATH"."""
import os
import socket
import sys

fd, variable, command = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
unix_path = os.environ.pop("LISTEN_UNIX", None)
if unix_path:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(unix_path)
else:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
s.listen(128)
if s.fileno() != fd:
    os.dup2(s.fileno(), fd)
os.set_inheritable(fd, True)
env = dict(os.environ)
if variable == "systemd":
    env.update(LISTEN_FDS="1", LISTEN_PID=str(os.getpid()), LISTEN_FDNAMES="web")
else:
    env[variable] = str(fd)
print("LISTENING %s" % (unix_path if unix_path else s.getsockname()[1]), flush=True)
os.execvpe(command[0], command, env)
