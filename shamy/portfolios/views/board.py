"""The projects board: the index of boards and overviews, and one cohort's board by school."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render

from shamy.access.http import AuthedHttpRequest
from shamy.core.rules import checked, requires
from shamy.portfolios import permissions, selectors
from shamy.programmes.models import Cohort


@requires(permissions.may_open_board_index)
def board_index(request: AuthedHttpRequest) -> HttpResponse:
    """Every board and overview the user may open (an empty page when no programme has schools yet)."""
    index = selectors.board_index(access=request.access)
    context = {
        "boards": index.boards,
        "overview_programmes": index.overview_programmes,
        "support_programmes": index.support_programmes,
    }
    return render(request, "portfolios/board_index.html", context)


@checked(Cohort, "board", kwarg="cohort_id", shape=selectors.with_programme)
def board(request: AuthedHttpRequest, cohort: Cohort) -> HttpResponse:
    schools = selectors.board_schools(access=request.access, cohort=cohort)
    wanted = request.GET.get("school", "")
    school = next((s for s in schools if str(s.pk) == wanted), None) if wanted else schools[0]
    if school is None:
        raise Http404
    columns = selectors.board_columns(actor=request.user, cohort=cohort, school=school)
    context = {"cohort": cohort, "school": school, "schools": schools, "columns": columns}
    return render(request, "portfolios/board.html", context)
