"""Output-folder policy shared by ``newsframe tables``, ``newsframe render`` and the corpus engine.

An output folder (``--out``) is accepted when it is new, empty, or was written by newsframe before, which
is recognised by the manifest :data:`MANIFEST` (``newsframe.json``) listing every file the tool wrote there.
Anything else is refused with a one-line error before any work is done, unless ``force=True``
(``--force``); even then a file newsframe did not write is never replaced or deleted.

Use :func:`claim_output`::

    with claim_output(out, inputs=[source], force=force, command="tables") as staging:
        frame.to_csv(staging / "sentences.csv")      # write everything into ``staging``

On success the files in ``staging`` replace the ones of the previous run, files of the previous run
that this run did not write are removed (they came from another input), and files nobody listed in the
manifest are left alone. On any failure, Ctrl-C, SIGTERM or SIGHUP the staging folder is removed and the
folder is as it was (a folder the claim created is removed again).

How the commit stays safe: the new manifest is first written listing the old and the new files (so a
crash in the middle leaves a manifest that still covers everything the tool wrote), then each file is
moved into place with :func:`os.replace` (atomic per file), then stale files are removed, then the final
manifest replaces the journal. A lock file (:data:`LOCK`, held with ``fcntl.flock``, released by the OS
when the process dies) makes a second run into the same folder fail at once instead of racing.
"""
from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import signal
import tempfile
import threading
import time
from pathlib import Path, PurePosixPath
from typing import Any, Iterable, Iterator

from .errors import NewsframeError

MANIFEST = "newsframe.json"
LOCK = ".newsframe.lock"
STAGING_PREFIX = ".newsframe-staging-"
# Names inside --out that belong to the machinery, never to a table or report.
RESERVED = frozenset({MANIFEST, LOCK})
_TOOL = "newsframe"


