"""Human text for Airflow schedules: cron expressions, presets and timetables."""

from __future__ import annotations

from functools import lru_cache

from cron_descriptor import ExpressionDescriptor, FormatException, Options

PRESETS: dict[str, str] = {
    "@once": "Once",
    "@continuous": "Continuously",
    "@hourly": "0 * * * *",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@weekly": "0 0 * * 0",
    "@monthly": "0 0 1 * *",
    "@quarterly": "0 0 1 */3 *",
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
}


@lru_cache(maxsize=1024)
def _cron_text(expression: str) -> str | None:
    options = Options()
    options.use_24hour_time_format = True
    try:
        return str(ExpressionDescriptor(expression, options).get_description())
    except (FormatException, ValueError, IndexError, KeyError):
        return None


def describe(schedule: str | None) -> str:
    """A sentence for a schedule: ``"0 0 * * *"`` and ``"@daily"`` → ``"At 00:00"``; None →
    ``"Manual"``; anything cron can't read (asset or custom timetables) comes back as given."""
    if schedule is None or not schedule.strip() or schedule.strip() == "None":
        return "Manual"
    text = schedule.strip()
    preset = PRESETS.get(text.lower())
    if preset is not None and not preset[0].isdigit():
        return preset
    expression = preset or text
    if len(expression.split()) in (5, 6, 7):
        described = _cron_text(expression)
        if described:
            return described
    return text
