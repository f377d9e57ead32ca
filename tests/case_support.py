"""The bundled golden cases, scored, for tests of what is made from a result."""

from __future__ import annotations

from pathlib import Path

import selfscore

CASES = Path(__file__).resolve().parent.parent / "cases"


def scored(name: str) -> selfscore.Result:
    """``cases/<name>.toml`` scored under its spec (a ``project-`` case as a project table)."""
    path = CASES / f"{name}.toml"
    if name.startswith("project-"):
        from selfscore.core.project_score import score_project
        from selfscore.inputs.project_sheet import load_project_case

        project = load_project_case(path)
        return score_project(selfscore.load_spec(project.spec), project)
    case, spec = selfscore.load_case_and_spec(path)
    return selfscore.score(spec, case)
