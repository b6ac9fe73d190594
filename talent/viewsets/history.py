"""How audit events read in Wagtail's history views: one formatter, one registration helper."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import LogFormatter


class ChangeFormatter(LogFormatter):
    """Shows which fields changed; the full before/after stays in the entry's data."""

    def format_message(self, log_entry):
        after = (log_entry.data or {}).get("after") or {}
        if not after:
            return str(self.label)
        fields = []
        model = log_entry.content_type.model_class()
        for name in after:
            try:
                field = model._meta.get_field(name.removesuffix("_id"))
                fields.append(str(field.verbose_name))
            except Exception:  # noqa: BLE001 - not a field (e.g. a list of studios): the
                continue  # entry's data keeps it; the message names fields people know
        if not fields:
            return str(self.label)
        return _("%(label)s：%(fields)s") % {"label": self.label, "fields": "、".join(fields)}


def register_actions(registry, labels: dict, *, changes: bool = True) -> None:
    """Register ``labels`` (action → label) with Wagtail's log-action registry.

    ``changes=False`` for events that carry ids rather than field changes: the label alone.
    """
    base = ChangeFormatter if changes else LogFormatter
    for action, label in labels.items():
        registry.register_action(action)(type("Formatter", (base,), {"label": label}))
