"""A read-only index folder or a full disk gives a clear error, and the previous index stays in use."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from index.errors import IndexWriteError
from index.store import ensure_index, load_index

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
WORDS = {errno.ENOSPC: "no space left on the device holding", errno.EROFS: "is not writable"}


@pytest.fixture
def built(tmp_path: Path, embedder, write_corpus: Callable, articles: dict[str, str]) -> tuple[Path, Path]:  # noqa: ANN001
    corpus, index = write_corpus(tmp_path / "corpus", articles), tmp_path / "index"
    ensure_index(corpus, index, embedder)
    # A changed article, so the next ensure_index has to write a new build.
    (corpus / "geneva.txt").write_text((corpus / "geneva.txt").read_text() + "Delegates will meet again in May.\n")
    return corpus, index


def failing(code: int) -> Callable[..., None]:
    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code))

    return fail


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS], ids=["disk-full", "read-only"])
@pytest.mark.parametrize("where", ["arrays", "pointer swap"])
def test_write_failure_is_a_clear_error_and_the_previous_index_stays(
    built: tuple[Path, Path], embedder, monkeypatch: pytest.MonkeyPatch, code: int, where: str,  # noqa: ANN001
) -> None:
    corpus, index = built
    previous = load_index(index)
    if where == "arrays":  # while the build folder is being written
        monkeypatch.setattr("index.store.np.save", failing(code))
    else:  # at the very end: the build is complete and renamed into place, CURRENT cannot be replaced
        real_replace = os.replace

        def replace(src: object, dst: object) -> None:
            if Path(str(dst)).name == "CURRENT":
                failing(code)()
            real_replace(src, dst)  # type: ignore[arg-type]

        monkeypatch.setattr("index.store.os.replace", replace)
    with pytest.raises(IndexWriteError) as caught:
        ensure_index(corpus, index, embedder)
    message = str(caught.value)
    assert WORDS[code] in message and str(index) in message, message
    assert "previous index is still in use" in message
    monkeypatch.undo()
    after = load_index(index)  # checksums verified
    assert after.path == previous.path
    assert [d.text_hash for d in after.documents] == [d.text_hash for d in previous.documents]
    assert [p.name for p in (index / "builds").iterdir()] == [previous.path.name], "nothing half-written is left"


def test_cli_reports_a_full_disk_with_exit_code_2_and_no_traceback(built: tuple[Path, Path]) -> None:
    corpus, index = built
    script = textwrap.dedent("""
        import errno, os, numpy, torch
        torch.set_num_threads(1)

        def full(*args, **kwargs):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        numpy.save = full
        from qa.cli import main
        raise SystemExit(main(["index"]))
    """)
    env = {**os.environ, "QA_CORPUS_DIR": str(corpus), "QA_INDEX_DIR": str(index)}
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=180)
    assert done.returncode == 2, done.stderr
    assert f"qa index: no space left on the device holding {index}" in done.stderr
    assert "Traceback" not in done.stderr
    assert len(load_index(index).documents) == 3


def test_cli_reports_a_read_only_folder_with_exit_code_2(
    built: tuple[Path, Path], embedder, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],  # noqa: ANN001
) -> None:
    from qa.cli import main
    from qa.settings import get_settings

    corpus, index = built
    monkeypatch.setenv("QA_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("QA_INDEX_DIR", str(index))
    monkeypatch.setattr("index.embedder.Embedder", lambda *args, **kwargs: embedder)  # the loaded model
    monkeypatch.setattr("index.store.np.save", failing(errno.EROFS))
    get_settings.cache_clear()
    try:
        assert main(["index"]) == 2
    finally:
        get_settings.cache_clear()
    err = capsys.readouterr().err
    assert f"qa index: the index folder {index} is not writable (Read-only file system)" in err, err
