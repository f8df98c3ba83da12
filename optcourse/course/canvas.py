"""Canvas in and out: a submissions zip becomes a submissions folder; a gradebook becomes Canvas's CSV.

Canvas's "Download Submissions" zip names each file ``name_userid_submissionid_filename`` (``name_LATE_
userid_...`` when late), with ``name`` the student's name in lower case without spaces. Importing
keeps one notebook per student, the latest submission (the largest submission id), as
``DEST/name_userid.ipynb``, so the gradebook rows carry the Canvas user id that the export needs.
The zip is read as untrusted input: only regular files at its top level with a ``.ipynb`` name are
taken, each at most ``MAX_SUBMISSION`` bytes (a zip bomb stops there); entries with folders in their
names (``../``, absolute paths), links and other files are reported and skipped.

The export is the CSV Canvas's gradebook import reads: ``Student, ID, SIS User ID, SIS Login ID,
Section`` and one column named after the assignment (as Canvas shows it, e.g. ``Lesson 01 (1234)``),
then a row per student with the total.
"""
from __future__ import annotations

import csv
import io
import re
import stat
import zipfile
from pathlib import Path

from .grade import MAX_SUBMISSION, csv_cell, printable
from .release import write_atomic

NAME = re.compile(r"^(?P<name>[^_/\\]+)_(?:LATE_)?(?P<user>\d+)_(?P<submission>\d+)_(?P<file>.+\.ipynb)$")
STUDENT = re.compile(r"^(?P<name>.+)_(?P<user>\d+)$")


def import_zip(zip_path, dest) -> list[str]:
    """Write one notebook per student from a Canvas submissions zip into ``dest``; what was skipped, and why."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    latest, skipped = {}, []
    with zipfile.ZipFile(zip_path) as archive:
        for info in archive.infolist():
            shown = printable(info.filename)[:200]
            mode = info.external_attr >> 16
            if info.is_dir():
                continue
            if "/" in info.filename or "\\" in info.filename:
                skipped.append(f"{shown}: inside a folder (Canvas zips are flat)")
                continue
            if stat.S_ISLNK(mode):
                skipped.append(f"{shown}: a symbolic link")
                continue
            match = NAME.match(info.filename)
            if not match:
                skipped.append(f"{shown}: not a notebook named name_userid_submissionid_file.ipynb")
                continue
            if info.file_size > MAX_SUBMISSION:
                skipped.append(f"{shown}: larger than {MAX_SUBMISSION >> 20} MB")
                continue
            key = f"{match['name']}_{match['user']}"
            if key not in latest or int(match["submission"]) > latest[key][0]:
                latest[key] = (int(match["submission"]), info)
        for key, (_, info) in sorted(latest.items()):
            with archive.open(info) as f:
                data = f.read(MAX_SUBMISSION + 1)          # the header's size may lie
            if len(data) > MAX_SUBMISSION:
                skipped.append(f"{printable(info.filename)[:200]}: larger than {MAX_SUBMISSION >> 20} MB")
                continue
            write_atomic(dest / f"{key}.ipynb", data)
    return skipped


def write_gradebook(path, rows: list[dict], assignment: str) -> list[str]:
    """Canvas's gradebook import CSV for ``rows`` (from grade()); students not named name_userid are listed."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", csv_cell(assignment)])
    if rows:
        writer.writerow(["Points Possible", "", "", "", "", f"{rows[0]['max_total']:g}"])
    unknown = []
    for row in rows:
        match = STUDENT.match(row["student"])
        if not match:
            unknown.append(row["student"])
            continue
        writer.writerow([csv_cell(match["name"]), match["user"], "", "", "", f"{row['total']:g}"])
    write_atomic(Path(path), buffer.getvalue().encode())
    return unknown
