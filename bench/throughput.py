"""Throughput and peak memory of lagebild against a trafilatura + NER baseline, on one machine.

Configurations, each run in a fresh subprocess after its models are loaded:

- ``baseline``: trafilatura extraction, then lagebild's NER model alone, per page;
- ``pipeline``: the full pipeline to events in SQLite (``ingest_paths`` on the HTML pages);
- ``ray1`` / ``ray2``: the Ray batch (``run_batch``) with 1 and 2 workers on the WARC files
  (timed end to end: Ray start-up and model loading in every actor included).

Peak memory is the resident set size: the subprocess's own ``ru_maxrss`` and, sampled every
0.2 s from ``/proc``, the sum over its whole process tree (Ray's workers and daemons too).
``--growth`` adds the pipeline over 10,000 pages, with peak RSS and documents/s at every
tenth (``--growth-without-analysis`` leaves out NER, events and stories, which makes 10,000
pages fit a 2-core budget); ``--profile FILE`` runs the pipeline under cProfile.

    python bench/throughput.py --docs 1028
    python bench/throughput.py --docs 400 --checkpoint-every 100
    python bench/throughput.py --configs pipeline --docs 200 --growth --growth-without-analysis
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402  (the sibling script, importable once bench/ is on the path)

CONFIGS = ("baseline", "pipeline", "ray1", "ray2")
LABELS = {
    "baseline": "(a) trafilatura + NER",
    "pipeline": "(b) lagebild ingest -> SQLite",
    "ray1": "(c) Ray batch, 1 worker",
    "ray2": "(c) Ray batch, 2 workers",
}
GROWTH_DOCS = 10_000
CHECKPOINT_EVERY = 1_000
WARMUP_TEXT = "Präsident Tokajew sprach am 6. Januar 2022 in Almaty mit Vertretern der OVKS."
SAMPLE_SECONDS = 0.2


# -- inside the measured subprocess -----------------------------------------------------


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _warm_up() -> None:
    """Load every model the pipeline uses, so that timings exclude one-off loading."""
    from lagebild.pipeline import analyze

    analyze(WARMUP_TEXT)


def run_baseline(corpus_dir: Path) -> dict[str, Any]:
    import trafilatura

    from lagebild.nlp.ner import find_names

    find_names(WARMUP_TEXT)
    pages = sorted((corpus_dir / "html").glob("*.html"))
    started = time.perf_counter()
    documents = mentions = 0
    for page in pages:
        text = trafilatura.extract(page.read_text(encoding="utf-8"), include_comments=False)
        if text:
            mentions += len(find_names(text))
            documents += 1
    return {"documents": documents, "seconds": time.perf_counter() - started, "mentions": mentions}


def run_pipeline(
    corpus_dir: Path, work_dir: Path, profile: Path | None, *, analysis: bool, checkpoint_every: int
) -> dict[str, Any]:
    from lagebild.ingest import ingest_paths
    from lagebild.store import open_store

    _warm_up()
    store = open_store(str(work_dir / "bench.db"))
    checkpoints: list[dict[str, float]] = []
    started = time.perf_counter()
    seen = 0

    def progress(_source: str) -> None:
        nonlocal seen
        seen += 1
        if seen % checkpoint_every == 0:
            checkpoints.append(
                {"documents": seen, "seconds": time.perf_counter() - started, "peak_rss_mb": _peak_rss_mb()}
            )

    def ingest() -> Any:
        return ingest_paths(store, [corpus_dir / "html"], with_analysis=analysis, on_progress=progress)

    summary = _profiled(ingest, profile) if profile else ingest()
    seconds = time.perf_counter() - started
    store.close()
    return {
        "documents": summary.new + summary.duplicate,
        "seconds": seconds,
        "failed": summary.failed,
        "duplicates": summary.duplicate,
        "checkpoints": checkpoints,
    }


def _profiled(call: Callable[[], Any], target: Path) -> Any:
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    result = profiler.runcall(call)
    profiler.dump_stats(str(target))
    pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(30)
    pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(45)
    return result


def run_ray(corpus_dir: Path, work_dir: Path, workers: int) -> dict[str, Any]:
    import ray  # noqa: F401  (imported before the clock starts)

    from lagebild.scale.batch import run_batch

    started = time.perf_counter()
    results = run_batch([str(corpus_dir / "warc")], work_dir / "parquet", workers=workers)
    return {
        "documents": sum(result.documents for result in results),
        "seconds": time.perf_counter() - started,
        "failed": sum(result.failed for result in results),
    }


def worker_main(
    config: str,
    corpus_dir: Path,
    result_file: Path,
    profile: Path | None,
    *,
    analysis: bool,
    checkpoint_every: int,
) -> None:
    work_dir = Path(tempfile.mkdtemp(prefix=f"lagebild-bench-{config}-"))
    try:
        if config == "baseline":
            result = run_baseline(corpus_dir)
        elif config == "pipeline":
            result = run_pipeline(
                corpus_dir, work_dir, profile, analysis=analysis, checkpoint_every=checkpoint_every
            )
        else:
            result = run_ray(corpus_dir, work_dir, workers=int(config.removeprefix("ray")))
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    result["self_peak_rss_mb"] = _peak_rss_mb()
    result_file.write_text(json.dumps(result), encoding="utf-8")


# -- in the parent: subprocesses, memory sampling, tables -------------------------------


def _tree_rss_mb(root: int) -> float:
    """Summed RSS of ``root`` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21])  # resident pages
    page = os.sysconf("SC_PAGE_SIZE")
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        total += rss.get(pid, 0) * page
        pending.extend(children.get(pid, []))
    return total / (1024 * 1024)


