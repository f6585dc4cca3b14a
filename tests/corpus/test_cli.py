"""The command line: exit codes, messages, progress and quiet output, start-up, choices, `normalize --offsets`."""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from corpus.cli import _raised_by_the_cluster, _starts_the_local_server, app, scheduler_problem
from corpus.defaults import LANGUAGES
from corpus.offsets import marked, page_offsets
from tests.fixtures import build

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = build.SAMPLES / "004_900349470cd22162.txt"
CASES = yaml.safe_load((ROOT / "tests" / "cases" / "cli.yaml").read_text(encoding="utf-8"))


def _run(*args: str):
    return CliRunner().invoke(app, ["run", *args])


def test_a_missing_path_is_a_usage_error(tmp_path):
    result = _run(str(tmp_path / "nowhere"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "no such file or folder" in result.output
    assert not (tmp_path / "out").exists()


def test_an_output_that_is_a_file_is_a_usage_error(tmp_path):
    (tmp_path / "out").write_text("mine")
    result = _run(str(SAMPLE), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2 and "is not a folder" in result.output


def test_a_folder_of_someone_elses_files_is_not_replaced(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "notes.docx").write_text("mine")
    result = _run(str(SAMPLE), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2 and "ntm did not write" in result.output
    assert (tmp_path / "out" / "notes.docx").read_text() == "mine"


def test_scheduler_needs_the_dask_engine(tmp_path):
    result = _run(str(SAMPLE), "--out", str(tmp_path / "out"), "--scheduler", "tcp://127.0.0.1:8786")
    assert result.exit_code == 2 and "--engine dask" in result.output


def test_quiet_prints_nothing_and_plain_progress_otherwise(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "plan.txt")
    quiet = _run(str(folder), "--out", str(tmp_path / "q"), "--quiet", "--workers", "1")
    assert quiet.exit_code == 0 and quiet.output == ""
    loud = _run(str(folder), "--out", str(tmp_path / "l"), "--workers", "1")
    assert loud.exit_code == 0
    assert "ntm: 1/1 documents" in loud.output  # a plain progress line: the output is not a terminal
    assert "1 documents (ok 1; 0 duplicates; 1 processed, 0 unchanged)" in loud.output


def test_failed_documents_still_exit_zero(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    build.random_bytes(folder / "noise.pdf")
    result = _run(str(folder), "--out", str(tmp_path / "out"), "--workers", "1")
    assert result.exit_code == 0 and "error 1" in result.output


# --- start-up, version and choices -------------------------------------------------------------------------------

HEAVY = ("pandas", "pyarrow", "duckdb", "openpyxl", "xlsxwriter", "spacy", "jinja2", "normalize", "extract")


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["run", "--help"], ["show", "--help"]],
                         ids=" ".join)
def test_help_and_version_load_no_heavy_module(args):
    code = ("import sys\nfrom corpus.cli import app\n"
            f"try:\n    app({args!r})\nexcept SystemExit:\n    pass\n"
            "print('MODULES', ' '.join(sorted({m.split('.')[0] for m in sys.modules})))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT)
    loaded = set(done.stdout.rpartition("MODULES ")[2].split())
    assert loaded & set(HEAVY) == set(), f"{' '.join(args)} imports {sorted(loaded & set(HEAVY))}"
    assert "typer" in loaded  # the probe saw the modules at all


def test_version_reads_no_package_metadata_and_draws_nothing():
    code = ("import sys\nfrom corpus.cli import app\ntry:\n    app(['--version'])\nexcept SystemExit:\n    pass\n"
            "print('MODULES', ' '.join(sorted(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT)
    loaded = set(done.stdout.rpartition("MODULES ")[2].split())
    assert {"importlib.metadata", "pydantic", "rich"} & loaded == set()
    assert done.stdout.startswith("ntm ")


def test_version_is_the_package_version():
    from importlib import metadata

    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"ntm {metadata.version('ntm')}"


def test_help_lists_the_engine_and_language_choices():
    result = CliRunner().invoke(app, ["run", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "local|dask" in result.output and "vi|en" in result.output
    report = CliRunner().invoke(app, ["report", "--help"], env={"COLUMNS": "200"})
    assert "vi|en" in report.output


def test_the_listed_languages_are_those_the_report_has():
    from corpus.report import languages

    assert sorted(LANGUAGES) == languages() and LANGUAGES[0] == "vi"


@pytest.mark.parametrize("option, value", [("--engine", "spark"), ("--lang", "fr")])
def test_a_value_outside_the_choices_is_a_usage_error(tmp_path, option, value):
    result = _run(str(SAMPLE), "--out", str(tmp_path / "out"), option, value)
    assert result.exit_code == 2 and value in result.output
    assert not (tmp_path / "out").exists()


# --- an unreachable scheduler --------------------------------------------------------------------------------------

def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nobody listens once the socket is closed


def test_an_unreachable_scheduler_is_said_so_at_once(tmp_path):
    address = f"tcp://127.0.0.1:{_closed_port()}"
    result = _run(str(SAMPLE), "--out", str(tmp_path / "out"), "--engine", "dask", "--scheduler", address)
    assert result.exit_code == 2
    line = result.output.strip()
    assert line.startswith(f"ntm: cannot reach the Dask scheduler at {address}: ") and "\n" not in line
    assert "write" not in line
    assert not (tmp_path / "out").exists()


def test_a_scheduler_that_hangs_up_is_no_write_failure(tmp_path):
    """An address that accepts a connection and closes it: the probe passes, the Dask client fails."""
    pytest.importorskip("distributed", reason="dask[distributed] is not installed (test dependency)")
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    stop = threading.Event()

    def hang_up() -> None:
        while not stop.is_set():
            try:
                server.accept()[0].close()
            except OSError:
                continue

    thread = threading.Thread(target=hang_up, daemon=True)
    thread.start()
    address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
    try:
        done = subprocess.run([sys.executable, "-m", "corpus.cli", "run", str(SAMPLE), "--out", str(tmp_path / "out"),
                               "--engine", "dask", "--scheduler", address, "-q"],
                              capture_output=True, text=True, timeout=120, cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    finally:
        stop.set()
        thread.join()
        server.close()
    assert done.returncode == 2
    assert done.stderr.startswith(f"ntm: the Dask scheduler at {address} failed: "), done.stderr
    assert "could not write" not in done.stderr
    assert not (tmp_path / "out" / "documents.parquet").exists()


def test_a_listening_scheduler_address_passes_the_probe():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        assert scheduler_problem(f"tcp://127.0.0.1:{s.getsockname()[1]}") is None
        assert scheduler_problem(f"127.0.0.1:{s.getsockname()[1]}") is None  # no scheme: tcp


@pytest.mark.parametrize("address", ["inproc://192.168.0.1/1/1", "ucx://10.0.0.5:13337", "tcp://10.0.0.5"])
def test_addresses_the_probe_cannot_judge_are_left_to_the_client(address):
    assert scheduler_problem(address) is None


def test_an_error_out_of_the_dask_client_is_told_from_a_write_failure():
    def raising(module: str) -> OSError:
        scope = {"__name__": module}
        exec("def connect():\n    raise OSError('Timed out trying to connect')", scope)
        try:
            scope["connect"]()
        except OSError as e:
            return e
        raise AssertionError("unreachable")

    assert _raised_by_the_cluster(raising("distributed.comm.core"))
    assert not _raised_by_the_cluster(raising("corpus.tables"))


# --- ntm normalize --offsets ---------------------------------------------------------------------------------------

MARK = re.compile(r"⟦(?:p(\d+):)?(\d+)⟧")


def _unmark(marked: str) -> tuple[str, list[tuple[int | None, int, int]]]:
    """The text without markers, and each marker as (page or None, offset it names, offset where it stands)."""
    text, marks, last = [], [], 0
    for m in MARK.finditer(marked):
        text.append(marked[last:m.start()])
        last = m.end()
        marks.append((int(m[1]) if m[1] else None, int(m[2]), sum(map(len, text))))
    text.append(marked[last:])
    return "".join(text), marks


def test_without_offsets_normalize_prints_exactly_the_text(sample_docs):
    result = CliRunner().invoke(app, ["normalize", str(SAMPLE)])
    assert result.exit_code == 0
    text = sample_docs[SAMPLE.stem].text
    assert result.output == text + ("" if text.endswith("\n") else "\n")
    assert "⟦" not in result.output


def test_offsets_mark_every_hundredth_offset_where_it_is(sample_docs):
    result = CliRunner().invoke(app, ["normalize", "--offsets", str(SAMPLE)])
    assert result.exit_code == 0
    text = sample_docs[SAMPLE.stem].text
    unmarked, marks = _unmark(result.output)
    assert unmarked.rstrip("\n") == text.rstrip("\n")
    assert [named for page, named, _ in marks if page is None] == list(range(100, len(text), 100))
    assert all(named == at for _, named, at in marks)
    assert not any(page for page, _, _ in marks), "a text file has no pages"


def test_offsets_mark_each_page_start_of_a_pdf(tmp_path):
    from normalize.pipeline import normalize_path

    font = build.find_vietnamese_font()
    if font is None:
        pytest.skip("no font with Vietnamese glyphs to typeset a PDF")
    pdf = build.typeset_pdf(tmp_path / "plan.pdf", build.sample_paragraphs(limit=10), font, min_pages=3)
    doc = normalize_path(pdf.path)
    result = CliRunner().invoke(app, ["normalize", "--offsets", str(pdf.path)])
    assert result.exit_code == 0
    _, marks = _unmark(result.output)
    pages = [(page, named) for page, named, at in marks if page is not None]
    assert [p for p, _ in pages] == list(range(1, pdf.n_pages + 1))
    assert pages[0] == (1, 0)
    for page, offset in pages[1:]:
        assert doc.page_at(offset) == page and doc.page_at(offset - 1) == page - 1


@pytest.mark.parametrize("case", CASES["marked"], ids=lambda c: c["id"])
def test_marked_text_cases(case):
    pages = [tuple(p) for p in case.get("pages", [])]
    assert marked(case["text"], pages, every=case["every"]) == case["marked"]


def test_page_offsets_put_a_page_without_text_where_the_next_begins():
    page_of = [1, 1, 1, 3, 3, 4]
    assert page_offsets(len(page_of), lambda i: page_of[i]) == [(1, 0), (2, 3), (3, 3), (4, 5)]
    assert page_offsets(5, lambda i: None) == []
    assert page_offsets(0, lambda i: 1) == []


def test_offsets_need_a_positive_spacing():
    with pytest.raises(ValueError, match="positive"):
        marked("abc", every=0)


@pytest.mark.parametrize("case", CASES["early_server"], ids=lambda c: c["id"])
def test_which_command_lines_start_the_local_server_before_reading_it(case):
    assert _starts_the_local_server(case["args"]) == (case["expect"] == "local")


def test_main_starts_the_server_of_a_local_run_before_typer_reads_the_command(monkeypatch):
    import corpus.cli as cli
    import corpus.engine as engine

    calls: list[str] = []
    monkeypatch.setattr(engine, "start_workers_server", lambda dask=False: calls.append(f"server dask={dask}"))
    monkeypatch.setattr(cli, "app", lambda: calls.append("app"))
    monkeypatch.setattr(cli, "_leave", lambda code: calls.append(f"leave {code}"))
    monkeypatch.setattr(sys, "argv", ["ntm", "run", "one.txt", "--out", "x"])
    cli.main()
    assert calls == ["server dask=False", "app", "leave 0"]
    calls.clear()
    monkeypatch.setattr(sys, "argv", ["ntm", "run", "one.txt", "--engine", "dask"])
    cli.main()
    assert calls == ["app", "leave 0"]
    calls.clear()
    monkeypatch.setattr(sys, "argv", ["ntm", "show", "one.txt"])
    cli.main()
    assert calls == ["app"], "only a run ends without the interpreter's teardown"


def _main_in_a_process(tmp_path, args: list[str]):
    """`corpus.cli.main()` with `args` in a fresh process that registered an exit handler first."""
    flag = tmp_path / "exit-handler-ran"
    code = ("import atexit, sys\n"
            f"atexit.register(lambda: open({str(flag)!r}, 'w').write('ran'))\n"
            f"sys.argv = ['ntm', *{args!r}]\n"
            "from corpus.cli import main\nmain()\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT, timeout=300)
    return done, flag.exists()


def test_a_run_ends_with_its_status_its_output_flushed_and_the_exit_handlers_run(tmp_path):
    sample = sorted(build.SAMPLES.glob("*.txt"))[0]
    done, handled = _main_in_a_process(tmp_path, ["run", str(sample), "--out", str(tmp_path / "out")])
    assert done.returncode == 0, done.stderr
    assert handled
    assert "1 documents (ok 1;" in done.stdout and done.stdout.endswith("\n")  # a pipe's buffer, flushed
    assert (tmp_path / "out" / "documents.parquet").is_file() and (tmp_path / "out" / "ntm.xlsx").is_file()


def test_a_failed_run_ends_with_the_usage_status_and_its_message(tmp_path):
    done, handled = _main_in_a_process(tmp_path, ["run", str(tmp_path / "missing.txt"), "--out", str(tmp_path / "o")])
    assert done.returncode == 2
    assert handled
    assert "missing.txt" in done.stderr
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("code,status", [(None, 0), (0, 0), (2, 2), (130, 130), (256 + 3, 3), ("stopped", 1)])
def test_exit_status_is_the_one_sys_exit_gives(code, status, capsys):
    from corpus.cli import _exit_status

    assert _exit_status(code) == status
    assert capsys.readouterr().err == ("stopped\n" if isinstance(code, str) else "")
