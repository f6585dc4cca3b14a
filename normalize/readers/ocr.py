"""OCR of scanned pages and image files through the tesseract program, when it is installed.

Tesseract is found at run time (`shutil.which`) with its Vietnamese model
(`vie`); without them the readers report `needs_ocr` and say what to install.
Each page runs in its own tesseract process limited to one thread
(OMP_THREAD_LIMIT=1), and pages run in parallel, one per CPU.
"""
from __future__ import annotations

import functools
import io
import os
import shutil
import subprocess
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from normalize.raw import RawDocument, ReadError

INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-vie"
LANGUAGE = "vie"
OCR_DPI = 300
# Seconds one page may take before tesseract is stopped.
PAGE_TIMEOUT = 180
IMAGE_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff"})


@functools.cache
def tesseract_problem() -> str | None:
    """None when tesseract with the Vietnamese model can run; otherwise the message for the clerk."""
    program = shutil.which("tesseract")
    if program is None:
        return f"scanned pages need OCR: {INSTALL_HINT}"
    try:
        listing = subprocess.run(
            [program, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return f"scanned pages need OCR, but tesseract does not run: reinstall it ({INSTALL_HINT})"
    languages = {line.strip() for line in (listing.stdout + listing.stderr).splitlines()}
    if LANGUAGE not in languages:
        return "scanned pages need OCR in Vietnamese: apt-get install tesseract-ocr-vie"
    return None


def ocr_image(image) -> str:
    """Text of one PIL image; "" when tesseract fails on it."""
    program = shutil.which("tesseract")
    if program is None:
        return ""
    buffer = io.BytesIO()
    image = image.convert("L") if image.mode not in ("L", "1") else image
    image.save(buffer, format="PNG", compress_level=1)
    environment = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        result = subprocess.run(
            [program, "-", "-", "-l", LANGUAGE, "--psm", "6"],
            input=buffer.getvalue(),
            capture_output=True,
            timeout=PAGE_TIMEOUT,
            env=environment,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    if result.returncode != 0:
        return ""
    text = result.stdout.decode("utf-8", errors="replace")
    # Tesseract ends a page with a form feed; "\f" separates pages in our text.
    return text.replace("\r\n", "\n").replace("\f", "\n").strip("\n")


def _workers() -> int:
    return max(1, os.cpu_count() or 1)


def ocr_images(images) -> list[str]:
    """Texts of an iterable of PIL images, OCR'd in parallel, in order.

    Images are pulled from the iterable only as workers free up, so a long
    scan is never held in memory at once.
    """
    workers = _workers()
    slots = threading.BoundedSemaphore(workers * 2)

    def run(image) -> str:
        try:
            return ocr_image(image)
        finally:
            slots.release()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = []
        for image in images:
            slots.acquire()
            futures.append(pool.submit(run, image))
        return [future.result() for future in futures]


def ocr_pdf_pages(document, page_indices: list[int]) -> dict[int, str]:
    """OCR text of the given pages of an open pypdfium2 document.

    Pages are rasterized in the calling thread (pdfium is not thread-safe);
    only tesseract runs in parallel.
    """

    def rendered():
        for index in page_indices:
            page = document[index]
            try:
                yield page.render(scale=OCR_DPI / 72, grayscale=True).to_pil()
            finally:
                page.close()

    return dict(zip(page_indices, ocr_images(rendered())))


def read_image(path: Path) -> RawDocument:
    """An image file read as a scan: one page per frame (multi-page TIFF)."""
    from PIL import Image, ImageSequence, UnidentifiedImageError  # noqa: PLC0415

    if path.stat().st_size == 0:
        raise ReadError("file is empty", status="empty")
    try:
        image = Image.open(path)
        image.load()
    except Image.DecompressionBombError:
        raise ReadError("image is too large to read safely (over the pixel limit)") from None
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise ReadError(f"not a readable {path.suffix.lstrip('.').upper()} image: the file is damaged or of another type") from None
    problem = tesseract_problem()
    if problem is not None:
        raise ReadError(problem, status="needs_ocr")
    with image:
        frames = (frame.copy() for frame in ImageSequence.Iterator(image))
        pages = ocr_images(frames)
    if not any(text.strip() for text in pages):
        raise ReadError("no text found in the image", status="empty")
    text = "\f".join(pages)
    starts, offset = [], 0
    for page in pages[:-1]:
        offset += len(page) + 1
        starts.append(offset)
    return RawDocument(
        text=text,
        file_type=path.suffix.lower().lstrip("."),
        page_starts=tuple(starts),
        n_pages=len(pages),
        repairs=Counter(ocr_page=sum(1 for page in pages if page.strip())),
        lossy=True,
    )
