"""Pages of one person read from the stored matches (the dashboard, the suggestions), kept
rendered per person the same way."""

from core import fragments
from matches import readers
from members.current import chosen_cooperative_id


class KeptMatchesPageMixin:
    """For a TemplateView whose content (`content_template`, data from `content_context()`)
    is one person's view of the stored matches: kept rendered per person
    (`core.fragments.personal_html`) until they write anything, the data it shows changes
    (`readers.PAGE_DATA`), a match refresh is recorded, they switch cooperative or a minute
    passes. The page template outputs `content_html`."""

    content_template = None

    def content_context(self):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        html, computed = fragments.personal_html(
            self.request,
            self.content_template,
            self.content_template,
            self.content_context,
            data=readers.PAGE_DATA,
            vary=(chosen_cooperative_id(self.request), readers.refresh_mark()),
        )
        return super().get_context_data(content_html=html, **computed, **kwargs)
