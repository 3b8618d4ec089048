"""WebVTT captions: checked on upload, kept as cues, read back as a transcript.

webvtt-py parses the file, but it quietly drops a cue whose timing line it cannot read and
accepts cues that end before they start, so a file can "parse" and still lose half its
captions. `read_cues` therefore checks each timing line itself and names the line at fault,
so an instructor can fix the file instead of guessing.
"""

import re

import webvtt
from django.core.exceptions import ValidationError
from webvtt.errors import MalformedCaptionError, MalformedFileError

MAX_CAPTION_BYTES = 2 * 1024 * 1024
TIMESTAMP = r"(?:\d{2,}:)?[0-5]\d:[0-5]\d\.\d{3}"
TIMING_LINE = re.compile(rf"^{TIMESTAMP}[ \t]+-->[ \t]+{TIMESTAMP}(?:[ \t].*)?$")
SRT_TIMING = re.compile(r"^\d{2}:\d{2}:\d{2},\d{3}\s+-->")
TAG = re.compile(r"<[^>]*>")
# A new transcript paragraph starts after a pause this long, or after this many lines that end a sentence.
PARAGRAPH_PAUSE = 0.9
PARAGRAPH_CUES = 6


def read_cues(uploaded) -> list[dict]:
    """The cues of an uploaded WebVTT file as [{"start", "end", "text"}], or a ValidationError
    that says what is wrong and where."""
    size = getattr(uploaded, "size", None)
    if size is not None and size > MAX_CAPTION_BYTES:
        raise ValidationError("A captions file is limited to 2 MB; this one is larger. Is it really a WebVTT file?")
    uploaded.seek(0)
    raw = uploaded.read(MAX_CAPTION_BYTES + 1)
    uploaded.seek(0)
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise ValidationError("WebVTT files must be saved as UTF-8 text; please export this one again as UTF-8.") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if not lines[0].startswith("WEBVTT"):
        if any(SRT_TIMING.match(line) for line in lines):
            raise ValidationError(
                "This looks like an SRT subtitle file. Please convert it to WebVTT (.vtt) first: the file "
                "starts with the line WEBVTT and the times use a full stop, as in 00:00:01.500."
            )
        raise ValidationError("This is not a WebVTT file: its first line must be WEBVTT.")
    for number, line in enumerate(lines, start=1):
        if "-->" in line and not TIMING_LINE.match(line.strip()):
            raise ValidationError(
                f"Line {number}: “{line.strip()[:80]}” is not a cue timing WebVTT understands; write it as "
                "00:01:02.500 --> 00:01:05.000 (hours are optional)."
            )
    try:
        captions = webvtt.from_string(text, strict=True).captions
    except (MalformedFileError, MalformedCaptionError) as error:
        raise ValidationError(f"This WebVTT file could not be read: {error}.") from None
    if not captions:
        raise ValidationError("This WebVTT file has no captions in it.")
    cues = []
    for index, caption in enumerate(captions, start=1):
        start, end = _seconds(caption.start_time), _seconds(caption.end_time)
        if end <= start:
            raise ValidationError(f"Caption {index} ({caption.start} --> {caption.end}) ends before it starts.")
        if cues and start < cues[-1]["start"]:
            raise ValidationError(
                f"Caption {index} starts at {caption.start}, before the caption above it: WebVTT cues must be in time order."
            )
        words = " ".join(TAG.sub("", caption.raw_text).split())
        cues.append({"start": round(start, 3), "end": round(end, 3), "text": words})
    return cues


def _seconds(stamp) -> float:
    return stamp.hours * 3600 + stamp.minutes * 60 + stamp.seconds + stamp.milliseconds / 1000


def transcript_paragraphs(cues: list[dict]) -> list[list[dict]]:
    """Cues grouped into paragraphs for reading: a pause in the speech, or a run of finished
    sentences, starts a new one. Each cue gains "clock" (m:ss) for the time shown beside it."""
    paragraphs: list[list[dict]] = []
    previous = None
    for cue in cues:
        if cue["text"]:
            pause = previous is not None and cue["start"] - previous["end"] >= PARAGRAPH_PAUSE
            long_enough = bool(paragraphs) and len(paragraphs[-1]) >= PARAGRAPH_CUES and previous["text"].endswith((".", "?", "!"))
            if not paragraphs or pause or long_enough:
                paragraphs.append([])
            paragraphs[-1].append({**cue, "clock": clock(cue["start"])})
            previous = cue
    return paragraphs


def clock(seconds: float) -> str:
    """1:05 or 1:02:05: the time a viewer reads, not the one a file stores."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def write_vtt(cues: list[dict]) -> str:
    """A WebVTT file for cues (used by the fixture build, which times its own narration)."""
    blocks = ["WEBVTT\n"]
    for cue in cues:
        blocks.append(f"{_stamp(cue['start'])} --> {_stamp(cue['end'])}\n{cue['text']}\n")
    return "\n".join(blocks)


def _stamp(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"
