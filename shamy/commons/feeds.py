"""An Atom feed of new commons items (public)."""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from shamy.commons.models import Resource
from shamy.commons.selectors import feed_items


class NewItemsFeed(Feed):  # type: ignore[type-arg]
    feed_type = Atom1Feed
    title = _("Shamy knowledge commons: new items")
    subtitle = _("Project summaries, posters, materials and webinars from teachers' programmes.")

    def link(self) -> str:
        return reverse("commons:index")

    def items(self) -> list[Resource]:
        return feed_items()

    def item_title(self, item: Resource) -> str:
        return item.title

    def item_description(self, item: Resource) -> str:
        return item.summary[:500]

    def item_link(self, item: Resource) -> str:
        return reverse("commons:detail", args=[item.public_id])

    def item_pubdate(self, item: Resource) -> datetime.datetime | None:
        return item.published_at

    def item_author_name(self, item: Resource) -> str:
        return item.credit
