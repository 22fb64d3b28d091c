"""The kaniwa CLI: what users type, what it writes, and how it refuses bad input."""

import json
import subprocess
import sys

import pytest

from kaniwa.cli import main


def run(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("argv, message", [
    (["verilog", "posit_mac", "--n", "2"], "n must be an integer in 3..32, not 2"),
    (["verilog", "posit_mac", "--es", "9"], "es must be an integer in 0..4, not 9"),
    (["verilog", "posit_mac", "--n", "sixteen"], "n must be an integer in 3..32, not 'sixteen'"),
    (["verilog", "posit_mac", "--quire-width", "10"],
     "quire_width must be an integer in 114..242, not 10 (for posit(16,1))"),
    (["verilog", "nosuchblock"], "unknown block 'nosuchblock'; blocks: posit_dot_array, posit_mac"),
    (["verilog", "posit_mac", "--width", "8"], "unknown option '--width' for block posit_mac "
     "(it takes --n, --es, --quire-width, --segment-bits)"),
    (["synth", "posit_mac", "--target", "virtex2"],
     "argument --target: invalid choice: 'virtex2' (choose from 'ecp5', 'ice40', 'xcup', 'all')"),
    (["sim", "posit_mac", "--bench", "nosuchbench"], "unknown bench 'nosuchbench'; benches: "),
    (["verilog", "posit_mac", "--n", "016"], "n must be an integer in 3..32, not '016'"),
    (["verilog", "posit_mac", "--e", "2"], "unknown option '--e' for block posit_mac"),
    (["bench", "posit_mac", "--only", "nope"], "unknown benchmark 'nope'; benchmarks: "),
])
def test_bad_input_is_one_line_exit_2_and_writes_nothing(argv, message, tmp_path, capsys):
    out_dir = tmp_path / "out"
    code, out, err = run(argv + ["-o", str(out_dir)] if argv[0] == "verilog" else argv, capsys)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith(f"kaniwa: error: {message}"), err
    assert not out_dir.exists()


def test_verilog_writes_module_params_and_manifest(tmp_path, capsys):
    code, out, err = run(["verilog", "posit_mac", "--n", "8", "--es", "0", "-o", str(tmp_path)],
                         capsys)
    assert code == 0, err
    verilog = (tmp_path / "posit_mac_n8_es0.v").read_text()
    assert "module posit_mac_n8_es0" in verilog
    params = json.loads((tmp_path / "posit_mac_n8_es0.params.json").read_text())
    assert (params["n"], params["es"], params["quire_width"]) == (8, 0, 4 * 6 + 32)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    (entry,) = manifest["files"]
    assert entry["module"] == "posit_mac_n8_es0" and entry["block"] == "posit_mac"
    ports = {p["name"]: (p["direction"], p["width"]) for p in entry["ports"]}
    assert ports == {
        "clk": ("input", 1), "rst": ("input", 1),
        "in_valid": ("input", 1), "in_ready": ("output", 1), "in_a": ("input", 8),
        "in_b": ("input", 8), "in_last": ("input", 1),
        "out_valid": ("output", 1), "out_ready": ("input", 1), "out_result": ("output", 8),
    }
    for name, (direction, width) in ports.items():
        decl = f"{direction} " + (f"[{width - 1}:0] " if width > 1 else "") + f"{name};"
        assert decl in verilog, decl


def test_manifest_merges_configurations(tmp_path, capsys):
    for n in ("8", "10"):
        assert run(["verilog", "posit_mac", "--n", n, "-o", str(tmp_path)], capsys)[0] == 0
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert [e["module"] for e in manifest["files"]] == ["posit_mac_n10_es1", "posit_mac_n8_es1"]


def test_list_names_blocks_parameters_and_ranges(capsys):
    code, out, _ = run(["list", "--json"], capsys)
    assert code == 0
    (posit,) = [b for b in json.loads(out) if b["block"] == "posit_mac"]
    params = {p["name"]: p for p in posit["params"]}
    assert params["n"]["range"] == "3..32" and params["n"]["default"] == 16
    assert params["es"]["range"] == "0..4"
    assert params["quire_width"]["default"] is None


def test_console_script_exit_code_on_bad_input(tmp_path):
    result = subprocess.run([sys.executable, "-m", "kaniwa.cli", "verilog", "posit_mac", "--es",
                             "9", "-o", str(tmp_path / "x")], capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr == "kaniwa: error: es must be an integer in 0..4, not 9\n"
    assert not (tmp_path / "x").exists()


def test_unwritable_output_is_one_line_exit_1(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("")
    code, _, err = run(["verilog", "posit_mac", "-o", str(blocker / "out")], capsys)
    assert code == 1 and err.count("\n") == 1 and str(blocker) in err, err


def test_outputs_are_readable_by_others(tmp_path, capsys):
    assert run(["verilog", "posit_mac", "--n", "8", "-o", str(tmp_path)], capsys)[0] == 0
    for path in tmp_path.iterdir():
        assert path.stat().st_mode & 0o044 == 0o044, path


def test_sim_runs_one_bench_and_reports_the_seed(capsys):
    code, out, err = run(["sim", "posit_mac", "--bench", "p6e1", "--test",
                          "test_back_to_back_rate", "--seed", "11"], capsys)
    assert code == 0, err
    assert "PASS p6e1: 1 tests, seed 11" in out and "1 passed, 0 failed" in out
