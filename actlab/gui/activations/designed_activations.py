"""Designed activations in the window: the layer menus' "Design an activation…" and
"Edit “NAME”…" open the activation editor, and OK becomes a network edit.

The edit goes through the window's ``apply_edit(lab, "network")`` like any other change of
the network (the weights re-initialise), and is recorded for Undo
(``record_network_edit``), so Undo takes a new designed activation out again.  The lab
keeps its designed activations by value in ``network.custom`` (point and image labs).
"""
from __future__ import annotations

from dataclasses import replace

from actlab.engine.activations import custom as ca
from actlab.engine.activations import designed
from actlab.gui.activations import activation_editor
from actlab.gui import dialogs


def with_designed(network, act, replacing: str | None = None):
    """``network`` (a NetworkSpec or an ImageNetSpec) with ``act`` (a PiecewiseLinear or a
    Tweaked) among its designed activations: in place of the one called ``replacing`` (and every layer that used that
    name then uses ``act.name``), or added at the end."""
    old = designed.find(replacing, network.custom) if replacing else None
    custom = tuple(act if c is old else c for c in network.custom) if old is not None \
        else tuple(network.custom) + (act,)
    rename = (lambda a: act.name if old is not None and a == old.name else a)
    changes = {"custom": custom, "activations": tuple(map(rename, network.activations))}
    if hasattr(network, "conv"):  # an image network: its conv layers name them too
        changes["conv"] = tuple(replace(c, activation=rename(c.activation), custom=custom)
                                for c in network.conv)
    return replace(network, **changes)


def with_layer_activation(network, where: str, index: int, name: str):
    """``network`` with layer ``index`` using activation ``name``: a hidden/dense layer
    (``where`` "dense") or a convolution layer (``"conv"``, image networks)."""
    if where == "conv":
        conv = list(network.conv)
        conv[index] = replace(conv[index], activation=name)
        return replace(network, conv=tuple(conv))
    acts = list(network.activations)
    acts[index] = name
    return replace(network, activations=tuple(acts))


def design_for_layer(window, where: str, index: int, name: str = "") -> bool:
    """Open the editor for layer ``index`` of ``window.lab`` (``where``: "dense" for a
    point lab's hidden layer or an image lab's dense layer, "conv" for a convolution);
    ``name`` is the designed activation to edit, "" to design a new one.  On OK the lab
    gets it and the layer uses it; True when the network changed.  Nothing happens (a
    status line says why) when the teacher locked the activations."""
    from actlab.gui.guide.lock_checks import refuse_if_locked
    if refuse_if_locked(window, "activation", "Design an activation"):
        return False
    net = window.lab.network
    editing = designed.find(name, net.custom) if name else None
    if editing is None and len(net.custom) >= ca.MAX_CUSTOM:
        dialogs.show_error(window, "Cannot design another activation",
                           f"network.custom: a lab holds at most {ca.MAX_CUSTOM} designed "
                           "activations; edit one of them instead.")
        return False
    act = activation_editor.design_activation(window, net.custom, editing)
    if act is None:
        return False
    try:
        new = with_layer_activation(with_designed(net, act, editing and editing.name),
                                    where, index, act.name)
    except ValueError as e:  # the engine's last word (a field path), never a traceback
        dialogs.show_error(window, "Cannot use this activation", str(e))
        return False
    if new == net:
        window.status(f"“{act.name}” is unchanged.")
        return False
    window.apply_edit(replace(window.lab, network=new), "network")
    if window.lab.network.custom != new.custom:  # apply_edit refused it and said why
        return False
    window.edits.record_network_edit(net, f"Edit “{editing.name}”" if editing
                               else f"Design “{act.name}”")
    window.status(f"Layer {index + 1} uses your activation “{act.name}”: "
                  + activation_editor.shape_sentence(act) + ". Weights re-initialised.")
    return True


def design_for_all(window) -> bool:
    """Open the editor for a new designed activation of ``window.lab`` (e.g. from the
    activation gallery); on OK the lab gets it and every layer with an activation uses
    it (a point or function lab's hidden layers, an image lab's convolutions and dense
    layers), as one network edit Undo takes back.  True when the network changed; nothing
    happens (a status line says why) when the teacher locked the activations."""
    from actlab.gui.guide.lock_checks import refuse_if_locked
    if refuse_if_locked(window, "activation", "Design an activation"):
        return False
    net = window.lab.network
    if len(net.custom) >= ca.MAX_CUSTOM:
        dialogs.show_error(window, "Cannot design another activation",
                           f"network.custom: a lab holds at most {ca.MAX_CUSTOM} designed "
                           "activations; edit one of them instead.")
        return False
    act = activation_editor.design_activation(window, net.custom)
    if act is None:
        return False
    try:
        new = with_designed(net, act)
        new = new.with_activation(act.name)
    except ValueError as e:
        dialogs.show_error(window, "Cannot use this activation", str(e))
        return False
    window.apply_edit(replace(window.lab, network=new), "network")
    if window.lab.network.custom != new.custom:  # apply_edit refused it and said why
        return False
    window.edits.record_network_edit(net, f"Design “{act.name}”")
    if not hasattr(new, "conv") and not new.hidden:
        window.status(f"“{act.name}” is kept in the lab: add a hidden layer to use it.")
        return True
    where = "every layer" if hasattr(new, "conv") else "every hidden layer"
    window.status(f"{where[0].upper()}{where[1:]} uses your activation “{act.name}”: "
                  + activation_editor.shape_sentence(act) + ". Weights re-initialised.")
    return True
