"""The `command` sink: run a program with the secret on its standard input and nowhere else.

No shell, a minimal environment (PATH, HOME, locale, TMPDIR and what `pass_env` names), and the
exit code tells what happened: 0 stored, 10 refused with nothing stored, anything else unknown.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

from openrouter_iac.errors import redact
from openrouter_iac.model.sinks import CommandSinkSpec
from openrouter_iac.secrets import fsutil
from openrouter_iac.secrets.base import BaseSink, KeyRef, expand, os_reason
from openrouter_iac.secrets.envelope import EXIT_REFUSED, envelope, outcome_of

DEFAULT_TIMEOUT = 60.0
_TAIL_LINES = 5
_TAIL_CHARS = 600
# Environment values that look like OpenRouter keys (the management key above all) are not
# passed on: the command only needs the new secret, and that arrives on stdin.
_OPENROUTER_KEY_MARK = "sk-or-"
# What any program needs to start and find its own configuration; everything else is opt-in.
BASE_ENV = ("PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TZ", "SYSTEMROOT")


def child_environment(
    base: Mapping[str, str], *, ref: KeyRef, key_hash: str, secret: str, pass_env: Sequence[str] = ()
) -> dict[str, str]:
    """The few variables of ``base`` a program needs plus those named in ``pass_env``, never one
    holding the secret or any OpenRouter key, plus non-secret ORCTL_* context."""
    wanted = (*BASE_ENV, *pass_env)
    env = {
        name: base[name]
        for name in wanted
        if name in base and secret not in base[name] and _OPENROUTER_KEY_MARK not in base[name]
    }
    env.update(ORCTL_WORKSPACE=ref.workspace, ORCTL_KEY=ref.key, ORCTL_KEY_HASH=key_hash)
    return env


def output_tail(output: bytes, secret: str) -> str:
    """The last few lines of a command's output with the secret masked, for an error message."""
    # Redact before trimming, so a cut can never leave part of the secret behind unmasked.
    text = redact(output.decode("utf-8", errors="replace"), secret)
    lines = [line.rstrip() for line in text.splitlines() if line.strip()][-_TAIL_LINES:]
    tail = "\n".join(f"    | {line}" for line in lines)
    return tail if len(tail) <= _TAIL_CHARS else "    | ..." + tail[-_TAIL_CHARS:]


