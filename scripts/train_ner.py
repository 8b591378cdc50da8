"""Train lagebild's German NER pipeline with spaCy (seeded, CPU, offline).

    python scripts/train_ner.py --corpora germeval,smartdata,mobie,legal --name all-w96
    python scripts/train_ner.py --corpora germeval --width 128 --rows 20000 --name ge-w128
    python scripts/train_ner.py --build-vectors   # word2vec on the training corpora' text
    python scripts/train_ner.py --corpora germeval --vectors training/vectors --name ge-vec
    python scripts/train_ner.py --install training/runs/all-w96/model-best

Training data: GermEval 2014 dev + test pooled and split 85/15 by sentence hash (see
``ner_data.is_held_out``); the 15% is the dev set for model selection. Other corpora are mapped to
PER/LOC/ORG/OTH and only ever added to training. ``--install`` copies a trained pipeline into the
package, prepends lagebild's German sentence splitter and records the scores in ``meta.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import time
from pathlib import Path

import spacy
from ner_data import (
    DEFAULT_DATA,
    Sentence,
    germeval_split,
    read_conll,
    read_europeana,
    read_legal,
    read_mobie,
    read_smartdata,
)
from spacy.tokens import Doc, DocBin

REPO = Path(__file__).resolve().parents[1]
DEFAULT_WORK = REPO / "training"
PACKAGE_MODEL = REPO / "src" / "lagebild" / "resources" / "ner_de"
NO_SPACE_BEFORE = {".", ",", ";", ":", "!", "?", ")", "]", "}", "%", "“", "'"}
NO_SPACE_AFTER = {"(", "[", "{", "„"}

CONFIG = """
[paths]
train = null
dev = null

[system]
seed = {seed}
gpu_allocator = null

[nlp]
lang = "de"
pipeline = ["tok2vec","ner"]
batch_size = 256

[components]

[components.tok2vec]
factory = "tok2vec"

[components.tok2vec.model]
@architectures = "spacy.Tok2Vec.v2"

[components.tok2vec.model.embed]
@architectures = "spacy.MultiHashEmbed.v2"
width = {width}
attrs = {attrs}
rows = {rows}
include_static_vectors = {static_vectors}

[components.tok2vec.model.encode]
@architectures = "spacy.MaxoutWindowEncoder.v2"
width = {width}
depth = {depth}
window_size = 1
maxout_pieces = 3

[components.ner]
factory = "ner"

[components.ner.model]
@architectures = "spacy.TransitionBasedParser.v2"
state_type = "ner"
extra_state_tokens = false
hidden_width = 64
maxout_pieces = 2
use_upper = true
nO = null

[components.ner.model.tok2vec]
@architectures = "spacy.Tok2VecListener.v1"
width = {width}
upstream = "*"

[corpora]

[corpora.train]
@readers = "spacy.Corpus.v1"
path = ${{paths.train}}
max_length = 0

[corpora.dev]
@readers = "spacy.Corpus.v1"
path = ${{paths.dev}}
max_length = 0

[training]
seed = ${{system.seed}}
dropout = 0.1
accumulate_gradient = 1
patience = 4000
max_epochs = 0
max_steps = {max_steps}
eval_frequency = {eval_frequency}
frozen_components = []
before_to_disk = null
train_corpus = "corpora.train"
dev_corpus = "corpora.dev"

[training.batcher]
@batchers = "spacy.batch_by_words.v1"
discard_oversize = false
tolerance = 0.2

[training.batcher.size]
@schedules = "compounding.v1"
start = 100
stop = 1000
compound = 1.001

[training.optimizer]
@optimizers = "Adam.v1"
beta1 = 0.9
beta2 = 0.999
L2_is_weight_decay = true
L2 = 0.01
grad_clip = 1.0
use_averages = true
eps = 0.00000001
learn_rate = 0.001

[training.score_weights]
ents_f = 1.0
ents_p = 0.0
ents_r = 0.0
ents_per_type = null