def measure(
    config: str,
    corpus_dir: Path,
    timeout: float,
    profile: Path | None = None,
    *,
    analysis: bool = True,
    checkpoint_every: int = CHECKPOINT_EVERY,
) -> dict[str, Any]:
    """Run one configuration in a fresh subprocess; its result plus the sampled tree peak."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        result_file = Path(handle.name)
    command = [sys.executable, __file__, "--worker", config, "--corpus-dir", str(corpus_dir)]
    command += ["--result", str(result_file), "--checkpoint-every", str(checkpoint_every)]
    command += (["--profile", str(profile)] if profile else []) + ([] if analysis else ["--no-analysis"])
    environment = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONHASHSEED": "0"}
    process = subprocess.Popen(command, env=environment)
    deadline = time.monotonic() + timeout
    tree_peak = 0.0
    while process.poll() is None:
        tree_peak = max(tree_peak, _tree_rss_mb(process.pid))
        if time.monotonic() > deadline:
            process.kill()
            process.wait()
            raise TimeoutError(f"{config} ran longer than {timeout:.0f} s")
        time.sleep(SAMPLE_SECONDS)
    if process.returncode != 0:
        raise RuntimeError(f"{config} failed with exit status {process.returncode}")
    result = json.loads(result_file.read_text(encoding="utf-8"))
    result_file.unlink()
    result["tree_peak_rss_mb"] = tree_peak
    result["peak_rss_mb"] = max(tree_peak, result["self_peak_rss_mb"])
    return result


def _ensure_corpus(directory: Path, articles: Path, docs: int, warc_files: int) -> dict[str, Any]:
    manifest_file = directory / "manifest.json"
    if manifest_file.exists():
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
        if manifest["documents"] == docs and len(manifest["warc_files"]) == warc_files:
            return manifest
        shutil.rmtree(directory)
    return corpus.build_corpus(articles, directory, docs=docs, warc_files=warc_files)


def throughput_table(results: dict[str, dict[str, Any]], words: int) -> str:
    base = results.get("baseline")
    lines = [
        "| configuration | docs | seconds | docs/s | words/s | peak RSS (MB) | docs/s vs (a) | RSS vs (a) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for config, result in results.items():
        rate = result["documents"] / result["seconds"]
        word_rate = words / result["seconds"]
        ratio = f"{rate / (base['documents'] / base['seconds']):.2f}" if base else "–"
        memory = f"{result['peak_rss_mb'] / base['peak_rss_mb']:.2f}" if base else "–"
        lines.append(
            f"| {LABELS[config]} | {result['documents']} | {result['seconds']:.1f} | {rate:.2f} | "
            f"{word_rate:,.0f} | {result['peak_rss_mb']:.0f} | {ratio} | {memory} |"
        )
    return "\n".join(lines)


def growth_table(result: dict[str, Any], every: int) -> str:
    lines = [
        f"| documents ingested | peak RSS so far (MB) | docs/s over the last {every:,} |",
        "|---:|---:|---:|",
    ]
    previous_seconds = 0.0
    for checkpoint in result["checkpoints"]:
        rate = every / (checkpoint["seconds"] - previous_seconds)
        previous_seconds = checkpoint["seconds"]
        lines.append(f"| {checkpoint['documents']:,} | {checkpoint['peak_rss_mb']:.0f} | {rate:.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1028, help="pages in the throughput corpus")
    parser.add_argument("--configs", default=",".join(CONFIGS), help=f"comma-separated subset of {CONFIGS}")
    parser.add_argument(
        "--growth", action="store_true", help="also ingest --growth-docs pages (memory growth)"
    )
    parser.add_argument("--growth-docs", type=int, default=GROWTH_DOCS, help="pages in the growth corpus")
    parser.add_argument(
        "--growth-without-analysis",
        action="store_true",
        help="growth run without NER, events and stories (clean, dedup, store: ~10x faster)",
    )
    parser.add_argument(
        "--checkpoint-every", type=int, default=CHECKPOINT_EVERY, help="pipeline RSS/time checkpoint interval"
    )
    parser.add_argument("--no-analysis", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--articles", type=Path, default=corpus.DEFAULT_ARTICLES, help="10kGNAD articles.csv")
    parser.add_argument(
        "--corpus-dir", type=Path, help="where to build (or reuse) the corpora; default: temporary"
    )
    parser.add_argument("--warc-files", type=int, default=8, help="WARC shards for the Ray runs")
    parser.add_argument("--timeout", type=float, default=900, help="seconds allowed per configuration")
    parser.add_argument("--profile", type=Path, help="run the pipeline under cProfile and write pstats here")
    parser.add_argument("--worker", choices=CONFIGS, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        worker_main(
            args.worker,
            args.corpus_dir,
            args.result,
            args.profile,
            analysis=not args.no_analysis,
            checkpoint_every=args.checkpoint_every,
        )
        return 0

    configs = [name for name in args.configs.split(",") if name]
    unknown = set(configs) - set(CONFIGS)
    if unknown:
        parser.error(f"unknown configurations: {sorted(unknown)}")
    root = args.corpus_dir or Path(tempfile.mkdtemp(prefix="lagebild-corpus-"))
    try:
        manifest = _ensure_corpus(root / f"docs-{args.docs}", args.articles, args.docs, args.warc_files)
        print(f"corpus: {manifest['documents']} pages, {manifest['words']:,} words, cpus {os.cpu_count()}")
        print(f"load average before: {os.getloadavg()}")
        results: dict[str, dict[str, Any]] = {}
        for config in configs:
            profile = args.profile if config == "pipeline" else None
            results[config] = measure(
                config,
                root / f"docs-{args.docs}",
                args.timeout,
                profile,
                checkpoint_every=args.checkpoint_every,
            )
            print(f"{config}: {json.dumps(results[config])}", flush=True)
        print(f"load average after: {os.getloadavg()}\n")
        print(throughput_table(results, int(manifest["words"])))
        if "pipeline" in results and results["pipeline"]["checkpoints"]:
            print("\n(b) over the run:\n" + growth_table(results["pipeline"], args.checkpoint_every))
        if args.growth:
            growth_dir = root / f"docs-{args.growth_docs}"
            _ensure_corpus(growth_dir, args.articles, args.growth_docs, 0)
            every = max(args.growth_docs // 10, 1)
            grown = measure(
                "pipeline",
                growth_dir,
                args.timeout,
                analysis=not args.growth_without_analysis,
                checkpoint_every=every,
            )
            print(f"\ngrowth: {json.dumps(grown)}")
            print(f"load average after growth: {os.getloadavg()}\n")
            print(growth_table(grown, every))
    finally:
        if not args.corpus_dir:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
