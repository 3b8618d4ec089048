import io

import pytest
from pypdf import PdfReader

from gallery.services import publish_entry, store_entry_pdf
from tests.portfolios.conftest import prompts, worksheet  # noqa: F401  (fixtures)
from tests.portfolios.test_pdf import filled, portfolio_of  # noqa: F401  (filled is a fixture)


@pytest.mark.usefixtures("filled")
def test_the_gallery_entrys_pdf_has_the_portfolios_design(course, enrollment):
    entry = publish_entry(portfolio_of(enrollment), title="Hotel tapestries", summary="Woven for lobbies.",
                          critical_evaluation="Strong on craft, thin on audience.")
    assert store_entry_pdf(entry.pk)
    entry.refresh_from_db()
    with entry.pdf.open("rb") as stored:
        pages = [page.extract_text() for page in PdfReader(io.BytesIO(stored.read())).pages]
    assert "Lee Learner" in pages[0] and "I weave tapestries for hotels." in pages[0]
    assert "Contents" in pages[1] and "Still to do" in pages[1]
    assert "Not answered" not in "\n".join(pages)