[initialize]
vectors = {vectors}
"""


def to_doc(vocab: spacy.Vocab, sentence: Sentence) -> Doc:
    """A spaCy Doc with the sentence's tokens, plausible spacing and its entity tags."""
    tokens, tags = sentence
    spaces = [
        token not in NO_SPACE_AFTER and (index + 1 == len(tokens) or tokens[index + 1] not in NO_SPACE_BEFORE)
        for index, token in enumerate(tokens)
    ]
    return Doc(vocab, words=tokens, spaces=spaces, ents=tags)


def write_docbin(sentences: list[Sentence], path: Path) -> None:
    nlp = spacy.blank("de")
    DocBin(docs=(to_doc(nlp.vocab, sentence) for sentence in sentences)).to_disk(path)


def load_corpora(names: list[str], data: Path, seed: int, legal_limit: int) -> tuple[list, list]:
    """Training sentences from the named corpora and the GermEval dev portion."""
    train, dev = germeval_split(data / "germeval2014")
    if "germeval" not in names:
        train = []
    extra = {
        "smartdata": lambda: read_smartdata(data / "ner-smartdata"),
        "mobie": lambda: read_mobie(data / "ner-mobie"),
        "legal": lambda: read_legal(data / "ner-legal", legal_limit, seed),
        "europeana": lambda: read_europeana(data / "ner-europeana"),
    }
    for name in names:
        if name in extra:
            sentences = extra[name]()
            print(f"{name}: {len(sentences)} sentences")
            train.extend(sentences)
    random.Random(seed).shuffle(train)
    return train, dev


