"""A build handed to a running ``briefdeck serve``, or None: made here (command.py asks first).

``briefdeck serve`` (buildserver.py) has imported everything a build needs; for each build handed
to it, it forks a child that takes this process's arguments, folder, environment, umask and
standard streams (their file descriptors, passed over the socket) and runs the command line's own
code (``cli.run``): what it writes and says, and its exit code, are a local build's. The signals
this process gets (Ctrl-C, SIGTERM, SIGHUP) are relayed to the child while it builds.

Decided before anything heavy is imported (only the interpreter's own modules: ``_socket`` and
``marshal``). The build is made here, silently, exactly as without a server, when none runs for
this user and this installation (the key: briefdeck's version and code files, the Python, the
installed distributions and the settings read when the libraries are imported), with
``--no-server`` or ``BRIEFDECK_SERVER=0``, with ``--watch`` (a watcher stays warm itself), for the
commands that are not builds, and on any failure to reach the server.
"""
from __future__ import annotations

import marshal
import os
import sys
from typing import Optional

SWITCH = "BRIEFDECK_SERVER"  # "0" (or off, no, false): never hand a build over
NO_SERVER = "--no-server"
NOT_BUILDS = ("init", "docs", "merge-manifests", "serve")
# what the libraries read from the environment when they are imported (matplotlib's configuration
# folders and settings, pydantic's plugins, reportlab's rl_config): a server imported them with its own
_IMPORT_ENV = ("HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME")
_IMPORT_ENV_PREFIXES = ("MPL", "PYDANTIC", "RL_")
SET_BY_RUN = {"PYDANTIC_DISABLE_PLUGINS": "__all__"}  # cli.run's defaults, set before a server imports
_FLAGS = ("optimize", "utf8_mode", "dev_mode", "bytes_warning", "warn_default_encoding", "int_max_str_digits")
REACH_S = 2.0  # to connect and be answered; a build then takes what it takes
STARTED_S = 30.0  # for the server to fork the child (a loaded machine)


def installation_key() -> str:
    """What a server and its clients must share to build alike, hashed (cheap: stats and folder
    listings, no file read): briefdeck's version and its code files (paths, sizes, times), the
    Python (executable, version, flags, warning options, module path), the installed
    distributions (their .dist-info names carry the versions) and the environment read at import."""
    try:
        from _blake2 import blake2b
    except ImportError:  # a Python built without it
        from hashlib import blake2b
    import briefdeck

    h = blake2b(digest_size=16)

    def add(text: str) -> None:
        h.update(text.encode("utf-8", "surrogateescape") + b"\0")

    add(f"briefdeck {briefdeck.__version__}")
    add(f"{os.path.realpath(sys.executable)} {sys.prefix} {sys.version} {[getattr(sys.flags, f, None) for f in _FLAGS]} {sys.warnoptions} {sys.path[1:]}")
    env = {**SET_BY_RUN, **os.environ}  # a server sees them as its cli.run set them
    for name in sorted(env):
        if name in _IMPORT_ENV or name.startswith(_IMPORT_ENV_PREFIXES):
            add(f"{name}={env[name]}")
    for path, size, mtime in _code_files(os.path.dirname(os.path.abspath(briefdeck.__file__))):
        add(f"{path} {size} {mtime}")
    for entry in sys.path[1:]:
        try:
            names = sorted(os.listdir(entry or "."))
        except OSError:  # a zip file, a folder gone
            continue
        add(entry)
        for n in names:
            if n.endswith((".dist-info", ".egg-info", ".egg-link", ".pth")):
                add(n)
    return h.hexdigest()


def _code_files(top: str) -> list[tuple[str, int, int]]:
    """briefdeck's Python files (not builtin/: data, read by each build), with size and time."""
    out, todo = [], [top]
    while todo:
        with os.scandir(todo.pop()) as found:
            for e in found:
                if e.is_dir(follow_symlinks=False):
                    if e.name not in ("__pycache__", "builtin"):
                        todo.append(e.path)
                elif e.name.endswith(".py"):
                    st = e.stat()
                    out.append((e.path, st.st_size, st.st_mtime_ns))
    return sorted(out)


def socket_dir(make: bool = False) -> Optional[str]:
    """This user's private folder for servers' sockets (``$XDG_RUNTIME_DIR/briefdeck``, else
    ``/tmp/briefdeck-UID``), or None when it is missing or not private: owned by this user, a real
    folder (not a link), mode 0700."""
    base = os.environ.get("XDG_RUNTIME_DIR")
    uid = os.getuid()
    if base and os.path.isabs(base):
        folder = os.path.join(base, "briefdeck")
    else:
        folder = os.path.join(os.environ.get("TMPDIR") or "/tmp", f"briefdeck-{uid}")
    try:
        st = os.lstat(folder)
    except FileNotFoundError:
        if not make:
            return None
        try:
            os.mkdir(folder, 0o700)
            st = os.lstat(folder)
        except OSError:
            return None
    except OSError:
        return None
    private = (st.st_mode & 0o170000) == 0o040000 and st.st_uid == uid and not st.st_mode & 0o077
    return folder if private else None


def socket_path(key: str, make: bool = False) -> Optional[str]:
    """Where the server of the installation ``key`` listens (None: no private folder, or a path too
    long for a Unix socket)."""
    folder = socket_dir(make)
    if folder is None:
        return None
    path = os.path.join(folder, f"{key[:24]}.sock")
    return path if len(os.fsencode(path)) < 104 else None


