"""Leaving a page with unsaved edits asks first: closing the tab, reloading, typing another address (the browser's
own `beforeunload` question) and following a link of the page (a question in Russian).

Every piece of a page that holds unsaved edits (a form, the results grid, an upload being checked) owns a
`LeaveGuard` and tells it whether it is dirty; the browser asks while any guard of the page is armed. The state
lives in the browser (`window.edumonLeave`) so that the question is asked even when the server is slow to answer.
"""

from __future__ import annotations

import itertools
import json

from nicegui import ui

LEAVE_QUESTION = "Есть несохранённые изменения. Уйти со страницы без сохранения?"
# Defined once per page, before NiceGUI connects: `set(key, on, message)` arms or disarms one guard.
_SCRIPT = """<script>
window.edumonLeave = window.edumonLeave || (() => {
  const armed = new Map();
  let leaving = false;
  const question = () => armed.size ? [...armed.values()][0] : "";
  window.addEventListener("beforeunload", (e) => {
    if (!armed.size || leaving) return;
    e.preventDefault();
    e.returnValue = "";
    return "";
  });
  document.addEventListener("click", (e) => {
    const a = e.target && e.target.closest ? e.target.closest("a[href]") : null;
    if (!a || !armed.size || a.hasAttribute("download") || (a.target && a.target !== "_self")) return;
    const href = a.getAttribute("href") || "";
    if (href.startsWith("#") || href.startsWith("javascript:")) return;
    if (window.confirm(question())) { leaving = true; return; }
    e.preventDefault();
    e.stopImmediatePropagation();
  }, true);
  return {
    set(key, on, message) { if (on) armed.set(key, message); else armed.delete(key); },
    armed() { return [...armed.keys()]; },
    leave() { leaving = true; },
  };
})();
</script>"""
_keys = itertools.count(1)


def install() -> None:
    """Put the guard's script on the page being built (the page frame does this for every page)."""
    ui.add_head_html(_SCRIPT)


def client_call(method: str, *args: object) -> str:
    """JavaScript calling the guard with JSON arguments (also used inside an AG Grid callback)."""
    return f"window.edumonLeave && window.edumonLeave.{method}({', '.join(json.dumps(a) for a in args)})"


class LeaveGuard:
    """One source of unsaved edits on a page; `set(True)` arms the question, `set(False)` disarms it."""

    def __init__(self, name: str, question: str = LEAVE_QUESTION) -> None:
        self.key = f"{name}-{next(_keys)}"
        self.question = question
        self.dirty = False
        self.client = ui.context.client  # the page's: the element that armed the guard may be gone when it disarms

    def set(self, dirty: bool) -> None:
        if dirty == self.dirty:
            return
        self.dirty = dirty
        self.client.run_javascript(client_call("set", self.key, dirty, self.question))

    def arm_script(self) -> str:
        """The same arming as JavaScript, for a browser-side callback that must not wait for the server; the
        server then calls `armed_in_browser()` before it says what the state really is."""
        return client_call("set", self.key, True, self.question)

    def armed_in_browser(self) -> None:
        self.dirty = True


def leave_now() -> None:
    """The person chose to leave (in a dialog of ours): navigate without the browser asking again."""
    ui.run_javascript(client_call("leave"))