class Terminated(KeyboardInterrupt):
    """Raised in the main thread when SIGINT, SIGTERM or SIGHUP arrives while an output folder is claimed.

    A subclass of :class:`KeyboardInterrupt`, so every ``finally``/``except BaseException`` cleanup that
    already handles Ctrl-C runs for these signals too, and the CLI reports "interrupted".
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


# -- manifest --------------------------------------------------------------------------------------

def read_manifest(out: str | Path) -> dict[str, Any] | None:
    """The manifest of a folder newsframe wrote, or ``None`` when there is none (or it is not ours).

    Returns
    -------
    dict or None
        ``{"tool": "newsframe", "command": ..., "files": [relative POSIX paths], ...}``.
    """
    path = Path(out) / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict) or data.get("tool") != _TOOL or not isinstance(data.get("files"), list):
        return None
    files = data["files"]
    if not all(isinstance(f, str) and _is_safe_relative(f) for f in files):
        return None  # a manifest pointing outside the folder is not one we wrote
    return data


def _is_safe_relative(name: str) -> bool:
    p = PurePosixPath(name)
    return bool(name) and not p.is_absolute() and ".." not in p.parts and "\\" not in name and p.parts[0] != "."


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


# -- checks made before any work -------------------------------------------------------------------

def check_not_overlapping(out: Path, inputs: Iterable[str | Path]) -> None:
    """Refuse an output folder that is, contains or lies inside one of ``inputs`` (paths only)."""
    for raw in inputs:
        if raw is None:
            continue
        try:
            src = Path(raw).expanduser()
            if not src.exists():
                continue  # not a path (article text given directly) or checked elsewhere
            src = src.resolve()
        except (OSError, ValueError, TypeError):  # a DataFrame or list given to the Python API
            continue
        if out == src:
            raise NewsframeError(f"--out {out} is the input itself; choose another folder")
        if _inside(out, src):
            raise NewsframeError(f"--out {out} lies inside the input {src}; choose a folder outside it")
        if _inside(src, out):
            raise NewsframeError(f"--out {out} contains the input {src}; choose a folder that does not")


def _inside(child: Path, parent: Path) -> bool:
    try:
        child.relative_to(parent)
    except ValueError:
        return False
    return child != parent


def _foreign_entries(out: Path, manifest: dict | None) -> list[str]:
    """Entries of ``out`` that make it a user's folder: none when newsframe's manifest is there (a folder
    the tool wrote is accepted; files added to it since are kept, never replaced), else every entry but
    the lock and stale staging folders of a killed run."""
    if manifest is not None:
        return []
    return [e for e in sorted(os.listdir(out)) if e != LOCK and not e.startswith(STAGING_PREFIX)]


def _listed_files(manifest: dict | None) -> set[str]:
    return set((manifest or {}).get("files", []))


def _conflicts(out: Path, names: Iterable[str], listed: set[str]) -> list[str]:
    """Names the run would write over that exist in ``out`` and are not files the tool wrote."""
    bad = []
    for name in names:
        target = out / name
        if name in RESERVED:
            bad.append(name)
        elif (target.exists() or target.is_symlink()) and (name not in listed or not _is_plain_file(target)):
            bad.append(name)
        else:
            # a parent folder of the file must not be a user's file either
            parent = PurePosixPath(name).parent
            while str(parent) != ".":
                p = out / parent
                if (p.exists() or p.is_symlink()) and (not p.is_dir() or p.is_symlink()):
                    bad.append(name)
                    break
                parent = parent.parent
    return bad


def _is_plain_file(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()


# -- the claim ---------------------------------------------------------------------------------------

@contextlib.contextmanager
def claim_output(out: str | Path, *, inputs: Iterable[str | Path] = (), force: bool = False,
                 command: str = "tables", expect: Iterable[str] = (), meta: dict[str, Any] | None = None
                 ) -> Iterator[Path]:
    """Claim ``out`` for one run: check the policy, lock it, yield a staging folder, commit on success.

    Parameters
    ----------
    out
        The output folder (``--out``).
    inputs
        Input paths of the run; ``out`` may not be, contain or lie inside any of them. Strings that are
        not existing paths (article text) are ignored.
    force
        Accept a folder holding files newsframe did not write; those files are kept, and a run that would
        write over one of them fails before anything is replaced.
    command
        What is writing (``"tables"``, ``"render"``, ...), recorded in the manifest.
    expect
        Relative names the run will write, when known in advance (``["sentences.csv", ...]``): a clash with
        a file the tool did not write is then refused before any work.
    meta
        Extra JSON-serialisable facts for the manifest (input, options).

    Yields
    ------
    pathlib.Path
        An empty staging folder inside ``out``; write every output file into it (sub-folders allowed).

    Raises
    ------
    NewsframeError
        ``out`` is a file, overlaps the input, is not writable, is locked by another run, or holds files
        newsframe did not write (without ``force``); or, at commit, the run wrote a name that belongs to
        such a file.
    """
    out = Path(out).expanduser()
    try:
        out = out.resolve()
    except (OSError, RuntimeError) as exc:
        raise NewsframeError(f"--out {out}: cannot be resolved ({exc})") from None
    if out.exists() and not out.is_dir():
        raise NewsframeError(f"--out {out}: exists and is not a folder")
    check_not_overlapping(out, inputs)

    created = _make_folder(out)
    lock_fd = None
    scratch: Path | None = None
    restore = _install_signal_handlers()
    _SIGNALS["received"] = None
    try:
        lock_fd = _acquire_lock(out)
        manifest = read_manifest(out)
        foreign = _foreign_entries(out, manifest)
        if foreign and not force:
            shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
            raise NewsframeError(
                f"--out {out} holds files newsframe did not write ({shown}); choose a new or empty folder, "
                "or add --force to write beside them (they are never replaced)")
        listed = _listed_files(manifest)
        clash = _conflicts(out, expect, listed)
        if clash:
            raise NewsframeError(f"--out {out}: would replace {clash[0]}, which newsframe did not write; "
                                 "move it away or choose another folder")
        _remove_stale_staging(out)
        try:
            scratch = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))
            # The staging folder sits inside a scratch folder, so whatever a writer puts beside it (the
            # engine's own ".<name>.partial") is removed with it.
            staging = scratch / "files"
            staging.mkdir()
        except OSError as exc:
            raise _not_writable(out, exc) from None
        yield staging
        if _SIGNALS["received"] is not None:  # a signal whose exception was swallowed: stop, commit nothing
            raise Terminated(_SIGNALS["received"])
        with _signals_deferred():
            _commit(out, staging, manifest, command=command, meta=meta)
        shutil.rmtree(scratch, ignore_errors=True)
    except BaseException:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
        raise
    finally:
        _release_lock(out, lock_fd)
        if created:
            with contextlib.suppress(OSError):
                out.rmdir()  # only if the run left it empty: a failed first run leaves nothing behind
        restore()


def _make_folder(out: Path) -> bool:
    """Create ``out`` (and parents) if missing; return whether it was created here."""
    if out.is_dir():
        return False
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.mkdir()
    except FileExistsError:
        if not out.is_dir():
            raise NewsframeError(f"--out {out}: exists and is not a folder") from None
        return False  # another run created it a moment ago
    except OSError as exc:
        raise _not_writable(out, exc) from None
    return True


def _not_writable(out: Path, exc: OSError) -> NewsframeError:
    reason = exc.strerror or str(exc)
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return NewsframeError(f"--out {out}: cannot write there ({reason})")
    return NewsframeError(f"--out {out}: cannot write there ({reason})")


def _acquire_lock(out: Path) -> int:
    import fcntl

    path = out / LOCK
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise _not_writable(out, exc) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        try:
            holder = os.read(fd, 200).decode("utf-8", "replace").strip()
        except OSError:
            holder = ""
        os.close(fd)
        who = f" ({holder})" if holder else ""
        raise NewsframeError(f"--out {out}: another newsframe run is writing there{who}; wait for it to "
                             "finish or choose another folder") from None
    os.ftruncate(fd, 0)
    os.write(fd, f"pid {os.getpid()} since {time.strftime('%H:%M:%S')}".encode())
    return fd


def _release_lock(out: Path, fd: int | None) -> None:
    if fd is None:
        return
    # Unlink while still holding the lock, so no other run sees a released lock file we then delete.
    with contextlib.suppress(OSError):
        os.unlink(out / LOCK)
    os.close(fd)


def _remove_stale_staging(out: Path) -> None:
    # Left by a run killed with SIGKILL (nothing else skips the cleanup); we hold the lock, so none is live.
    for entry in os.listdir(out):
        if entry.startswith(STAGING_PREFIX) and (out / entry).is_dir() and not (out / entry).is_symlink():
            shutil.rmtree(out / entry, ignore_errors=True)


def _staged_files(staging: Path) -> list[str]:
    files = []
    for root, dirs, names in os.walk(staging):
        dirs.sort()
        for name in sorted(names):
            files.append((Path(root) / name).relative_to(staging).as_posix())
    return files


def _commit(out: Path, staging: Path, manifest: dict | None, *, command: str, meta: dict | None) -> None:
    new_files = _staged_files(staging)
    listed = _listed_files(manifest)
    clash = _conflicts(out, new_files, listed)
    if clash:
        raise NewsframeError(f"--out {out}: would replace {clash[0]}, which newsframe did not write; "
                             "nothing was changed: move it away or choose another folder")
    record = {"tool": _TOOL, "command": command, "written": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
              **(meta or {})}
    # 1. journal: a manifest covering old and new files, so a crash below leaves nothing unlisted
    _write_json(out / MANIFEST, {**record, "files": sorted(listed | set(new_files)), "complete": False})
    # 2. every new file into place (atomic per file)
    umask = os.umask(0)
    os.umask(umask)
    for rel in new_files:
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        src = staging / rel
        os.chmod(src, 0o666 & ~umask)  # staging files may be private (mkdtemp, mkstemp); outputs are shared
        os.replace(src, target)
    # 3. files of the previous run that this run did not write
    for rel in sorted(listed - set(new_files)):
        target = out / rel
        if _is_plain_file(target):
            with contextlib.suppress(OSError):
                target.unlink()
        _prune_empty_parents(out, PurePosixPath(rel).parent)
    # 4. the final manifest
    _write_json(out / MANIFEST, {**record, "files": new_files})
    shutil.rmtree(staging, ignore_errors=True)


def _prune_empty_parents(out: Path, rel_dir: PurePosixPath) -> None:
    while str(rel_dir) != ".":
        with contextlib.suppress(OSError):
            (out / rel_dir).rmdir()  # only succeeds when empty: a user's file keeps its folder
        rel_dir = rel_dir.parent


# -- signals ---------------------------------------------------------------------------------------

# While a commit runs, a signal is remembered and raised after it, so files are never half moved.
# "received": the first signal of the current claim. Python drops an exception raised while a finaliser or
# a garbage-collector callback runs ("Exception ignored in ..."), so a signal landing there would let the run
# go on; the claim checks this before it commits, and an interrupted run never commits.
_SIGNALS = {"defer": 0, "pending": None, "received": None}


def _on_signal(signum, frame):  # noqa: ARG001 - signal handler signature
    if _SIGNALS["received"] is None:
        _SIGNALS["received"] = signum
    if _SIGNALS["defer"]:
        _SIGNALS["pending"] = signum
        return
    raise Terminated(signum)


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    _SIGNALS["defer"] += 1
    try:
        yield
    finally:
        _SIGNALS["defer"] -= 1
    pending, _SIGNALS["pending"] = _SIGNALS["pending"], None
    if pending is not None and not _SIGNALS["defer"]:
        raise Terminated(pending)


def _install_signal_handlers():
    """Turn SIGINT, SIGTERM and SIGHUP into :class:`Terminated` while a folder is claimed; return the undo.

    Only signals still at Python's default disposition are taken over: an application's own handler
    (or a SIGHUP ignored by ``nohup``) stays in charge.
    """
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = {}
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        if sig is None:
            continue
        current = signal.getsignal(sig)
        if current in (signal.SIG_DFL, signal.default_int_handler):
            previous[sig] = current
            signal.signal(sig, _on_signal)

    def restore() -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    return restore
