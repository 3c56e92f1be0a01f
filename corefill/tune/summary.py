"""The end of a search: the table of trials and Optuna's plots as PNG (matplotlib)."""
from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

from ..errors import first_line


def rows(study: Any) -> tuple[list[str], list[list[str]]]:
    """``(header, rows)``: one row per trial, its state, value, time and sampled values."""
    params = sorted({key for t in study.trials for key in t.params})
    header = ["trial", "state", "value", "minutes", *params]
    table = []
    for trial in study.trials:
        value = "" if trial.value is None else f"{trial.value:.5g}"
        minutes = "" if trial.duration is None else f"{trial.duration.total_seconds() / 60:.2f}"
        state = trial.state.name.lower()
        if state == "pruned" and trial.last_step is not None:
            state = f"pruned (epoch {trial.last_step})"
        table.append([str(trial.number), state, value, minutes,
                      *[_short(trial.params.get(key, "")) for key in params]])
    return header, table


def _short(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def print_table(study: Any, title: str) -> None:
    """The trials as a rich table (the best one marked)."""
    from rich.console import Console
    from rich.table import Table

    header, table = rows(study)
    best = _best_number(study)
    grid = Table(title=title)
    widths = [max([len(name)] + [len(row[i]) for row in table]) for i, name in enumerate(header)]
    for name, width in zip(header, widths):
        grid.add_column(name, min_width=width,
                        justify="right" if name in ("trial", "value", "minutes") else "left")
    for row in table:
        grid.add_row(*row, style="bold" if row[0] == str(best) else None)
    # Wide enough for every full key: a dotted field cut short names nothing.
    Console(width=max(80, sum(widths) + 3 * len(widths) + 1)).print(grid)


def _best_number(study: Any) -> Any:
    try:
        return study.best_trial.number
    except ValueError:  # no complete trial
        return None


def save_plots(study: Any, folder: Path) -> list[str]:
    """history.png and importance.png; returns notes for plots that could not be drawn
    (importance needs two complete trials whose values differ)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from optuna.visualization import matplotlib as optuna_plots

    notes = []
    for name, plot in (("history.png", optuna_plots.plot_optimization_history),
                       ("importance.png", optuna_plots.plot_param_importances)):
        try:
            with warnings.catch_warnings():  # Optuna marks its matplotlib plots experimental
                warnings.simplefilter("ignore")
                axes = plot(study)
            figure = axes.figure
            figure.set_size_inches(8, 5)
            figure.tight_layout()
            figure.savefig(folder / name, dpi=100)
            plt.close(figure)
        except (ValueError, RuntimeError, ZeroDivisionError) as exc:
            plt.close("all")
            first = first_line(exc)
            notes.append(f"{name} not drawn: {first}")
    return notes
