"""The school's letterhead as configured at start-up: its name and template, without the docx machinery.

Kept apart from `letterhead` so that a process can configure it (and the xlsx writer read the school's name)
without importing python-docx and matplotlib; those load with the first справка written.
"""

from __future__ import annotations

from dataclasses import dataclass

from sheets_schema.errors import UserFacingError


class TemplateError(UserFacingError):
    """A letterhead file that cannot serve; the message is Russian."""


@dataclass
class Letterhead:
    """The school's name and its template (None: the default template)."""

    school: str = ""
    template: bytes | None = None

    def configure(self, school: str, template: bytes | None) -> None:
        """Use this name and template from now on; called once at start-up (the template checked already)."""
        self.school, self.template = school, template


LETTERHEAD = Letterhead()

__all__ = ["LETTERHEAD", "Letterhead", "TemplateError"]
