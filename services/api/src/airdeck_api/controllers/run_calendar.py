"""``/calendar``: when each DAG will run and how its runs ended, a week or a month at a time."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from litestar import Controller, get
from litestar.params import QueryParameter

from airdeck_api.controllers.dags import plain_texts
from airdeck_api.injection import Injected
from airdeck_api.problems import PROBLEM_RESPONSES
from airdeck_api.services.fleet import Fleet
from airdeck_api.services.run_calendar import CalendarQuery, DagCalendar, fleet_calendar
from airdeck_domain.run_calendar import zone


class CalendarController(Controller):
    """The schedule calendar of a deployment."""

    path = "/calendar"
    tags = ["Calendar"]

    @get(
        "/",
        operation_id="getCalendar",
        opt={"permission": "dags:read"},
        responses=PROBLEM_RESPONSES,
    )
    async def calendar(
        self,
        fleet: Injected[Fleet],
        deployment: Annotated[
            str | None,
            QueryParameter(
                max_length=64,
                description="The Airflow deployment to show (the default one when omitted), or "
                "* for every deployment you may see in one calendar, each entry naming its "
                "deployment, those that cannot be asked in `unavailable`.",
            ),
        ] = None,
        view: Annotated[
            Literal["week", "month"], QueryParameter(description="A week or a month")
        ] = "month",
        day: Annotated[
            date | None,
            QueryParameter(description="A day of the week or month to show (today when omitted)"),
        ] = None,
        tz: Annotated[
            str,
            QueryParameter(
                max_length=64, description="The IANA time zone days are read in, e.g. Europe/Paris"
            ),
        ] = "UTC",
        tag: Annotated[
            list[str] | None, QueryParameter(description="Any of these Airflow or custom tags")
        ] = None,
        team: Annotated[
            str | None, QueryParameter(max_length=200, description="Owner team")
        ] = None,
        environment: Annotated[
            str | None, QueryParameter(max_length=200, description="Environment label")
        ] = None,
    ) -> DagCalendar:
        """Day by day over the window, oldest first: each run that started in it (with its
        state) and each run the DAGs' schedules still expect from now on (read in each DAG's
        own time zone). Paused DAGs expect nothing; DAGs whose schedule cron can't read (assets,
        custom timetables) show Airflow's next run only and are listed as ``unpredictable``."""
        today = datetime.now(zone(tz)).date() if day is None else day
        query = CalendarQuery(
            day=today,
            view=view,
            timezone=tz,
            tags=plain_texts("tag", tag),
            team=team,
            environment=environment,
        )
        return await fleet_calendar(fleet, deployment, query)
