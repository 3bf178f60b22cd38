"""Sinks written by parallel key creates: two keys to one file never lose each other's lines."""

from __future__ import annotations

import threading
from pathlib import Path

from openrouter_iac.model.sinks import EnvFileSinkSpec, FileSinkSpec
from openrouter_iac.secrets import dotenv
from openrouter_iac.secrets.base import KeyRef
from openrouter_iac.secrets.env_file_sink import EnvFileSink
from openrouter_iac.secrets.file_sink import FileSink


def _at_once(work: list[threading.Thread]) -> None:
    for thread in work:
        thread.start()
    for thread in work:
        thread.join()


def test_parallel_stores_to_one_env_file_keep_every_line(tmp_path: Path) -> None:
    spec = EnvFileSinkSpec(type="env-file", path="ci.env")
    # Two sink objects on one file (two sinks declared with the same path): one lock per file.
    sinks = [EnvFileSink("a", spec, base_dir=tmp_path), EnvFileSink("b", spec, base_dir=tmp_path)]
    refs = [KeyRef("ws", f"key-{i:02d}") for i in range(40)]
    _at_once(
        [
            threading.Thread(target=sinks[i % 2].store, args=(ref, f"hash{i}", f"fake-secret-{i}"))
            for i, ref in enumerate(refs)
        ]
    )
    values = dotenv.parse((tmp_path / "ci.env").read_text())
    assert len(values) == 80
    for i, ref in enumerate(refs):
        sinks[0].verify(ref, f"hash{i}", f"fake-secret-{i}")
    _at_once([threading.Thread(target=sinks[i % 2].remove, args=(ref,)) for i, ref in enumerate(refs[:20])])
    assert len(dotenv.parse((tmp_path / "ci.env").read_text())) == 40


def test_parallel_stores_to_a_file_sink_write_each_secret_with_its_hash(tmp_path: Path) -> None:
    sink = FileSink("f", FileSinkSpec(type="file", path="s/{workspace}/{key}.key"), base_dir=tmp_path)
    refs = [KeyRef("ws", f"k{i}") for i in range(30)]
    _at_once([threading.Thread(target=sink.store, args=(r, f"h{i}", f"fake-secret-{i}")) for i, r in enumerate(refs)])
    for i, ref in enumerate(refs):
        sink.verify(ref, f"h{i}", f"fake-secret-{i}")
