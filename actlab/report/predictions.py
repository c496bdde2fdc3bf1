"""The "Predictions" section of the lab report: each prediction question the student
answered, their answer and why, the result on the run reported and the teacher's
explanation; a sketch is shown drawn over what the network drew (a PNG embedded as a
data URI, which the HTML file and the PDF's QTextDocument both read).  Judging is
:func:`actlab.engine.predictions.judge_all`; Qt is imported only for a sketch's picture.
"""
from __future__ import annotations

import base64
import html
from types import SimpleNamespace

from actlab.engine import predictions as pred

PICTURE_PX = 200
MARK_COLOR = {"right": "#00795A", "wrong": "#C2410C", "share": "#0B5394"}


def _esc(text) -> str:
    return html.escape(str(text), quote=True)


def judged(lab, trainers=(), dataset=None) -> list:
    """(question, prediction, result) for every answered question of ``lab``'s guide:
    judged on the first of ``trainers`` (the runs reported) whose network it is about,
    else on a run of ``lab`` itself (its saved weights, on ``dataset``)."""
    guide = lab.guide or {}
    try:
        qs = pred.questions(guide, getattr(lab.network, "custom", ()))
        answers = [p for p in pred.predictions(guide) if 0 <= p.question < len(qs)]
    except (ValueError, KeyError, TypeError):
        return []
    if not answers:
        return []
    trainers = list(trainers) or [_run_of(lab, dataset, qs)]
    out = []
    for p in answers:
        q, result = qs[p.question], None
        for t in trainers:
            if t is None:
                continue
            r = pred.judge(q, p, t)
            if result is None or result.status == "other":
                result = r
            if r.status != "other":
                break
        out.append((q, p, result))
    return out


def _run_of(lab, dataset, qs):
    if lab.params is None or not lab.history:
        return SimpleNamespace(lab=lab, history=SimpleNamespace(view=lambda: {}))
    if all(q.form == "choice" for q in qs):
        return SimpleNamespace(lab=lab)
    from actlab.engine.trainer import Trainer
    try:
        return Trainer(lab, dataset)
    except (ValueError, TypeError):
        return None


def _picture(q, p, result, dataset) -> str:
    if result is None or not result.picture or dataset is None:
        return ""
    from actlab.figures.render import ensure_app
    from actlab.views.prediction_sketch import SketchData, overlay_caption, overlay_png
    ensure_app()
    data = SketchData.of(q.target, dataset)
    png = overlay_png(result.picture, p.answer, data, PICTURE_PX)
    uri = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    return (f"<br/><img src=\"{uri}\" width=\"{PICTURE_PX}\" height=\"{PICTURE_PX}\" "
            f"alt=\"sketch\"/><br/><span class='caption'>{_esc(overlay_caption(q.target))}"
            "</span>")


def predictions_parts(lab, trainers=(), dataset=None) -> list[str]:
    """The report's "Predictions" section as HTML parts ([] when nothing was predicted).
    ``trainers``: the runs the report shows (judged on the first each question is
    about); without them a run of ``lab``'s saved weights on ``dataset``."""
    items = judged(lab, trainers, dataset)
    if not items:
        return []
    if dataset is None and trainers:
        dataset = getattr(trainers[0], "dataset", None)
    rows = []
    for q, p, r in items:
        if r is None or r.status in ("other", "none"):
            mark, color = "–", "#5F6368"
            said = r.reason if r is not None and r.reason else "not judged on this run"
        else:
            mark, color = r.mark, MARK_COLOR.get(r.status, "#202124")
            said = pred.result_text(r)
        why = f"<br/><span class='small'>Why: {_esc(p.why)}</span>" if p.why else ""
        explain = (f"<br/><i>{_esc(q.explain)}</i>" if q.explain else "")
        run = f" (before run {p.run})" if p.run else ""
        rows.append(
            "<tr>"
            f"<td valign='top' width='24'><b><font color='{color}'>{_esc(mark)}</font></b></td>"
            f"<td valign='top'><b>{_esc(q.ask)}</b><br/>"
            f"My prediction{_esc(run)}: {_esc(pred.answer_text(q, p))}{why}<br/>"
            f"<b>{_esc(said)}</b>{explain}{_picture(q, p, r, dataset)}</td></tr>")
    return ["<h2>Predictions</h2>",
            "<p class='sub'>What I predicted before the run, and what the run did.</p>",
            "<table class='outcomes' width='100%' cellspacing='0' cellpadding='5' "
            "border='0'>" + "".join(rows) + "</table>"]