def peer_uid(sock) -> Optional[int]:
    """The user id of the process at the other end of a Unix socket (Linux: SO_PEERCRED), or None
    where the system cannot say (the private folder guards the socket there)."""
    import _socket

    opt = getattr(_socket, "SO_PEERCRED", None)
    if opt is None:
        return None
    creds = sock.getsockopt(_socket.SOL_SOCKET, opt, 12)  # struct ucred: pid, uid, gid
    return int.from_bytes(creds[4:8], sys.byteorder)


def frame(obj) -> bytes:
    """A message: its length, then the marshalled ``obj``."""
    data = marshal.dumps(obj)
    return len(data).to_bytes(4, "big") + data


def send(sock, obj, fds: tuple[int, ...] = ()) -> None:
    """One message (``frame``); ``fds`` travel with its first bytes."""
    import _socket

    data = frame(obj)
    if fds:
        rights = b"".join(fd.to_bytes(4, sys.byteorder, signed=True) for fd in fds)
        data = data[sock.sendmsg([data], [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, rights)]):]
    while data:
        data = data[sock.send(data):]


def receive(sock):
    """The next message (``send``); EOFError when the other end has closed."""
    head = exactly(sock, 4)
    return marshal.loads(exactly(sock, int.from_bytes(head, "big")))


def receive_with_fds(sock, most: int) -> tuple[object, list[int]]:
    """The next message (``send``) and the file descriptors, at most ``most``, that came with its
    first bytes (the server's side, which has ``socket`` imported); EOFError when the other end has
    closed. The descriptors are closed when the message cannot be read."""
    import socket

    data, fds, _, _ = socket.recv_fds(sock, 1 << 16, most)
    try:
        if len(data) < 4:
            raise EOFError
        need = int.from_bytes(data[:4], "big") - (len(data) - 4)
        return marshal.loads(data[4:] + (exactly(sock, need) if need > 0 else b"")), fds
    except BaseException:
        for fd in fds:
            os.close(fd)
        raise


def exactly(sock, n: int) -> bytes:
    got = b""
    while len(got) < n:
        part = sock.recv(n - len(got))
        if not part:
            raise EOFError
        got += part
    return got


def connect(path: str, timeout: float = REACH_S):
    """A connection to the server listening at ``path``, checked to be this user's; OSError when
    there is none (no socket file, nobody listening: a server gone) or it is another user's."""
    import _socket

    sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect(path)
        uid = peer_uid(sock)
        if uid is not None and uid != os.getuid():
            raise PermissionError(f"{path}: another user's socket")
    except BaseException:
        sock.close()
        raise
    return sock


def hand_over(argv: list[str]) -> Optional[int]:
    """The exit code of the build a server made for this process, or None: build here."""
    args = argv[1:]
    if os.environ.get(SWITCH, "").strip().lower() in ("0", "off", "no", "false") or NO_SERVER in args or "--watch" in args:
        return None
    if args and args[0] in NOT_BUILDS or not hasattr(os, "fork"):
        return None
    try:
        return _hand_over(argv)
    except (OSError, EOFError, ValueError, TypeError):  # no server, or not one to rely on: build here
        return None


def _hand_over(argv: list[str]) -> Optional[int]:
    import signal

    key = installation_key()
    path = socket_path(key)
    if path is None:
        return None
    for fd in (0, 1, 2):
        os.fstat(fd)  # a closed standard stream: OSError, built here (where it is what it was)
    sock = connect(path)
    # from the moment the build may start, the signals that would stop it are the child's: relayed
    # once it has started, kept until then (and raised here again if the build is made here after all)
    child, heard = [], []

    def relay(signum, _frame) -> None:
        heard.append(signum)
        if child:
            try:
                send(sock, ("signal", signum))
            except OSError:
                pass

    stopping = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    before = [signal.signal(sig, relay) for sig in stopping]
    code = None
    try:
        mask = os.umask(0o022)
        os.umask(mask)
        streams = [None if s is None else (s.encoding, s.errors, s.line_buffering, s.write_through)
                   for s in (sys.stdin, sys.stdout, sys.stderr)]
        send(sock, ("build", key, list(argv), os.getcwd(), dict(os.environ), mask, streams, sys.path[0]), fds=(0, 1, 2))
        sock.settimeout(STARTED_S)
        answer = receive(sock)
        if answer[0] != "started":  # refused: another installation's, or stopping
            return None
        child.append(answer[1])
        for signum in heard:
            relay(signum, None)
        code = _wait(sock, answer[1])
        return code
    finally:
        sock.close()
        if code is None:  # built here: as if nothing had been tried
            for sig, handler in zip(stopping, before):
                signal.signal(sig, handler)
            if heard and not child:
                signal.raise_signal(heard[0])


def _wait(sock, child: int) -> Optional[int]:
    """The child's exit code; None when the server went away before it said (its children stop
    with it: then built here)."""
    import signal

    sock.settimeout(None)
    try:
        kind, value = receive(sock)
    except (OSError, EOFError):
        _gone(child)
        return None
    if kind == "killed":  # by a signal, as a local build would have been: this process ends the same way
        signal.signal(value, signal.SIG_DFL)
        os.kill(os.getpid(), value)
        return 128 + value
    return value


def _gone(pid: int, within: float = 30.0) -> None:
    """Wait until the child of a vanished server has unwound (it stops with it), so that the build
    made here does not find the output folder locked by it."""
    import time

    end = time.monotonic() + within
    while time.monotonic() < end:
        try:
            os.kill(pid, 0)
        except OSError:
            return
        time.sleep(0.02)
