"""One display name per activation, everywhere it is shown: ACTIVATIONS[name].title."""
from __future__ import annotations

import re
from dataclasses import replace

import pytest

from actlab.outputs.runs import figure_titles
from actlab.engine.activations.builtin import ACTIVATIONS, NAMES
from actlab.engine.activations.lookup import canonical_name, display_name
from actlab.lab import default_lab
from actlab.views.points.compare_view import CompareView


def test_titles_are_one_short_name_each():
    titles = [ACTIVATIONS[n].title for n in NAMES]
    assert len(set(titles)) == len(titles)
    for n, t in zip(NAMES, titles):
        # one name: no "(identity)" or "/ Swish" — explanations live in the summary
        assert not re.search(r"[()/]", t) and len(t) <= 12, t
        assert canonical_name(t) == n or display_name(t) == t
    assert ACTIVATIONS["linear"].title == "Linear" and "identity" in ACTIVATIONS["linear"].summary
    assert ACTIVATIONS["silu"].title == "SiLU" and "Swish" in ACTIVATIONS["silu"].summary


@pytest.mark.parametrize("spelling, name", [("relu", "relu"), ("ReLU", "relu"),
                                            ("leaky-relu", "leaky_relu"), ("Tanh", "tanh")])
def test_display_name_accepts_any_spelling(spelling, name):
    assert display_name(spelling) == ACTIVATIONS[name].title
    assert display_name("My lab") == "My lab"  # not an activation: as given


def test_toolbar_combo_shows_the_titles(qtbot):
    from actlab.gui.panels.controls_panel import ControlsPanel

    panel = ControlsPanel()
    qtbot.addWidget(panel)
    combo = panel.activation
    shown = {combo.itemData(i): combo.itemText(i) for i in range(combo.count())}
    assert shown == {n: ACTIVATIONS[n].title for n in NAMES}
    tip = combo.itemData(combo.findData("silu"), 3)  # ToolTipRole: the explanation
    assert "Swish" in tip


def test_compare_checkboxes_and_titles_show_the_titles(qtbot):
    from actlab.gui.instruments.compare_panel import short_title

    assert all(short_title(n) == ACTIVATIONS[n].title for n in NAMES)
    from actlab.engine.trainer import Trainer

    runs = []
    for name in ("relu", "silu", "linear"):
        lab = default_lab()
        lab = replace(lab, network=lab.network.with_activation(name))
        t = Trainer(lab)
        t.train(2)
        runs.append((name, t.snapshot(grid=20), t.dataset))
    view = CompareView()
    qtbot.addWidget(view)
    view.show_runs(runs)
    titles = [s.plot_item.titleLabel.text for s in view.surfaces]
    legend = [label.text for _, label in view.legend.items]
    for (name, _, _), title, entry in zip(runs, titles, legend):
        # on one line, or its numbers under its name in a narrow cell
        assert title.replace("<br>", " · ").startswith(ACTIVATIONS[name].title + " · ")
        assert entry == ACTIVATIONS[name].title


def test_cli_figure_titles_use_the_titles():
    lab = default_lab()
    for name in ("relu", "silu", "linear", "leaky_relu"):
        net = lab.network.with_activation(name)
        title, loss_title = figure_titles(replace(lab, network=net), 10)
        assert title.endswith("— " + ACTIVATIONS[name].title)
        assert ACTIVATIONS[name].title in loss_title and f"— {name} " not in loss_title


def test_cli_compare_png_legend_uses_the_titles(tmp_path, monkeypatch):
    """The CLI's compare.png draws its runs through CompareView: the legend and surface
    titles it builds read the display names, not the --activation keys."""
    from actlab.cli import main as cli
    from actlab.figures import render

    seen = []
    real = render.compare_view

    def spy(runs):
        view = real(runs)
        seen.append(([label.text for _, label in view.legend.items],
                     [s.plot_item.titleLabel.text for s in view.surfaces]))
        return view

    monkeypatch.setattr(render, "compare_view", spy)
    code = cli.main(["train", "xor-needs-nonlinearity", "--epochs", "3", "--activation",
                     "linear", "--activation", "silu", "--out", str(tmp_path), "--quiet"])
    assert code == 0 and (tmp_path / "compare.png").exists()
    legend, titles = seen[-1]
    assert legend == ["Linear", "SiLU"]
    titles = [t.replace("<br>", " · ") for t in titles]
    assert titles[0].startswith("Linear · ") and titles[1].startswith("SiLU · ")
