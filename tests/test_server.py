"""``briefdeck serve`` and the hand-over (buildserver.py, handoff.py): a build handed to the server
writes, says and returns what a local build does; a client that should not or cannot hand over
builds itself; a cancelled build leaves the last outputs and no process behind.

One server per module (its own private socket folder: ``XDG_RUNTIME_DIR``); whether a build was
handed over is read from the server's JSON log (a ``served`` event per build)."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from briefdeck import handoff

from .conftest import DEFAULT_SOURCE, EXAMPLES, ROOT

LOADED_S = 120  # a loaded 2-core machine: a server's warm-up or a cold build may take long


def _env(runtime: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != handoff.SWITCH}
    return {**env, "XDG_RUNTIME_DIR": str(runtime), **extra}


class Server:
    def __init__(self, runtime: Path, *args: str):
        runtime.mkdir(mode=0o700, exist_ok=True)
        self.runtime, self.log = runtime, runtime / "serve.log"
        with self.log.open("w") as log:
            self.proc = subprocess.Popen([sys.executable, "-m", "briefdeck", "serve", "--log-format", "json", *args], cwd=ROOT,
                                         env=_env(runtime), stdout=subprocess.DEVNULL, stderr=log)
        self.wait_for(lambda e: e["event"] == "serving")

    def events(self) -> list[dict]:
        return [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines() if line.startswith("{")]

    def served(self) -> list[dict]:
        return [e for e in self.events() if e["event"] == "served"]

    def wait_for(self, test, within: float = LOADED_S) -> dict:
        end = time.monotonic() + within
        while time.monotonic() < end:
            ended = self.proc.poll() is not None
            found = [e for e in self.events() if test(e)]
            if found:
                return found[-1]
            if ended:
                break
            time.sleep(0.05)
        raise AssertionError(f"not in the server's log: {self.log.read_text()}")

    def build(self, *args: str, cwd: Path = ROOT, **env: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd, env=_env(self.runtime, **env),
                              capture_output=True, text=True, timeout=LOADED_S * 2)

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(LOADED_S)


@pytest.fixture(scope="module")
def server():
    short = Path(tempfile.mkdtemp(prefix="bd-"))  # a socket's path is short (about 100 bytes)
    s = Server(short / "runtime", "--idle", "10")
    yield s
    s.stop()
    shutil.rmtree(short)


def _project(tmp_path: Path) -> Path:
    """A copy of the default source in a project of its own (its assets beside it), to edit."""
    shutil.copytree(ROOT / "assets", tmp_path / "assets")
    (tmp_path / "source").mkdir()
    src = tmp_path / "source" / DEFAULT_SOURCE.name
    src.write_text(DEFAULT_SOURCE.read_text(encoding="utf-8"), encoding="utf-8")
    return src


def _digests(out: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.iterdir()) if p.suffix in (".pdf", ".pptx", ".html")}


def _handed(server: Server, before: int, argv_tail: str) -> dict:
    """The served event of the build whose arguments end so, after ``before`` events."""
    return server.wait_for(lambda e: e["event"] == "served" and " ".join(e["argv"]).endswith(argv_tail)
                           and server.served().index(e) >= before, within=30)


def _served_since(server: Server, before: int, n: int) -> list[dict]:
    """The ``n`` served events after the first ``before`` (each is logged once its client has its answer)."""
    end = time.monotonic() + 30
    while len(server.served()) < before + n and time.monotonic() < end:
        time.sleep(0.02)
    return server.served()[before:]


@pytest.mark.quick
def test_the_socket_folder_is_private(server, tmp_path, monkeypatch):
    folder = server.runtime / "briefdeck"
    st = folder.stat()
    assert stat.S_IMODE(st.st_mode) == 0o700 and st.st_uid == os.getuid()
    assert [p.suffix for p in folder.iterdir() if p.suffix == ".sock"] == [".sock"]
    # a folder others may enter, or a link, is not used: no server is looked for there
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    (tmp_path / "briefdeck").mkdir(mode=0o755)
    os.chmod(tmp_path / "briefdeck", 0o755)
    assert handoff.socket_dir() is None and handoff.socket_path(handoff.installation_key(), make=True) is None
    (tmp_path / "briefdeck").rmdir()
    (tmp_path / "elsewhere").mkdir(mode=0o700)
    (tmp_path / "briefdeck").symlink_to(tmp_path / "elsewhere")
    assert handoff.socket_dir(make=True) is None
    (tmp_path / "briefdeck").unlink()
    assert handoff.socket_dir(make=True) == str(tmp_path / "briefdeck")
    assert stat.S_IMODE((tmp_path / "briefdeck").stat().st_mode) == 0o700


@pytest.mark.quick
def test_the_key_follows_what_the_libraries_read_at_import(monkeypatch):
    key = handoff.installation_key()
    assert handoff.installation_key() == key
    monkeypatch.setenv("MPLBACKEND", "svg")  # matplotlib reads it when imported: a server imported it without
    assert handoff.installation_key() != key
    monkeypatch.delenv("MPLBACKEND")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")  # read by each build, not at import: the same server serves it
    assert handoff.installation_key() == key


@pytest.mark.quick
def test_a_bad_source_says_the_same_and_exits_2(server, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("meta:\n  title: [unclosed\n", encoding="utf-8")
    for fmt in ("text", "json"):
        before = len(server.served())
        there = server.build(str(bad), "--out", str(tmp_path / "out"), "--log-format", fmt)
        event = _handed(server, before, f"--log-format {fmt}")
        here = server.build(str(bad), "--out", str(tmp_path / "out"), "--log-format", fmt, "--no-server")
        assert there.returncode == here.returncode == event["exit"] == 2
        assert there.stderr == here.stderr and str(bad) in there.stderr and "Traceback" not in there.stderr
        assert there.stdout == here.stdout == ""
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").glob("*.pdf"))


@pytest.mark.quick
def test_no_server_the_switch_and_another_installation_build_here(server, tmp_path):
    src = EXAMPLES / "two-speaker-panel.yaml"
    before = len(server.served())
    for args, env in ((["--no-server"], {}), ([], {handoff.SWITCH: "0"}), ([], {"MPL_BRIEFDECK_TEST": "1"})):
        proc = server.build("--check", str(src), *args, **env)  # the last: another key, as after an upgrade
        assert proc.returncode == 0 and f"{src}: ok" in proc.stderr, proc.stderr
    handed = server.build("--check", str(src))
    assert handed.returncode == 0 and f"{src}: ok" in handed.stderr
    assert [e["argv"] for e in _served_since(server, before, 1)] == [["--check", str(src)]]


def test_outputs_are_a_local_builds_byte_for_byte(server, tmp_path):
    """The default source and a corpus example, cold (charts drawn), handed over at the same time
    (each to a child of its own), against local builds; then a prose edit of the default source."""
    corpus = EXAMPLES / "us-house-south-sudan-2016" / "us-house-south-sudan-2016.yaml"
    before = len(server.served())
    env = _env(server.runtime)
    clients = [subprocess.Popen([sys.executable, str(ROOT / "build.py"), str(src), "--out", str(tmp_path / f"served-{n}"), "--jobs", "2"],
                                cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for n, src in enumerate((DEFAULT_SOURCE, corpus))]
    said = [c.communicate(timeout=LOADED_S * 3) for c in clients]
    assert [c.returncode for c in clients] == [0, 0], said
    events = _served_since(server, before, 2)
    assert len(events) == 2 and len({e["pid"] for e in events}) == 2 and all(e["exit"] == 0 for e in events)
    for n, src in enumerate((DEFAULT_SOURCE, corpus)):
        here = server.build(str(src), "--out", str(tmp_path / f"local-{n}"), "--jobs", "2", "--no-server")
        assert here.returncode == 0, here.stderr
        served, local = _digests(tmp_path / f"served-{n}"), _digests(tmp_path / f"local-{n}")
        assert served == local and len(served) == 3
        assert said[n][1].replace(f"served-{n}", "X") == here.stderr.replace(f"local-{n}", "X")  # the same lines, "wrote ..."
    edited = _project(tmp_path)
    text = DEFAULT_SOURCE.read_text(encoding="utf-8")
    assert "Finally" in text
    made = {}
    for where, extra in (("served-e", ()), ("local-e", ("--no-server",))):
        before = len(server.served())
        for n, words in enumerate((("", ""), ("Finally", "Lastly"), ("Lastly", "Finally"))):
            edited.write_text(text.replace(*words, 1) if n != 2 else text.replace("Finally", "At last", 1), encoding="utf-8")
            assert server.build(str(edited), "--out", str(tmp_path / where), "--quiet", *extra).returncode == 0
            made[where, n] = _digests(tmp_path / where)
        if not extra:  # the later builds were made by the child that made the first, kept warm (as --watch rebuilds)
            assert [e["warm"] for e in _served_since(server, before, 3)] == [False, True, True]
    assert all(made["served-e", n] == made["local-e", n] for n in range(3))
    assert len({made["local-e", n]["canada-minusma-panel-2018.pdf"] for n in range(3)}) == 3


def _children(pid: int) -> list[int]:
    found = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if int((d / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(d.name))
            except (OSError, IndexError, ValueError):
                pass
    return found


def _alive(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc")
@pytest.mark.parametrize("how", ["SIGINT", "SIGINT to a warm child", "SIGKILL", "crash"])
def test_a_cancelled_build_leaves_the_last_outputs_and_no_process(server, tmp_path, how):
    """Ctrl-C on the client reaches its child, which stops as a local build does; a client killed
    with -9 has its child stopped by the server; a child that crashes (SIGSEGV) ends its client the
    same way and not the server. Either way the outputs are the last good ones."""
    out = tmp_path / "out"
    src = _project(tmp_path)
    argv = [sys.executable, str(ROOT / "build.py"), str(src), "--out", str(out), "--force", "--jobs", "2"]
    first = subprocess.run(argv, cwd=ROOT, env=_env(server.runtime), capture_output=True, timeout=LOADED_S * 2)
    assert first.returncode == 0
    kept = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    mine = server.wait_for(lambda e: e["event"] == "served" and e["argv"] == argv[2:])["pid"]
    if how != "SIGINT to a warm child":  # another build: a child forked for it (the one above stays warm)
        argv.append("--quiet")
    before, warm = len(server.served()), set(_children(server.proc.pid))
    client = subprocess.Popen(argv, cwd=ROOT, env=_env(server.runtime), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    end = time.monotonic() + LOADED_S
    if how == "SIGINT to a warm child":
        child = [mine]
        while not _children(mine) and time.monotonic() < end and client.poll() is None:  # the build forks its deck
            time.sleep(0.01)
    else:
        while not set(_children(server.proc.pid)) - warm and time.monotonic() < end and client.poll() is None:
            time.sleep(0.01)
        child = sorted(set(_children(server.proc.pid)) - warm)
    assert child, "the build was not handed over"
    time.sleep(0.5)  # into the build: loading, drawing
    family = child + [p for c in child for p in _children(c)]
    if how == "crash":
        os.kill(child[0], signal.SIGSEGV)
    else:
        client.send_signal(getattr(signal, how.split()[0]))
    _, err = client.communicate(timeout=LOADED_S)
    event = _handed(server, before, " ".join(argv[3:]))
    assert event["pid"] == child[0] and event["warm"] == (how == "SIGINT to a warm child")
    if how.startswith("SIGINT"):
        assert client.returncode == 130 == event["exit"] and "stopped by SIGINT" in err and "Traceback" not in err
    elif how == "SIGKILL":
        assert event["client_gone"] and event["exit"] == 128 + signal.SIGTERM
    else:
        assert client.returncode == -signal.SIGSEGV and event["killed"] == signal.SIGSEGV
        before = len(server.served())
        assert server.proc.poll() is None and server.build("--check", str(src)).returncode == 0
        assert [e["argv"] for e in _served_since(server, before, 1)] == [["--check", str(src)]]
    end = time.monotonic() + 30
    while any(_alive(p) for p in family) and time.monotonic() < end:
        time.sleep(0.05)
    assert not [p for p in family if _alive(p)]
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == kept
    if how != "crash":  # a crash leaves its temporary files, as a local build's does: the next build removes them
        assert not [p for p in out.rglob("*") if p.name.startswith(".tmp-briefdeck-")]


@pytest.mark.quick
def test_status_stop_and_idle(server, tmp_path):
    status = subprocess.run([sys.executable, "-m", "briefdeck", "serve", "--status"], cwd=ROOT, env=_env(server.runtime),
                            capture_output=True, text=True, timeout=60)
    assert status.returncode == 0 and f"(pid {server.proc.pid}," in status.stderr
    nobody = subprocess.run([sys.executable, "-m", "briefdeck", "serve", "--status"], cwd=ROOT, env=_env(tmp_path / "none"),
                            capture_output=True, text=True, timeout=60)
    assert nobody.returncode == 1 and "no briefdeck serve runs" in nobody.stderr
    # a second server of the installation is refused: one per user and installation
    second = subprocess.run([sys.executable, "-m", "briefdeck", "serve"], cwd=ROOT, env=_env(server.runtime),
                            capture_output=True, text=True, timeout=LOADED_S)
    assert second.returncode == 3 and "runs already" in second.stderr
    short = Path(tempfile.mkdtemp(prefix="bd-"))  # a socket's path is short (about 100 bytes)
    idle = Server(short / "idle", "--idle", "0.01")  # 0.6 s
    assert idle.proc.wait(LOADED_S) == 0
    assert "idle" in idle.wait_for(lambda e: e["event"] == "stopped")["reason"]
    assert not list((short / "idle" / "briefdeck").glob("*.sock"))
    stopped = Server(short / "stopped", "--idle", "0")
    told = subprocess.run([sys.executable, "-m", "briefdeck", "serve", "--stop"], cwd=ROOT, env=_env(stopped.runtime),
                          capture_output=True, text=True, timeout=LOADED_S)
    assert told.returncode == 0 and "stopped" in told.stderr and stopped.proc.wait(30) == 0
    assert not list((short / "stopped" / "briefdeck").glob("*.sock"))
    shutil.rmtree(short)


def test_the_child_takes_the_clients_umask_and_folder(server, tmp_path):
    """Files are made with the client's umask, relative paths read from its folder."""
    src = _project(tmp_path).relative_to(tmp_path)
    modes = {}
    for where, extra in (("served", ()), ("local", ("--no-server",))):
        before = len(server.served())
        proc = subprocess.run([sys.executable, str(ROOT / "build.py"), str(src), "--format", "html", "--out", where, "--quiet", *extra],
                              cwd=tmp_path, env=_env(server.runtime), capture_output=True, text=True, timeout=LOADED_S * 2,
                              preexec_fn=lambda: os.umask(0o027))
        assert proc.returncode == 0, proc.stderr
        assert len(_served_since(server, before, 1 if not extra else 0)) == (0 if extra else 1)
        modes[where] = {p.name: stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / where).iterdir() if p.is_file()}
    assert modes["served"] == modes["local"] and modes["local"][f"{src.stem}.html"] & 0o027 == 0
    assert _digests(tmp_path / "served") == _digests(tmp_path / "local")


@pytest.mark.quick
def test_help_and_version_end_as_they_do_here(server):
    """argparse ends these with SystemExit: the child ends as the interpreter would, all said."""
    for args in (["--version"], ["--help"], ["serve", "--help"]):
        before = len(server.served())
        there = server.build(*args)
        here = server.build(*args, BRIEFDECK_SERVER="0")
        assert (there.returncode, there.stdout, there.stderr) == (here.returncode, here.stdout, here.stderr) == (0, here.stdout, "")
        assert here.stdout.strip()
        assert len(_served_since(server, before, 0 if args[0] == "serve" else 1)) == (0 if args[0] == "serve" else 1)
