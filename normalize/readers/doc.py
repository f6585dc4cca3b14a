"""Legacy Word .doc files, converted to text by antiword or, failing that, LibreOffice.

Both programs are found at run time and run without a shell, with the path
as one argument, under a time limit. antiword draws tables as
"|cell |cell |" lines; those are rewritten to the " | "-joined rows the other
readers give.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

import regex

from normalize.raw import RawDocument, ReadError

INSTALL_HINT = "legacy .doc needs antiword or LibreOffice: apt-get install antiword"
# Seconds a conversion may take.
ANTIWORD_TIMEOUT = 60
SOFFICE_TIMEOUT = 180

_ANTIWORD_TABLE_ROW = regex.compile(r"^\|(.*)\|[ \t]*$")
_SPACES = regex.compile(r"[ \t]+")


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_RTF_MAGIC = b"{\\rtf"
_HTML_SIGNS = ("<html", "<!doctype html", "<?xml", "<head", "<body", "<meta")
_SNIFF_BYTES = 4096


def read_doc(path: Path) -> RawDocument:
    """A `.doc` read as what its bytes are: a Word 97-2003 file, or a DOCX, RTF, HTML or text file so named."""
    with open(path, "rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    if not head:
        raise ReadError("file is empty", status="empty")
    if head.startswith(_ZIP_MAGIC):
        from normalize.readers.docx import read_docx  # noqa: PLC0415 - a DOCX named .doc

        return _as_doc(read_docx(path))
    if not head.startswith(_OLE_MAGIC):
        raw = _read_other(path, head)
        if raw is not None:
            return raw
    return _read_word(path)


def _as_doc(raw: RawDocument) -> RawDocument:
    raw.file_type = "doc"
    return raw


def _read_other(path: Path, head: bytes) -> RawDocument | None:
    """An RTF, HTML or text file named .doc, or None when its bytes are none of these."""
    from normalize.readers.text import REPLACED_BYTES, decode_text  # noqa: PLC0415

    data = path.read_bytes()
    if head.lstrip().startswith(_RTF_MAGIC):
        from normalize.readers.rtf import rtf_to_text  # noqa: PLC0415

        return _text_document(rtf_to_text(data))
    try:
        text, repairs = decode_text(data)
    except ReadError:
        return None
    opening = text.lstrip()[:2000].lower()
    if opening.startswith(_HTML_SIGNS) or "<html" in opening:
        from normalize.readers.html import html_to_text  # noqa: PLC0415

        text = html_to_text(text)
    return _text_document(text, repairs, lossy=REPLACED_BYTES in repairs)


def _text_document(text: str, repairs: Counter | None = None, lossy: bool = False) -> RawDocument:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    if not regex.search(r"[\p{L}\p{N}]", text):
        raise ReadError("document has no text", status="empty")
    return RawDocument(text=text, file_type="doc", repairs=repairs or Counter(), lossy=lossy)


def _read_word(path: Path) -> RawDocument:
    """A Word 97-2003 binary file, through antiword or LibreOffice."""
    source = path.resolve()  # absolute, so a name starting with "-" is never read as an option
    antiword = shutil.which("antiword")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if antiword is None and soffice is None:
        raise ReadError(INSTALL_HINT)
    problems: list[str] = []
    text = None
    if antiword is not None:
        text, problem = _antiword(antiword, source)
        if problem:
            problems.append(f"antiword: {problem}")
    if text is None and soffice is not None:
        text, problem = _soffice(soffice, source)
        if problem:
            problems.append(f"LibreOffice: {problem}")
    if text is None:
        hint = "" if soffice else " (LibreOffice may read it: apt-get install libreoffice-writer)"
        raise ReadError("legacy .doc could not be converted: " + "; ".join(problems) + hint)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = _antiword_tables(text)
    if not regex.search(r"[\p{L}\p{N}]", text):
        raise ReadError("document has no text", status="empty")
    return RawDocument(text=text, file_type="doc")


def _run(command: list[str], timeout: float, cwd: str | None = None) -> tuple[int | None, bytes, bytes]:
    """Run without a shell; on timeout stop the whole process group. Returns (code or None, out, err)."""
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
        cwd=cwd, start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.communicate()
        return None, b"", b""
    return process.returncode, out, err


def _antiword(program: str, source: Path) -> tuple[str | None, str | None]:
    # -w 0: no wrapping, one paragraph per line; -m UTF-8.txt: UTF-8 output.
    code, out, err = _run([program, "-m", "UTF-8.txt", "-w", "0", str(source)], ANTIWORD_TIMEOUT)
    if code is None:
        return None, f"no answer within {ANTIWORD_TIMEOUT} s"
    if code != 0 or not out.strip():
        return None, _first_line(err) or f"exit code {code}"
    return out.decode("utf-8", errors="replace"), None


def _soffice(program: str, source: Path) -> tuple[str | None, str | None]:
    with tempfile.TemporaryDirectory(prefix="ntm-doc-") as folder:
        profile = Path(folder, "profile").as_uri()  # a private profile: parallel conversions do not lock each other
        command = [
            program, f"-env:UserInstallation={profile}", "--headless", "--norestore",
            "--convert-to", "txt:Text (encoded):UTF8", "--outdir", folder, str(source),
        ]
        code, _, err = _run(command, SOFFICE_TIMEOUT, cwd=folder)
        if code is None:
            return None, f"no answer within {SOFFICE_TIMEOUT} s"
        result = Path(folder, source.stem + ".txt")
        if code != 0 or not result.is_file():
            return None, _first_line(err) or f"exit code {code}"
        return result.read_bytes().decode("utf-8-sig", errors="replace"), None


def _antiword_tables(text: str) -> str:
    """Rewrite antiword's "|a   |b  |" table lines as "a | b"."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        match = _ANTIWORD_TABLE_ROW.match(line)
        if match:
            cells = [_SPACES.sub(" ", cell).strip() for cell in match.group(1).split("|")]
            lines[i] = " | ".join(cells)
    return "\n".join(lines)


def _first_line(data: bytes) -> str:
    for line in data.decode("utf-8", errors="replace").splitlines():
        if line.strip():
            return line.strip()[:200]
    return ""
