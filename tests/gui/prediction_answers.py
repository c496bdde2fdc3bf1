"""Answering a "Predict first" dialog without blocking: shared by the GUI tests'
fixtures (conftest.py) and the in-suite layout check (layout_check.py, a subprocess)."""


def answer_prediction(dialog, log=None):
    """Drive a "Predict first" dialog without blocking: ``log["predict"]`` (a callable
    of the dialog) answers it, else Skip, else (the teacher requires an answer) the
    first choice, the number shown or a diagonal line is predicted."""
    if log is not None:
        log["predicted"].append(dialog.question)
        if callable(log.get("predict")):
            log["predict"](dialog)
            return
    if dialog.skip_button.isEnabled():
        dialog.skip_button.click()
        return
    if dialog.choice_buttons:
        dialog.choice_buttons[0].setChecked(True)
    if dialog.canvas is not None:
        dialog.canvas.set_points([(-5.0, -5.0), (5.0, 5.0)])
    dialog.predict_button.click()
