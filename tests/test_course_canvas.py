"""Canvas: a hostile submissions zip imported safely; the gradebook written as Canvas's import reads it."""
import csv
import stat
import zipfile

from optcourse.course import canvas


def make_zip(path, entries):
    with zipfile.ZipFile(path, "w") as z:
        for name, data, mode in entries:
            info = zipfile.ZipInfo(name)
            info.external_attr = mode << 16
            z.writestr(info, data)


def test_import_keeps_the_latest_notebook_per_student_and_skips_the_rest(tmp_path):
    link = stat.S_IFLNK | 0o777
    plain = stat.S_IFREG | 0o644
    make_zip(tmp_path / "subs.zip", [
        ("doejane_1234_500_lesson01.ipynb", b'{"v": "old"}', plain),
        ("doejane_LATE_1234_501_lesson01-1.ipynb", b'{"v": "new"}', plain),
        ("leepat_77_42_lesson01.ipynb", b'{"v": "pat"}', plain),
        ("../../etc/evil_1_1_x.ipynb", b"{}", plain),
        ("folder/roe_5_6_x.ipynb", b"{}", plain),
        ("linker_9_9_x.ipynb", b"/work/solutions/01/01.ipynb", link),
        ("notes_1_2_readme.txt", b"hi", plain),
        ("\x1b[2Jodd name.ipynb", b"{}", plain),
    ])
    skipped = canvas.import_zip(tmp_path / "subs.zip", tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["doejane_1234.ipynb", "leepat_77.ipynb"]
    assert (tmp_path / "out" / "doejane_1234.ipynb").read_bytes() == b'{"v": "new"}'      # the later submission
    assert len(skipped) == 5 and not list(tmp_path.glob("etc*"))
    assert any("inside a folder" in s for s in skipped) and any("symbolic link" in s for s in skipped)
    assert all("\x1b" not in s for s in skipped)


def test_a_member_larger_than_it_claims_stops_at_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(canvas, "MAX_SUBMISSION", 1000)
    make_zip(tmp_path / "bomb.zip", [("bigone_1_2_x.ipynb", b"0" * 5000, stat.S_IFREG | 0o644)])
    skipped = canvas.import_zip(tmp_path / "bomb.zip", tmp_path / "out")
    assert skipped and "larger than" in skipped[0] and not list((tmp_path / "out").iterdir())


def test_the_export_is_canvas_gradebook_csv(tmp_path):
    rows = [{"student": "doejane_1234", "total": 9.5, "max_total": 11.0},
            {"student": "=cmd_77", "total": 3.0, "max_total": 11.0},
            {"student": "no id", "total": 1.0, "max_total": 11.0}]
    unknown = canvas.write_gradebook(tmp_path / "canvas.csv", rows, "Lesson 01 (5678)")
    with open(tmp_path / "canvas.csv", newline="") as f:
        table = list(csv.reader(f))
    assert table == [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Lesson 01 (5678)"],
                     ["Points Possible", "", "", "", "", "11"],
                     ["doejane", "1234", "", "", "", "9.5"],
                     ["'=cmd", "77", "", "", "", "3"]]
    assert unknown == ["no id"]
