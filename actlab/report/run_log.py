"""The run log in the lab report: "Your runs", one row per run (its thumbnail, network,
training, epochs, final figures and each outcome's mark), and which run reached each
outcome — so a student who ran tanh and then linear hands in the comparison, not only the
last run.  Shared by every kind's report (:func:`actlab.report.points.report_tail` puts it
before the settings); the thumbnails are data URIs in the HTML file and resources named
``run-N`` in the PDF (:func:`run_log_pngs`)."""
from __future__ import annotations

import base64
import html

from actlab.engine.outcomes import expectations
from actlab.engine.run_log import checked_by

PASS, FAIL, MUTED = "#00795A", "#C2410C", "#5F6368"
NEUTRAL = "#4A6785"  # a claim predicted to fail that held: never the student's red
MARKS = {"pass": ("✔", PASS), "as_predicted": ("✔", PASS), "fail": ("✘", FAIL),
         "unexpected": ("!", NEUTRAL), "pending": ("…", MUTED), "other": ("–", "#9AA0A6")}
THUMB_WIDTH = 72


def _esc(text) -> str:
    return html.escape(str(text), quote=True)


def run_log_pngs(lab) -> dict[str, bytes]:
    """The thumbnails as PDF resources: ``{"run-3": png, …}``."""
    return {f"run-{r.number}": r.thumbnail for r in getattr(lab, "runs", ()) if r.thumbnail}


def _figures(r, problem: str) -> str:
    f, out = r.figures, []
    if problem == "regression":
        if "test_r2" in f:
            out.append(f"test R² {f['test_r2']:.3f}")
    else:
        for key, name in (("test_accuracy", "test accuracy"),
                          ("train_accuracy", "training accuracy")):
            if key in f:
                out.append(f"{name} {100 * f[key]:.1f} %")
    for key, name in (("test_loss", "test loss"), ("train_loss", "training loss")):
        if key in f:
            out.append(f"{name} {f[key]:.4g}")
    return "<br/>".join(_esc(t) for t in out)


def _marks(r) -> str:
    out = []
    for o in r.outcomes:
        mark, color = MARKS.get(o.shown, ("?", MUTED))
        out.append(f"{o.index + 1}&#160;<span style='color:{color}'><b>{mark}</b></span>")
    return " &#160;".join(out)


def _src(r, browser: bool) -> str:
    if browser:
        return "data:image/png;base64," + base64.b64encode(r.thumbnail).decode("ascii")
    return f"actlab-report:run-{r.number}.png"


def reached_lines(lab) -> list[str]:
    """Per guided outcome, in words: which runs reached it, or what the runs of its
    network measured ("not reached by runs 2, 3"), or that no run was of its network."""
    runs = tuple(getattr(lab, "runs", ()))
    custom = getattr(lab.network, "custom", ())
    try:
        exps = expectations(lab.guide, custom)
    except (KeyError, TypeError, ValueError):
        return []
    lines = []
    for i, e in enumerate(exps):
        about = checked_by(runs, i)
        won = [r.number for r in about if r.reached(i)]
        verb = "failed as predicted in run" if e.should_fail else "reached by run"
        if won:
            what = verb + ("s " if len(won) > 1 else " ") + ", ".join(map(str, won))
            mark = MARKS["pass"]
        elif about:
            nums = [r.number for r in about]
            what = ("held in run" if e.should_fail else "not reached by run") + (
                "s " if len(nums) > 1 else " ") + ", ".join(map(str, nums))
            mark = MARKS["unexpected" if e.should_fail else "fail"]
        else:
            what = "no run of the network it is about yet"
            mark = MARKS["other"]
        lines.append(f"<tr><td width='28' align='center' valign='top'><span style='color:"
                     f"{mark[1]}; font-size:13pt; font-weight:bold'>{mark[0]}</span></td>"
                     f"<td valign='top'>{i + 1}. "
                     f"{'Predicted to fail: ' if e.should_fail else ''}{_esc(e.describe())}"
                     "<br/><span class='small' "
                     f"style='color:{mark[1]}'>{_esc(what)}</span></td></tr>")
    return lines


def run_log_html(lab, browser: bool = True) -> str:
    """The "Your runs" section ("" when the lab has no run)."""
    runs = tuple(getattr(lab, "runs", ()))
    if not runs:
        return ""
    problem = lab.data.problem
    parts = [f"<h2>Your runs ({len(runs)})</h2>",
             "<p class='sub'>Every run you made in this lab, oldest first: each starts from "
             "freshly initialised weights.</p>",
             "<table width='100%' cellspacing='0' cellpadding='4' border='0'>"
             "<tr><th align='left'>run</th><th></th><th align='left'>network and training</th>"
             "<th align='right'>epochs</th><th align='left'>results</th>"
             "<th align='left'>outcomes</th></tr>"]
    for r in runs:
        thumb = (f"<img src=\"{_src(r, browser)}\" width=\"{THUMB_WIDTH}\" alt=\"run "
                 f"{r.number}\"/>" if r.thumbnail else "")
        parts.append(
            f"<tr><td valign='top'><b>{r.number}</b></td><td valign='top'>{thumb}</td>"
            f"<td valign='top'>{_esc(r.network)}<br/><span class='small'>"
            f"{_esc(r.training)} · seed {r.seed}</span></td>"
            f"<td valign='top' align='right'>{r.epochs:,}</td>"
            f"<td valign='top' class='small'>{_figures(r, problem)}</td>"
            f"<td valign='top'>{_marks(r)}</td></tr>")
    parts.append("</table>")
    lines = reached_lines(lab)
    if lines:
        parts.append("<h3>Which run reached each outcome</h3>"
                     "<table width='100%' cellspacing='0' cellpadding='4' border='0'>"
                     + "".join(lines) + "</table>")
    return "\n".join(parts)
