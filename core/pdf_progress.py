"""Follow WeasyPrint's own progress while one long document is printed (the results report).

WeasyPrint reports each step on the ``weasyprint.progress`` logger ("Step 3 - Applying CSS",
"Step 5 - Creating layout - Page 12", "Step 6 - Creating PDF"); core.pdf keeps that
logger at WARNING. ``layout_progress`` lowers it to INFO for the duration of one render and
passes each step to a callback, so a worker can move a progress bar page by page without
laying the document out in pieces (a report's tables and page numbers run across pages).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

PROGRESS_LOGGER = "weasyprint.progress"
# WeasyPrint's step numbers for the steps worth showing.
CSS, FORMATTING, LAYOUT, PDF = 3, 4, 5, 6


class _StepHandler(logging.Handler):
    def __init__(self, on_step: Callable[[int, int], None]):
        super().__init__(level=logging.INFO)
        self.on_step = on_step

    def emit(self, record: logging.LogRecord) -> None:
        message = str(record.msg)
        if not message.startswith("Step "):
            return
        try:
            step = int(message.split()[1])
        except (IndexError, ValueError):
            return
        page = 0
        if step == LAYOUT and "Page" in message and record.args:
            page = int(record.args[0]) if isinstance(record.args, tuple) else 0
        self.on_step(step, page)


@contextmanager
def layout_progress(on_step: Callable[[int, int], None]) -> Iterator[None]:
    """Call ``on_step(step, page)`` for each WeasyPrint step while the block runs (``page`` is the
    page being laid out in step 5, else 0). Errors in the callback propagate and stop the render."""
    logger = logging.getLogger(PROGRESS_LOGGER)
    handler = _StepHandler(on_step)
    level, propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False  # the steps go to the callback, not to the worker's log
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate
