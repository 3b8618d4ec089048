"""The portfolio PDF as a client reads it (#20.6): a cover with the learner's work and words, contents with
page numbers, only the questions answered, and a short note of what is still to do."""

import io
import re

import pytest
from pypdf import PdfReader

from portfolios.pdf import render_portfolio_pdf_bytes
from portfolios.services import compile_portfolio
from tests.portfolios.test_pdf import filled, portfolio_of, save  # noqa: F401  (filled is a fixture)


def pages_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


@pytest.mark.usefixtures("filled")
def test_the_pdf_prints_only_answered_questions_and_a_note_of_what_is_left(course, enrollment, prompts):
    pages = pages_text(render_portfolio_pdf_bytes(compile_portfolio(portfolio_of(enrollment))))
    text = "\n".join(pages)
    assert "Describe your practice in one sentence." in text
    assert "Which platforms do you use?" in text
    # Unanswered prompts are left out, and no "Not answered" placeholder is printed.
    assert "How often do you post?" not in text
    assert "Profile checklist" not in text
    assert "Not answered" not in text
    # The worksheet is not submitted: the contents page says so, with how many questions are left.
    assert "Still to do" in pages[1]
    assert "Strategy Step #1: Micro-Influence Plan (3 questions to answer)" in pages[1]


@pytest.mark.usefixtures("filled")
def test_a_finished_portfolio_prints_no_to_do_note(course, enrollment, worksheet):
    portfolio = portfolio_of(enrollment)
    portfolio.submissions.create(worksheet=worksheet)
    text = "\n".join(pages_text(render_portfolio_pdf_bytes(compile_portfolio(portfolio))))
    assert "Still to do" not in text
    assert "I weave tapestries for hotels." in text


@pytest.mark.usefixtures("filled")
def test_the_contents_give_each_chapter_its_page_number(course, enrollment):
    portfolio = portfolio_of(enrollment)
    portfolio.summary = "Tapestries for hotel lobbies, sold to interior designers."
    portfolio.save(update_fields=["summary"])
    pages = pages_text(render_portfolio_pdf_bytes(compile_portfolio(portfolio)))
    contents = pages[1]
    assert "Contents" in contents
    summary_page = int(re.search(r"Summary\W*(\d+)", contents).group(1))
    worksheet_page = int(re.search(r"Micro-Influence Plan\W*(\d+)", contents).group(1))
    assert "Tapestries for hotel lobbies" in pages[summary_page - 1]
    assert "I weave tapestries for hotels." in pages[worksheet_page - 1]
    assert worksheet_page > summary_page > 2


@pytest.mark.usefixtures("filled")
def test_the_cover_shows_the_name_practice_course_and_the_learners_work(course, enrollment):
    data = render_portfolio_pdf_bytes(compile_portfolio(portfolio_of(enrollment)))
    reader = PdfReader(io.BytesIO(data))
    cover = reader.pages[0]
    text = cover.extract_text()
    assert "Lee Learner" in text
    assert "I weave tapestries for hotels." in text  # the first answer: the practice in one sentence
    assert course.title in text
    assert len(cover.images) == 1  # the learner's uploaded work, not the course's drawing
    # The running head carries the course's identity on the inner pages, and pages are numbered.
    assert "Atelier" in reader.pages[1].extract_text() and "Page 2 of" in reader.pages[1].extract_text()


def test_without_a_work_image_the_cover_shows_the_course_illustration(enrolled_client, course, enrollment, prompts):
    save(enrolled_client, course, prompts["short_text"], "I make zines.")
    data = render_portfolio_pdf_bytes(compile_portfolio(portfolio_of(enrollment)))
    cover = PdfReader(io.BytesIO(data)).pages[0]
    assert len(cover.images) == 0  # the SVG illustration is drawn as vectors, no bitmap
    assert "I make zines." in cover.extract_text()