def train(args: argparse.Namespace) -> None:
    names = [name.strip() for name in args.corpora.split(",")]
    run = args.work / "runs" / args.name
    run.mkdir(parents=True, exist_ok=True)
    train_sentences, dev_sentences = load_corpora(names, args.data, args.seed, args.legal_limit)
    print(f"train {len(train_sentences)} sentences, dev {len(dev_sentences)} sentences")
    write_docbin(train_sentences, run / "train.spacy")
    write_docbin(dev_sentences, run / "dev.spacy")
    attrs = ["NORM", "PREFIX", "SUFFIX", "SHAPE"]
    rows = [args.rows, max(args.rows // 5, 1000), args.rows // 2, args.rows // 2]
    config_text = CONFIG.format(
        seed=args.seed,
        width=args.width,
        depth=args.depth,
        attrs=json.dumps(attrs),
        rows=json.dumps(rows),
        max_steps=args.max_steps,
        eval_frequency=args.eval_frequency,
        static_vectors="true" if args.vectors else "false",
        vectors=json.dumps(str(args.vectors)) if args.vectors else "null",
    )
    filled = spacy.util.load_model_from_config(spacy.util.load_config_from_str(config_text), auto_fill=True)
    filled.config.to_disk(run / "config.cfg")
    from spacy.cli.train import train as spacy_train

    started = time.perf_counter()
    spacy_train(
        run / "config.cfg",
        run,
        overrides={"paths.train": str(run / "train.spacy"), "paths.dev": str(run / "dev.spacy")},
    )
    meta = json.loads((run / "model-best" / "meta.json").read_text(encoding="utf-8"))
    summary = {
        "name": args.name,
        "corpora": names,
        "width": args.width,
        "depth": args.depth,
        "rows": rows,
        "seed": args.seed,
        "vectors": str(args.vectors) if args.vectors else None,
        "train_sentences": len(train_sentences),
        "seconds": round(time.perf_counter() - started),
        "performance": meta["performance"],
    }
    (run / "summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    print(json.dumps(summary["performance"], indent=2))


def build_vectors(args: argparse.Namespace) -> None:
    """Skip-gram word vectors from the tokens of every CC BY / CC0 training corpus (GermEval held-out
    sentences excluded; the non-commercial 10kGNAD is not used), pruned to the most frequent words."""
    from gensim.models import Word2Vec
    from spacy.training.initialize import convert_vectors

    germeval_train, _ = germeval_split(args.data / "germeval2014")
    sentences = [tokens for tokens, _ in germeval_train]
    sentences += [tokens for tokens, _ in read_smartdata(args.data / "ner-smartdata")]
    sentences += [tokens for tokens, _ in read_mobie(args.data / "ner-mobie")]
    sentences += [tokens for tokens, _ in read_europeana(args.data / "ner-europeana")]
    for path in sorted((args.data / "ner-legal" / "full_by_court").glob("*.conll.gz")):
        sentences += [tokens for tokens, _ in read_conll(path)]
    print(f"word2vec on {len(sentences)} sentences, {sum(map(len, sentences))} tokens")
    model = Word2Vec(
        sentences,
        vector_size=args.vector_dim,
        window=5,
        min_count=3,
        sg=1,
        workers=2,
        epochs=5,
        seed=args.seed,
    )
    out = args.work / "vectors"
    out.mkdir(parents=True, exist_ok=True)
    text_path = out / "vectors.txt"
    words = model.wv.index_to_key[: args.vector_rows]
    with text_path.open("w", encoding="utf-8") as handle:
        handle.write(f"{len(words)} {args.vector_dim}\n")
        for word in words:
            handle.write(word + " " + " ".join(f"{value:.5f}" for value in model.wv[word]) + "\n")
    nlp = spacy.blank("de")
    convert_vectors(nlp, text_path, truncate=0, prune=-1, mode="default")
    nlp.to_disk(out)
    print(f"wrote {len(words)} vectors of {args.vector_dim} dims to {out}")


def install(model: Path) -> None:
    """Copy a trained pipeline into the package with lagebild's sentence splitter in front."""
    import lagebild.nlp.sentences  # noqa: F401  (registers the "lagebild_sentences" factory)

    nlp = spacy.load(model)
    nlp.add_pipe("lagebild_sentences", first=True)
    nlp.meta["name"] = "ner_de"
    nlp.meta["version"] = "1.0.0"
    nlp.meta["description"] = "lagebild German NER (PER/LOC/ORG/OTH); see docs/ner-model.md"
    nlp.meta["license"] = "CC BY 4.0 (training data); model Apache-2.0"
    if PACKAGE_MODEL.exists():
        shutil.rmtree(PACKAGE_MODEL)
    nlp.to_disk(PACKAGE_MODEL)
    config = spacy.util.load_config(PACKAGE_MODEL / "config.cfg")
    config["paths"]["train"] = config["paths"]["dev"] = config["initialize"]["vectors"] = None
    config.to_disk(PACKAGE_MODEL / "config.cfg")  # no paths of the training machine in the package
    size = sum(path.stat().st_size for path in PACKAGE_MODEL.rglob("*") if path.is_file())
    print(f"installed {model} -> {PACKAGE_MODEL.relative_to(REPO)} ({size / 1e6:.1f} MB)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder holding the NER corpora")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help="scratch folder for runs")
    parser.add_argument(
        "--corpora", default="germeval", help="comma list: germeval,smartdata,mobie,legal,europeana"
    )
    parser.add_argument("--name", default="default", help="run name (folder under WORK/runs)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--width", type=int, default=96)
    parser.add_argument("--depth", type=int, default=4)
    parser.add_argument("--rows", type=int, default=5000, help="hash rows for NORM (others scaled)")
    parser.add_argument("--legal-limit", type=int, default=1000, help="sentences taken from ner-legal")
    parser.add_argument("--max-steps", type=int, default=3000)
    parser.add_argument("--eval-frequency", type=int, default=250)
    parser.add_argument("--vectors", type=Path, help="spaCy pipeline folder with static vectors to use")
    parser.add_argument(
        "--build-vectors", action="store_true", help="train word2vec vectors into WORK/vectors"
    )
    parser.add_argument("--vector-dim", type=int, default=64)
    parser.add_argument("--vector-rows", type=int, default=40000)
    parser.add_argument("--install", type=Path, help="install this trained pipeline into the package")
    args = parser.parse_args()
    if args.install:
        install(args.install)
    elif args.build_vectors:
        build_vectors(args)
    else:
        train(args)


if __name__ == "__main__":
    main()
