from django.urls import path

from portfolios import studio_views

app_name = "reviews"

urlpatterns = [
    path("<slug:course_slug>/reviews/", studio_views.queue, name="queue"),
    path("<slug:course_slug>/reviews/<int:submission_id>/", studio_views.worksheet_review, name="worksheet"),
    path("<slug:course_slug>/portfolios/<int:portfolio_id>/review/", studio_views.portfolio_review, name="portfolio"),
]
