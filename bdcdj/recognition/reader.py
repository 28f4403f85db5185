"""Text out of an uploaded material: the PDF's text layer first, Tesseract OCR (chi_sim) when
there is none or for images. Inputs are checked before any parser sees them, and every failure
is an `Unreadable` with a Chinese message, never a crash of the caller."""

from __future__ import annotations

import csv
import functools
import io
import logging
import os
import re
import shutil
import subprocess
import warnings
from dataclasses import dataclass, field

from PIL import Image, ImageFilter, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError, PyPdfError

log = logging.getLogger(__name__)

MAX_BYTES = 20 * 1024 * 1024  # the material limit of cases
MAX_PIXELS = 40_000_000  # per image or rendered page; larger is refused, not decoded
MAX_PAGES = 20  # pages read from one PDF
MIN_TEXT_CHARS = 20  # below this a PDF page set counts as "no text layer"
OCR_TIMEOUT = 60  # seconds per image
OCR_LANG = "chi_sim"
TEXT_LAYER_CONFIDENCE = 0.99

TEXT, OCR = "text", "ocr"
PDF_MAGIC, JPEG_MAGIC, PNG_MAGIC = b"%PDF-", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n"

Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow raises DecompressionBombError above twice this


class Unreadable(Exception):
    """The material cannot be read; `message` is shown to staff as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Line:
    text: str
    confidence: float  # 0..1; the text layer is trusted, OCR gives its own per word


@dataclass
class ReadResult:
    path: str  # TEXT or OCR
    lines: list[Line] = field(default_factory=list)
    pages: int = 1
    engine: str = ""

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


_CJK = r"\u3400-\u9fff\uff00-\uffef\u3000-\u303f"
_SPACE_CJK = re.compile(rf"(?<=[{_CJK}])[ \t]+|[ \t]+(?=[{_CJK}])")


def normalise(text: str) -> str:
    """OCR and text layers differ in spacing and punctuation width: drop spaces next to CJK
    characters and fold the full-width colon, so anchors match either way."""
    text = text.replace("：", ":").replace("\u00a0", " ")
    text = _SPACE_CJK.sub("", text)
    text = re.sub(r"\s*:\s*", ":", text)
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def sniff(data: bytes) -> str:
    if data.startswith(PDF_MAGIC):
        return "application/pdf"
    if data.startswith(JPEG_MAGIC):
        return "image/jpeg"
    if data.startswith(PNG_MAGIC):
        return "image/png"
    raise Unreadable("不支持的文件类型：只能识别 PDF、JPEG 或 PNG")


@functools.cache
def tesseract_path() -> str | None:
    return shutil.which("tesseract")


def read(data: bytes) -> ReadResult:
    """Text of a PDF, JPEG or PNG (see module docstring)."""
    if not data:
        raise Unreadable("文件为空")
    if len(data) > MAX_BYTES:
        raise Unreadable("文件超过 20 MB，无法识别")
    kind = sniff(data[:8])
    if kind == "application/pdf":
        return _read_pdf(data)
    return _ocr_image(_open_image(data), pages=1)


def _open_image(data: bytes) -> Image.Image:
    try:
        with warnings.catch_warnings():  # the size is checked here, before decoding
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise Unreadable(
                f"图片过大（{width}×{height} 像素，上限 {MAX_PIXELS // 1_000_000} 百万像素），无法识别"
            )
        image.load()
    except Image.DecompressionBombError as exc:
        raise Unreadable(f"图片过大（上限 {MAX_PIXELS // 1_000_000} 百万像素），无法识别") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise Unreadable("图片已损坏或格式无效，无法识别") from exc
    return ImageOps.exif_transpose(image)


def _read_pdf(data: bytes) -> ReadResult:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise Unreadable("PDF 已加密，无法识别")
        pages = list(reader.pages[:MAX_PAGES])
        texts = [page.extract_text() or "" for page in pages]
    except Unreadable:
        raise
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        raise Unreadable("PDF 文件已损坏，无法读取") from exc
    except RecursionError as exc:
        raise Unreadable("PDF 文件结构异常，无法读取") from exc
    text = "\n".join(texts)
    if len(normalise(text)) >= MIN_TEXT_CHARS:
        lines = [Line(normalise(t), TEXT_LAYER_CONFIDENCE) for t in text.splitlines() if normalise(t)]
        return ReadResult(path=TEXT, lines=lines, pages=len(pages), engine="pypdf")
    images = _pdf_images(pages)
    if not images:
        raise Unreadable("PDF 没有文字层，也没有可识别的扫描图像")
    result = ReadResult(path=OCR, pages=len(pages))
    for image in images:
        part = _ocr_image(image, pages=1)
        result.lines += part.lines
        result.engine = part.engine
    return result


def _pdf_images(pages: list) -> list[Image.Image]:
    """The scanned page images of a PDF without a text layer (the largest image of each page)."""
    found = []
    for page in pages:
        try:
            candidates = list(page.images)
        except (PyPdfError, ValueError, KeyError, TypeError, OSError, NotImplementedError) as exc:
            raise Unreadable("PDF 中的扫描图像无法解码") from exc
        best = None
        for candidate in candidates:
            try:
                image = candidate.image
            except (PyPdfError, ValueError, OSError, NotImplementedError):
                continue
            if image is None:
                continue
            if image.width * image.height > MAX_PIXELS:
                raise Unreadable("PDF 中的扫描图像过大，无法识别")
            if best is None or image.width * image.height > best.width * best.height:
                best = image
        if best is not None:
            found.append(best)
    return found


def _ocr_image(image: Image.Image, *, pages: int) -> ReadResult:
    binary = tesseract_path()
    if binary is None:
        raise Unreadable("服务器未安装文字识别组件（tesseract），无法识别图片")
    gray = ImageOps.autocontrast(image.convert("L")).filter(ImageFilter.MedianFilter(3))  # scan specks
    if max(gray.size) < 1000:  # small scans read better enlarged
        factor = 1000 / max(gray.size)
        gray = gray.resize((int(gray.width * factor), int(gray.height * factor)))
    buffer = io.BytesIO()
    gray.save(buffer, "PNG")
    try:
        done = subprocess.run(
            [binary, "stdin", "stdout", "-l", OCR_LANG, "--psm", "6", "tsv"],
            input=buffer.getvalue(),
            capture_output=True,
            timeout=OCR_TIMEOUT,
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},  # threads only contend on a busy host
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise Unreadable("文字识别超时") from exc
    if done.returncode != 0:
        log.warning("tesseract failed: %s", done.stderr[:200])
        raise Unreadable("文字识别失败")
    return ReadResult(
        path=OCR,
        lines=_tsv_lines(done.stdout.decode("utf-8", "replace")),
        pages=pages,
        engine="tesseract chi_sim",
    )


def _tsv_lines(tsv: str) -> list[Line]:
    """Group Tesseract's words into lines with the mean word confidence (0..1)."""
    grouped: dict[tuple[str, str, str, str], list[tuple[str, float]]] = {}
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        word = (row.get("text") or "").strip()
        try:
            confidence = float(row.get("conf") or -1)
        except ValueError:
            continue
        if not word or confidence < 0:
            continue
        key = (row["page_num"], row["block_num"], row["par_num"], row["line_num"])
        grouped.setdefault(key, []).append((word, confidence / 100))
    lines = []
    for words in grouped.values():
        text = normalise(" ".join(w for w, _ in words))
        if text:
            lines.append(Line(text, round(sum(c for _, c in words) / len(words), 3)))
    return lines
