"""Ctrl-C (SIGINT), SIGTERM and SIGHUP during training, taken between steps.

Inside :func:`signals_stop_training` each of the three sets a :class:`StopRequest` that the loop
checks before every step: SIGINT raises KeyboardInterrupt there, SIGTERM and SIGHUP raise
``Terminated`` (a KeyboardInterrupt), so the loop saves a checkpoint at the step reached and a run
can be resumed. A second Ctrl-C before the step ends stops at once; further signals once the stop
is under way are ignored, so the checkpoint is saved. Signal handlers someone else installed are
left alone, and a signal the block did not act on is delivered again as it ends."""

from __future__ import annotations

import contextlib
import signal
import threading

from tf1_tutorials.errors import Terminated


class StopRequest:
    """Set by SIGINT, SIGTERM or SIGHUP while training; the loop checks it between steps."""

    def __init__(self):
        self.signum: int | None = None
        self.honoured = False

    def handle(self, signum, frame) -> None:
        if self.honoured:
            return  # already stopping: let the checkpoint be saved
        if signum == signal.SIGINT and self.signum == signal.SIGINT:
            raise KeyboardInterrupt  # Ctrl-C pressed twice before a step ended: stop at once
        if self.signum is None:
            self.signum = signum

    def check(self, step: int) -> None:
        if self.signum is not None:
            self.honoured = True
            if self.signum != signal.SIGINT:
                name = signal.Signals(self.signum).name
                raise Terminated(f"{name} at step {step}", signum=self.signum)
            raise KeyboardInterrupt


# Each signal is taken over only while it still has the effect Python gives it by default.
_DEFAULT_HANDLERS = {
    signal.SIGINT: signal.default_int_handler,
    signal.SIGTERM: signal.SIG_DFL,
    signal.SIGHUP: signal.SIG_DFL,
}


@contextlib.contextmanager
def signals_stop_training():
    """A StopRequest that SIGINT, SIGTERM and SIGHUP set for the duration of the block. A signal
    the block did not act on (one during the last checkpoint save) is delivered again once it ends.
    Main thread only: elsewhere signals cannot be handled, and they keep their usual effect."""
    request = StopRequest()
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for signum, default in _DEFAULT_HANDLERS.items():
            if signal.getsignal(signum) is default:
                previous[signum] = signal.signal(signum, request.handle)
    try:
        yield request
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if request.signum is not None and not request.honoured:
            signal.raise_signal(request.signum)
