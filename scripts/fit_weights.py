"""Fit the answerer's three small linear models on SQuAD v1.1 part 1 and write qa/data/weights.json.

1. sentence model: does this retrieved sentence hold a gold answer?  (features: SENTENCE_FEATURES)
2. span model: is this candidate span a gold answer (F1 >= 0.6)?       (features: FEATURES)
3. confidence model: is the top answer right?  Negatives include every question asked with its own
   article hidden from retrieval, which is what "the briefing does not say" looks like.

Articles are split into folds, so the held-out numbers printed come from articles the weights never saw.
Logistic regression is fitted by Newton's method with an L2 penalty (a few lines of numpy).

    .venv/bin/python scripts/fit_weights.py [--limit N] [--l2 30] [--trees 40] [--bags 1]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.squad_corpus import write_corpus  # noqa: E402
from qa.answerer import Answerer  # noqa: E402
from qa.evaluate import best_over, f1  # noqa: E402
from qa.extractor import FEATURES, SENTENCE_FEATURES, TREES_FILE, TREES_SEPARATOR, WEIGHTS_FILE, SpanTrees  # noqa: E402
from qa.question import analyse  # noqa: E402

WORK = Path("var/bench")
from qa.answerer import CONFIDENCE_FEATURES, STRICT_MIN_FIT, STRICT_TYPES, confidence_row  # noqa: E402

FOLDS = 4


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, iterations: int = 30) -> np.ndarray:
    w = np.zeros(x.shape[1])
    penalty = l2 * np.eye(x.shape[1])
    penalty[-1, -1] = 0.0 if x.shape[1] else 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        gradient = x.T @ (p - y) + penalty @ w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + penalty + 1e-6 * np.eye(x.shape[1])
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-6:
            break
    return w


def fit_listwise(
    x: np.ndarray, y: np.ndarray, groups: list[tuple[int, int]], l2: float = 1.0, prior: np.ndarray | None = None,
) -> np.ndarray:
    """Softmax over each question's candidates, trained towards the candidates' F1 (a listwise ranker).

    The penalty pulls the weights towards `prior` (the hand-set weights) rather than towards zero, so
    what SQuAD's Wikipedia questions do not show (news paraphrases) keeps its hand-set weight.

    Pointwise logistic regression treats candidates of different questions as comparable; what matters
    is only which candidate of one question wins, which this objective optimises directly.
    """
    from scipy.optimize import minimize

    keep = [(b, e) for b, e in groups if e > b and y[b:e].max() > 0]
    rows = np.concatenate([np.arange(b, e) for b, e in keep])
    xs, ys = x[rows], y[rows] ** 2
    sizes = np.array([e - b for b, e in keep])
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    seg = np.repeat(np.arange(len(keep)), sizes)
    target = ys / np.add.reduceat(ys, starts)[seg]

    prior = np.zeros(x.shape[1]) if prior is None else prior

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = xs @ w
        z = z - np.maximum.reduceat(z, starts)[seg]
        ez = np.exp(z)
        log_norm = np.log(np.add.reduceat(ez, starts))
        p = ez / np.exp(log_norm)[seg]
        value = -(target * (z - log_norm[seg])).sum() + 0.5 * l2 * ((w - prior) @ (w - prior))
        grad = xs.T @ (p - target) + l2 * (w - prior)
        return value, grad

    result = minimize(loss, prior.copy(), jac=True, method="L-BFGS-B", options={"maxiter": 500})
    return result.x


def fit_bagged_trees(  # type: ignore[no-untyped-def]
    x: np.ndarray, y: np.ndarray, groups: list[tuple[int, int]], init: np.ndarray, rounds: int, bags: int,
):
    """`bags` boosters from different random subsamples, averaged (SpanTrees): one fit's correction swings
    news answers that SQuAD never shows; the mean of several swings less."""
    return SpanTrees([fit_trees(x, y, groups, init, rounds, seed) for seed in range(bags)])


def fit_trees(x: np.ndarray, y: np.ndarray, groups: list[tuple[int, int]], init: np.ndarray, rounds: int,  # type: ignore[no-untyped-def]
              seed: int = 0):
    """Boosted trees (LambdaRank) fitted on top of the linear scores `init`: they learn what the linear
    model cannot say (a feature that matters only with another, "what" + a clause after a verb), and the
    answerer adds their output to the linear score. Seeded and single-threaded; a refit can still differ in the
    third decimal, as the linear fit underneath it does with BLAS's summation order."""
    import lightgbm as lgb

    keep = [(b, e) for b, e in groups if e > b and y[b:e].max() > 0]
    rows = np.concatenate([np.arange(b, e) for b, e in keep])
    ranker = lgb.LGBMRanker(
        n_estimators=rounds, num_leaves=15, learning_rate=0.15, min_child_samples=50, subsample=0.8,
        subsample_freq=1, colsample_bytree=0.8, label_gain=[0, 1, 3, 7, 15], random_state=seed, n_jobs=1,
        deterministic=True, force_row_wise=True, verbose=-1,
    )
    # Relevance grades 0-4 from each candidate's F1 against the gold answers.
    ranker.fit(x[rows], np.round(y[rows] * 4).astype(int), group=[e - b for b, e in keep], init_score=init[rows])
    return ranker.booster_


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--decline", type=float, default=0.75,
                    help="share of hidden-article questions the abstention threshold must decline")
    ap.add_argument("--wrong-negative", action="store_true",
                    help="count a present article's wrong top answer as a confidence negative (model 'is it right')")
    ap.add_argument("--l2", type=float, default=30.0, help="pull towards the hand-set weights (0: none)")
    # Three bags (2026-11-29): SQuAD held-out 0.496 as with one, BBC questions F1 0.564 as the committed
    # single booster, the seed sets F1 0.732 and follow-up 0.746 against its 0.785 and 0.857: one kept.
    ap.add_argument("--bags", type=int, default=1, help="boosters averaged (each on its own subsample)")
    ap.add_argument("--trees", type=int, default=40,
                    help="boosting rounds of the trees fitted on top of the linear score (0: linear only)")
    ap.add_argument("--try-l2", type=float, nargs="*", default=[],
                    help="also fit with these values and write var/bench/weights-l2-<v>.json to compare")
    args = ap.parse_args()
    questions = write_corpus(WORK / "squad-corpus")
    if args.limit:
        questions = questions[:: max(1, len(questions) // args.limit)]
    answerer = Answerer(WORK / "squad-corpus", WORK / "squad-index").load()
    index, extractor, retriever = answerer.index, answerer.extractor, answerer.retriever
    extractor.trees = None  # features only: the trees being replaced must not shape anything here
    assert index is not None
    articles = sorted({q.article for q in questions})
    fold_of = {a: i % FOLDS for i, a in enumerate(articles)}
    started = time.perf_counter()
    cache = WORK / f"squad-question-vectors-{len(questions)}.npy"
    if cache.is_file():
        vectors = np.load(cache)
    else:
        vectors = answerer.embedder.encode([q.question for q in questions])
        np.save(cache, vectors)
    print(f"{len(questions)} questions embedded in {time.perf_counter() - started:.0f}s")

    # Retrieval once per question, with and without its own article.
    sent_x, sent_y, sent_fold, items = [], [], [], []
    for q, vec in zip(questions, vectors, strict=True):
        info = analyse(q.question)
        gold_row = index.doc_rows[q.article]
        retrieval = retriever.search(q.question, vec, k=12)
        present = {p.row: p.score for p in retrieval.passages[:6]}
        hidden = {p.row: p.score for p in retrieval.passages if index.passages[p.row, 0] != gold_row}
        hidden = dict(list(hidden.items())[:6])
        for passages, mode in ((present, "present"), (hidden, "hidden"), (present, "near")):
            is_present = mode == "present"
            sentences = extractor.score_sentences(info, vec, passages)
            if mode == "near":
                # A near miss: the article is there but every sentence holding the answer is gone, which is
                # what a question the article touches on but does not answer looks like.
                sentences = [s for s in sentences if not (int(index.sentences[s.row, 0]) == gold_row and any(
                    a in index.sentence_text(s.row) for a in q.answers))]
            if is_present:
                for s in sentences:
                    text = index.sentence_text(s.row)
                    sent_x.append(list(s.features))
                    in_gold = int(index.sentences[s.row, 0]) == gold_row
                    sent_y.append(float(in_gold and any(a in text for a in q.answers)))
                    sent_fold.append(fold_of[q.article])
            items.append((q, info, sentences, is_present, mode))
    sent_x, sent_y, sent_fold = np.array(sent_x), np.array(sent_y), np.array(sent_fold)
    sentence_w = fit_logistic(sent_x, sent_y)
    print("sentence weights:", dict(zip(SENTENCE_FEATURES, np.round(sentence_w, 3), strict=True)))
    extractor.sentence_weights = sentence_w

    # Span features over the top three sentences under the fitted sentence model.
    span_x, span_y, span_fold, span_q = [], [], [], []
    groups: list[tuple[int, int, int]] = []  # per item: start, end rows in span arrays, item index
    span_rows = []
    span_sentence: list[tuple[float, ...]] = []  # the features of each span's sentence
    for n, (q, info, sentences, is_present, _mode) in enumerate(items):
        for s in sentences:
            row = np.array(s.features)
            object.__setattr__(s, "score", float(row @ sentence_w))
        sentences.sort(key=lambda s: -s.score)
        spans = extractor.best_spans(info, sentences)
        begin = len(span_x)
        for sp in spans:
            text = index.documents[int(index.sentences[sp.sentence.row, 0])].text[sp.span.start: sp.span.end]
            span_x.append(sp.features)
            span_y.append(best_over(f1, text, q.answers) if is_present else 0.0)
            span_fold.append(fold_of[q.article])
            span_q.append(n)
            span_rows.append(sp.sentence.row)
            span_sentence.append(sp.sentence.features)
        groups.append((begin, len(span_x), n))
    span_x, span_y, span_fold = np.array(span_x), np.array(span_y), np.array(span_fold)

    def top_f1(scores: np.ndarray, fold: int | None) -> float:
        total, count = 0.0, 0
        for begin, end, n in groups:
            if not items[n][3] or begin == end or (fold is not None and fold_of[items[n][0].article] != fold):
                continue
            total += span_y[begin + int(np.argmax(scores[begin:end]))]
            count += 1
        return total / max(count, 1)


    from qa.extractor import DEFAULT_WEIGHTS

    hand = np.array([DEFAULT_WEIGHTS.get(name, 0.0) for name in FEATURES])
    default_w = hand
    held_out, held_out_linear = [], []
    # Each span's score from the models fitted without its article's fold: the confidence model learns from
    # these, so it sees scores as they will be on questions the span models never saw.
    out_of_fold, out_of_fold_linear = np.zeros(len(span_y)), np.zeros(len(span_y))
    for fold in range(FOLDS):
        train = [(b, e) for b, e, n in groups if items[n][3] and fold_of[items[n][0].article] != fold]
        w = fit_listwise(span_x, span_y, train, l2=args.l2, prior=hand)
        scores_f = span_x @ w
        held_out_linear.append(top_f1(scores_f, fold))
        in_fold = span_fold == fold
        out_of_fold_linear[in_fold] = scores_f[in_fold]
        if args.trees:
            trees_f = fit_bagged_trees(span_x, span_y, train, scores_f, args.trees, args.bags)
            scores_f = scores_f + trees_f.predict(span_x)
        held_out.append(top_f1(scores_f, fold))
        out_of_fold[in_fold] = scores_f[in_fold]
        print(f"fold {fold}: held-out top-span F1 linear {held_out_linear[-1]:.4f}, with trees {held_out[-1]:.4f}")
    present_groups = [(b, e) for b, e, n in groups if items[n][3]]
    span_w = fit_listwise(span_x, span_y, present_groups, l2=args.l2, prior=hand)
    linear_scores = span_x @ span_w
    booster = None
    if args.trees:
        booster = fit_bagged_trees(span_x, span_y, present_groups, linear_scores, args.trees, args.bags)
    all_scores = linear_scores + (booster.predict(span_x) if booster is not None else 0.0)
    for value in args.try_l2:
        trial_held = [top_f1(span_x @ fit_listwise(span_x, span_y, [(b, e) for b, e, n in groups if items[n][3]
                                                                     and fold_of[items[n][0].article] != fold],
                                                   l2=value, prior=hand), fold) for fold in range(FOLDS)]
        trial = fit_listwise(span_x, span_y, [(b, e) for b, e, n in groups if items[n][3]], l2=value, prior=hand)
        print(f"l2={value}: held-out top-span F1 {np.mean(trial_held):.4f}")
        (WORK / f"weights-l2-{value}.json").write_text(json.dumps({
            "sentence_weights": {k: float(v) for k, v in zip(SENTENCE_FEATURES, sentence_w, strict=True)},
            "span_weights": {k: float(v) for k, v in zip(FEATURES, trial, strict=True)},
        }))
    print("held-out top-span F1 by fold:", np.round(held_out, 3), "mean", round(float(np.mean(held_out)), 4),
          "(linear alone", round(float(np.mean(held_out_linear)), 4), ")")
    print("hand weights top-span F1:", round(top_f1(span_x @ default_w, None), 4))
    print("fitted (all folds) top-span F1:", round(top_f1(all_scores, None), 4))
    oracle = [span_y[b:e].max() for b, e, n in groups if items[n][3] and e > b]
    print(f"oracle F1 over candidates of the top 3 sentences: {np.mean(oracle):.4f}")
    top1 = []
    for q, _info, sentences, present, _mode in items:
        if present and sentences:
            text = index.sentence_text(sentences[0].row)
            top1.append(any(a in text for a in q.answers))
    print(f"top sentence holds a gold answer: {np.mean(top1):.4f}")

    # Confidence: does the briefing answer this, and is the top span right? Positives: article present
    # and top span right; negatives: the article hidden, and the near misses (article there, answer's
    # sentences gone). Present-but-wrong tops are left out: they say more about span choice than about
    # whether the briefing covers the question.
    col = {name: i for i, name in enumerate(FEATURES)}
    conf_x, conf_y, conf_fold, conf_mode = [], [], [], []
    scores = out_of_fold
    for begin, end, n in groups:
        if begin == end:
            continue
        order = np.argsort(-scores[begin:end])
        if items[n][1].answer_type in STRICT_TYPES:
            # As the answerer does: a number or date question takes only a span of its type.
            order = np.array([i for i in order if span_x[begin + i, col["type_fit"]] >= STRICT_MIN_FIT], dtype=int)
            if not len(order):
                continue  # the answerer abstains outright: nothing for the confidence model to learn
        top = begin + int(order[0])
        present, mode = items[n][3], items[n][4]
        if present and span_y[top] < 0.5:
            if not args.wrong_negative:
                continue
            mode = "wrong"
        # As the answerer does: spans ranked by linear + trees, confidence read from the linear scores.
        linear = out_of_fold_linear
        second = linear[begin + int(order[1])] if len(order) > 1 else linear[top] - 1.0
        cover = extractor.terms.cover(items[n][1], span_rows[top])
        conf_x.append(confidence_row(linear[top], second, span_x[top], span_sentence[top], cover))
        conf_y.append(float(mode == "present"))
        conf_fold.append(fold_of[items[n][0].article])
        conf_mode.append(mode)
    conf_mode = np.array(conf_mode)
    conf_x, conf_y, conf_fold = np.array(conf_x), np.array(conf_y), np.array(conf_fold)
    held = np.zeros(len(conf_y))
    for fold in range(FOLDS):
        w = fit_logistic(conf_x[conf_fold != fold], conf_y[conf_fold != fold])
        held[conf_fold == fold] = 1 / (1 + np.exp(-(conf_x[conf_fold == fold] @ w)))
    conf_w = fit_logistic(conf_x, conf_y)
    print("held-out abstention trade-off (threshold: share of hidden-article questions abstained / "
          "share of right answers kept):")
    hidden_rows, near_rows = conf_mode == "hidden", conf_mode == "near"
    for threshold in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7):
        declined, kept = np.mean(held[hidden_rows] < threshold), np.mean(held[conf_y == 1] >= threshold)
        near = np.mean(held[near_rows] < threshold)
        wrong = np.mean(held[conf_mode == "wrong"] < threshold) if (conf_mode == "wrong").any() else float("nan")
        print(f"  {threshold:.1f}: hidden {declined:.3f}, near misses {near:.3f}, wrong {wrong:.3f} / kept {kept:.3f}")

    # The abstention threshold: the lowest that declines at least `--decline` of the questions whose article
    # is hidden (held-out folds). Higher thresholds decline more unanswerable questions but also more right
    # answers to questions worded unlike their sentence, which news readers ask more than SQuAD's
    # annotators did. With the span trees ranking (2026-11-29), declining 0.70 gives 0.04, which let "What is
    # the capital of France?" through on the seed (at 0.044); the default 0.75 gives 0.05, which declines 7 of
    # the seed's 15 unanswerable questions and 2 answerable ones (0.06: 8 and 4; 0.08: 10 and 7).
    grid = np.round(np.arange(0.01, 0.95, 0.005), 3)
    abstain_below = float(next(t for t in grid if np.mean(held[hidden_rows] < t) >= args.decline))
    print(f"abstain below {abstain_below}: declines {np.mean(held[hidden_rows] < abstain_below):.3f} of hidden, "
          f"{np.mean(held[near_rows] < abstain_below):.3f} of near misses, "
          f"keeps {np.mean(held[conf_y == 1] >= abstain_below):.3f} of right answers")
    payload = {
        "about": "Fitted by scripts/fit_weights.py on SQuAD v1.1 dev part 1; do not edit by hand.",
        "questions": len(questions),
        "held_out_top_span_f1": round(float(np.mean(held_out)), 4),
        "held_out_top_span_f1_linear": round(float(np.mean(held_out_linear)), 4),
        "span_trees": {"rounds": args.trees, "bags": args.bags},
        "span_l2_towards_hand_weights": args.l2,
        "abstain_below": abstain_below,
        "sentence_weights": {k: round(float(v), 5) for k, v in zip(SENTENCE_FEATURES, sentence_w, strict=True)},
        "span_weights": {k: round(float(v), 5) for k, v in zip(FEATURES, span_w, strict=True)},
        "confidence_weights": {k: round(float(v), 5) for k, v in zip(CONFIDENCE_FEATURES, conf_w, strict=True)},
    }
    WEIGHTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    WEIGHTS_FILE.write_text(json.dumps(payload, indent=1) + "\n")
    print(f"wrote {WEIGHTS_FILE}")
    if booster is not None:
        TREES_FILE.write_text(TREES_SEPARATOR.join(b.model_to_string() for b in booster.boosters))
        print(f"wrote {TREES_FILE} ({TREES_FILE.stat().st_size // 1024} KB)")
    elif TREES_FILE.exists():
        TREES_FILE.unlink()
        print(f"removed {TREES_FILE}")


if __name__ == "__main__":
    main()
