"""The lab report (HTML and PDF) of a run: the page, each kind's section and the guide's words."""