class CommandSink(BaseSink):
    """Runs `spec.run` per key; the optional `hash_record` file keeps the key hash (0600)."""

    kind = "command"
    readable = False

    def __init__(
        self,
        name: str,
        spec: CommandSinkSpec,
        *,
        base_dir: Path,
        env: Mapping[str, str] | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        super().__init__(name)
        self.spec = spec
        self.base_dir = base_dir
        self.env = env
        self.timeout = timeout
        self._one_at_a_time = threading.Lock()
        """A parallel apply stores several keys at once; a user's command (a password store
        committing to git, a script appending to a file) need not be safe run concurrently."""

    def argv_for(self, ref: KeyRef) -> list[str]:
        return [expand(arg, ref) for arg in self.spec.run]

    def hash_path_for(self, ref: KeyRef) -> Path | None:
        if self.spec.hash_record is None:
            return None
        return self.resolve_path(self.spec.hash_record, ref, self.base_dir)

    def _environment(self) -> Mapping[str, str]:
        return os.environ if self.env is None else self.env

    def _program(self, program: str) -> str | None:
        """Absolute path of the program to run, or None when it cannot be found or run."""
        if os.sep in program or (os.altsep and os.altsep in program):
            path = Path(program).expanduser()
            path = path if path.is_absolute() else self.base_dir / path
            return str(path) if path.is_file() and os.access(path, os.X_OK) else None
        return shutil.which(program, path=self._environment().get("PATH", os.defpath))

    def _missing_program(self, ref: KeyRef, program: str, *, refused: bool = False) -> Exception:
        where = "is not an executable file" if os.sep in program else "was not found on PATH"
        return self.error(
            ref,
            f"the program {program!r} {where}",
            hint="install it, or fix the first element of the sink's `run` list",
            refused=refused,
        )

    def check_usable(self, refs: Sequence[KeyRef]) -> None:
        owners: dict[Path, KeyRef] = {}
        for ref in refs:
            program = self.argv_for(ref)[0]
            if self._program(program) is None:
                raise self._missing_program(ref, program)
            hash_path = self.hash_path_for(ref)
            if hash_path is None:
                continue
            owner = owners.setdefault(hash_path, ref)
            if owner != ref:
                raise self.error(
                    [owner, ref],
                    f"both keys would record their hash in the same file {hash_path}",
                    hint="put {key} (and {workspace} if keys span workspaces) in `hash_record`",
                )
            problem = fsutil.target_problem(hash_path)
            if problem:
                raise self.error(ref, problem, hint="fix the permissions or change `hash_record`")

    def store(self, ref: KeyRef, key_hash: str, secret: str, *, expires_at: str | None = None) -> None:
        self.require_secret(ref, secret)
        argv = self.argv_for(ref)
        program = self._program(argv[0])
        if program is None:
            raise self._missing_program(ref, argv[0], refused=True)
        hash_path = self.hash_path_for(ref)
        try:
            if hash_path is not None:
                fsutil.remove(hash_path)  # a stale hash must never describe the new secret
        except OSError as exc:
            raise self.error(ref, f"could not remove the old hash record: {os_reason(exc)}", refused=True) from None
        env = child_environment(
            self._environment(), ref=ref, key_hash=key_hash, secret=secret, pass_env=self.spec.pass_env
        )
        stdin = envelope(ref, key_hash, secret, expires_at) if self.spec.input == "envelope" else secret.encode()
        with self._one_at_a_time:
            self._run([program, *argv[1:]], ref, env, secret, stdin)
        if hash_path is not None:
            try:
                fsutil.write_hash(hash_path, key_hash)
            except OSError as exc:
                raise self.error(
                    ref, f"the command succeeded but the hash could not be recorded: {os_reason(exc)}"
                ) from None

    def _run(self, argv: list[str], ref: KeyRef, env: dict[str, str], secret: str, stdin: bytes) -> None:
        shown = argv[0]
        try:
            # Own session, so a timeout can stop the command's children too.
            proc = subprocess.Popen(
                argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                cwd=self.base_dir,
                start_new_session=os.name == "posix",
            )
        except OSError as exc:
            raise self.error(ref, f"could not start {shown}: {os_reason(exc)}", secret=secret, refused=True) from None
        try:
            stdout, stderr = proc.communicate(stdin, timeout=self.timeout)
        except subprocess.TimeoutExpired:
            _kill(proc)
            raise self.error(
                ref,
                f"the command {shown} did not finish within {self.timeout:g} s and was stopped",
                hint="check that it does not wait for input beyond the secret on stdin (e.g. a prompt)",
            ) from None
        except BaseException:
            _kill(proc)  # e.g. Ctrl-C: its own session would otherwise let it run on unattended
            raise
        outcome = outcome_of(proc.returncode)
        if outcome == "stored":
            return  # its output is dropped unseen: it could echo the secret
        code = proc.returncode
        if outcome == "refused":
            reason = f"refused the secret (exit code {EXIT_REFUSED}: nothing stored)"
        elif code > 0:
            reason = f"exited with code {code} (the secret may or may not be stored)"
        else:
            reason = f"was killed by signal {-code} (the secret may or may not be stored)"
        tail = output_tail(stderr or stdout, secret)
        message = f"the command {shown} {reason}" + (f"; its output ended with:\n{tail}" if tail else "")
        hint = "run the command by hand to see why it fails"
        raise self.error(ref, message, hint=hint, secret=secret, refused=outcome == "refused")

    def verify(self, ref: KeyRef, key_hash: str, secret: str) -> None:
        # The command cannot be read back: its success was the verification. Only the hash
        # record, if any, can be checked.
        if self.spec.hash_record is not None and self.recorded_hash(ref) != key_hash:
            raise self.error(ref, f"the hash record does not hold the key hash {key_hash}", secret=secret)

    def recorded_hash(self, ref: KeyRef) -> str | None:
        hash_path = self.hash_path_for(ref)
        if hash_path is None:
            return None
        try:
            return fsutil.read_hash(hash_path)
        except OSError as exc:
            raise self.error(ref, f"could not read the recorded hash: {os_reason(exc)}") from None

    def read_secret(self, ref: KeyRef) -> str | None:
        return None

    def remove(self, ref: KeyRef) -> bool:
        # The command only knows how to store; the hash record at least stops claiming the key.
        hash_path = self.hash_path_for(ref)
        if hash_path is not None:
            try:
                fsutil.remove(hash_path)
            except OSError as exc:
                raise self.error(ref, f"could not remove the hash record: {os_reason(exc)}") from None
        return False

    def location(self, ref: KeyRef) -> str:
        return " ".join(self.argv_for(ref))


def _kill(proc: subprocess.Popen[bytes]) -> None:
    killpg = getattr(os, "killpg", None)
    sigkill = getattr(signal, "SIGKILL", None)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if killpg is not None and sigkill is not None:
            killpg(proc.pid, sigkill)
        else:
            proc.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.communicate(timeout=5)
