"""eval and kb check: the quality of the content and of the understanding."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..config import Settings
from . import load


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from ..evaluation import Gate, read_cases, report, score

    try:
        cases = read_cases(Path(p) for p in args.paths)
    except (OSError, ValueError) as exc:
        print(f"eval: {exc}", file=sys.stderr)
        return 2
    core = load(settings)
    scores = score(core, cases)
    print(report(scores, show_errors=args.errors))
    gate = Gate(args.min_accuracy, args.min_language_accuracy, args.max_out_of_scope, args.min_safety,
                args.min_style_accuracy, args.min_reply_language, args.max_false_alarms)
    failures = gate.failures(scores)
    for failure in failures:
        print(f"GATE FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


def cmd_kb(args: argparse.Namespace, settings: Settings) -> int:
    from ..content_check import check_content

    problems = check_content(settings)
    for problem in problems:
        print(problem)
    print(f"kb check: {len(problems)} problem(s)")
    return 1 if problems else 0
