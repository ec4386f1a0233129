"""`sdetkit evidence pack` / `verify`: reproducible bundles, tamper detection, hostile archives."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.commands.test_decide import gate, step


def sdetkit(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sdetkit", *args], capture_output=True, text=True, cwd=cwd, check=False
    )


@pytest.fixture
def evidence(tmp_path: Path) -> Path:
    folder = tmp_path / "build"
    folder.mkdir()
    (folder / "gate-fast.json").write_text(json.dumps(gate("fast", [step("lint")]), indent=2))
    (folder / "release-preflight.json").write_text(json.dumps(gate("release", [step("build")]), indent=2))
    (folder / "sbom.cdx.json").write_text('{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": []}\n')
    return folder


def test_pack_is_reproducible_and_verifies(evidence: Path) -> None:
    out1, out2 = evidence / "a.zip", evidence / "b.zip"
    assert sdetkit("evidence", "pack", "--dir", str(evidence), "--out", str(out1)).returncode == 0
    assert sdetkit("evidence", "pack", "--dir", str(evidence), "--out", str(out2)).returncode == 0
    assert out1.read_bytes() == out2.read_bytes()
    res = sdetkit("evidence", "verify", str(out1), "--format", "json")
    report = json.loads(res.stdout)
    assert res.returncode == 0 and report["ok"] is True
    assert report["files"] == ["gate-fast.json", "release-preflight.json", "sbom.cdx.json"]
    with zipfile.ZipFile(out1) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    assert manifest["commit"] == "a" * 40 and manifest["schema_name"] == "sdetkit.evidence.manifest"


def _rewrite(src: Path, dst: Path, replace: dict[str, bytes], extra: dict[str, bytes] | None = None) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, replace.get(info.filename, zin.read(info)))
        for name, data in (extra or {}).items():
            zout.writestr(name, data)


def test_tampered_member_is_named(evidence: Path) -> None:
    good = evidence / "good.zip"
    sdetkit("evidence", "pack", "--dir", str(evidence), "--out", str(good))
    doc = gate("fast", [step("lint")])
    doc["ok"] = True
    doc["failed_steps"] = []
    tampered = json.dumps(doc | {"reason": "all good, trust me"}).encode()
    bad = evidence / "bad.zip"
    _rewrite(good, bad, {"gate-fast.json": tampered}, {"extra.txt": b"hello"})
    res = sdetkit("evidence", "verify", str(bad))
    assert res.returncode == 1
    assert "gate-fast.json: sha256 " in res.stdout and "differs from the manifest's" in res.stdout
    assert "extra.txt: in the bundle but not in the manifest" in res.stdout


def test_schema_violation_inside_a_bundle_is_reported(evidence: Path) -> None:
    good = evidence / "good.zip"
    sdetkit("evidence", "pack", "--dir", str(evidence), "--out", str(good))
    with zipfile.ZipFile(good) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    broken = json.dumps({"ok": "false"}).encode()
    import hashlib

    for e in manifest["files"]:
        if e["name"] == "gate-fast.json":
            e["sha256"] = hashlib.sha256(broken).hexdigest()
    bad = evidence / "bad.zip"
    _rewrite(good, bad, {"gate-fast.json": broken, "manifest.json": json.dumps(manifest).encode()})
    res = sdetkit("evidence", "verify", str(bad))
    assert res.returncode == 1 and "gate-fast.json: not a valid gate-fast artifact: at ok" in res.stdout


def _zip_with(path: Path, name: str, data: bytes, mode: int = stat.S_IFREG | 0o644) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        info = zipfile.ZipInfo(name)
        info.external_attr = mode << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        zf.writestr(info, data)
    return path


@pytest.mark.parametrize(
    ("name", "data", "mode", "expected"),
    [
        ("../../etc/passwd", b"x", stat.S_IFREG | 0o644, "path traversal"),
        ("/abs/path.json", b"x", stat.S_IFREG | 0o644, "absolute or non-POSIX path"),
        ("link.json", b"/etc/passwd", stat.S_IFLNK | 0o777, "symbolic link"),
        ("bomb.json", b"0" * (20 << 20), stat.S_IFREG | 0o644, "decompression bomb"),
        ("dir\\evil.json", b"x", stat.S_IFREG | 0o644, "absolute or non-POSIX path"),
    ],
)
def test_hostile_bundles_are_refused_without_extraction(
    tmp_path: Path, name: str, data: bytes, mode: int, expected: str
) -> None:
    bundle = _zip_with(tmp_path / "hostile.zip", name, data, mode)
    res = sdetkit("evidence", "verify", str(bundle), cwd=tmp_path)
    assert res.returncode == 2
    assert res.stderr.startswith(f"sdetkit: error: {bundle}: member ") and expected in res.stderr
    assert len(res.stderr.splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hostile.zip"]


def test_not_a_zip_and_missing_bundle(tmp_path: Path) -> None:
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"PK\x03\x04 not really")
    res = sdetkit("evidence", "verify", str(junk))
    assert res.returncode == 2 and "not a zip archive" in res.stderr
    res = sdetkit("evidence", "verify", str(tmp_path / "none.zip"))
    assert res.returncode == 2 and "no such file" in res.stderr


def test_pack_refuses_invalid_artifacts_and_writes_nothing(evidence: Path) -> None:
    (evidence / "doctor.json").write_text('{"ok": "false"}')
    out = evidence / "x.zip"
    res = sdetkit("evidence", "pack", "--dir", str(evidence), "--out", str(out))
    assert res.returncode == 2 and "doctor.json: not a valid doctor artifact: at ok" in res.stderr
    assert not out.exists()


def test_every_flipped_byte_is_caught_and_never_an_internal_error(
    evidence: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One flipped byte anywhere in a bundle: a damaged member is named (exit 1), a damaged
    archive directory is one error line (exit 2), and a pass (exit 0) only ever means every
    member's bytes are still the ones packed (the flip hit metadata nobody reads)."""
    from sdetkit import cli
    from sdetkit.evidence import bundle

    good = evidence / "good.zip"
    assert sdetkit("evidence", "pack", "--dir", str(evidence), "--out", str(good)).returncode == 0
    data = good.read_bytes()
    with zipfile.ZipFile(good) as zf:
        original = {i.filename: zf.read(i) for i in zf.infolist()}
    codes: dict[int, int] = {}
    damaged = tmp_path / "damaged.zip"
    for offset in range(len(data)):
        damaged.write_bytes(data[:offset] + bytes([data[offset] ^ 0x5A]) + data[offset + 1 :])
        code = cli.main(["evidence", "verify", str(damaged)])
        out, err = capsys.readouterr()
        codes[code] = codes.get(code, 0) + 1
        assert code in (0, 1, 2), (offset, code, err)
        if code == 0:
            assert bundle.read(damaged).members == original, offset
        elif code == 1:
            assert "NOT verified" in out and not err, (offset, out, err)
        else:
            assert len(err.splitlines()) == 1 and str(damaged) in err, (offset, err)
    assert codes.get(1, 0) > len(data) // 2, codes  # most flips land in member data


def test_a_crc_failure_names_the_damaged_member(evidence: Path) -> None:
    good = evidence / "good.zip"
    assert sdetkit("evidence", "pack", "--dir", str(evidence), "--out", str(good)).returncode == 0
    with zipfile.ZipFile(good) as zf:
        info = zf.getinfo("gate-fast.json")
    data = bytearray(good.read_bytes())
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0xFF  # inside the compressed data: a CRC or deflate error
    bad = evidence / "bad.zip"
    bad.write_bytes(bytes(data))
    res = sdetkit("evidence", "verify", str(bad))
    assert res.returncode == 1 and "internal error" not in res.stderr
    assert "gate-fast.json: damaged: cannot be read" in res.stdout
