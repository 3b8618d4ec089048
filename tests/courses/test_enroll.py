import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from courses.models import Course, Enrollment, LessonCompletion
from courses.services import EnrollmentRefused, complete_lesson, enroll, withdraw
from tests import factories


def test_enrolling_in_the_open_adaptive_offering_starts_at_once(learner, course):
    before = timezone.now()
    enrollment = enroll(learner, course)
    assert enrollment.offering.is_adaptive
    assert enrollment.status == Enrollment.Status.ACTIVE
    assert before <= enrollment.started_at <= timezone.now()
    assert enrollment.recommended_finish_at == enrollment.started_at + timedelta(weeks=course.target_weeks)
    assert enrollment.access_expires_at == enrollment.started_at + timedelta(days=course.access_days)
    assert enrollment.total_lessons == 12


def test_enrolling_twice_returns_the_same_enrollment(learner, course):
    first = enroll(learner, course)
    second = enroll(learner, course)
    assert first.pk == second.pk
    assert second.started_at == first.started_at
    assert Enrollment.objects.filter(user=learner).count() == 1


def test_a_closed_course_is_refused_with_the_future_offerings_to_pick(learner, db):
    course = factories.make_course()
    closed = factories.make_closed_offering(course)
    future = factories.make_future_offering(course, days=20)
    with pytest.raises(EnrollmentRefused) as refusal:
        enroll(learner, course)
    assert "closed" in refusal.value.message
    assert refusal.value.upcoming == [future]
    with pytest.raises(EnrollmentRefused):
        enroll(learner, course, closed)
    assert not Enrollment.objects.exists()


def test_a_closed_course_without_future_offerings_says_so(learner, db):
    course = factories.make_course()
    factories.make_closed_offering(course)
    with pytest.raises(EnrollmentRefused) as refusal:
        enroll(learner, course)
    assert "no future offering" in refusal.value.message
    assert refusal.value.upcoming == []


def test_enrolling_in_a_future_scheduled_offering_starts_on_its_start_date(learner, db):
    course = factories.make_course()
    factories.make_closed_offering(course)
    future = factories.make_future_offering(course, days=20)
    enrollment = enroll(learner, course, future)
    assert enrollment.offering == future
    assert timezone.localtime(enrollment.started_at).date() == future.starts_on
    assert enrollment.access_expires_at == enrollment.started_at + course.access_duration
    assert enrollment.recommended_finish_at == enrollment.started_at + course.target_duration


def test_picking_another_offering_moves_the_one_enrollment_and_keeps_completions(learner, course):
    enrollment = enroll(learner, course)
    lesson = course.sessions.get(number=1).lessons.first()
    complete_lesson(enrollment, lesson)
    future = factories.make_future_offering(course, days=10)
    moved = enroll(learner, course, future)
    assert moved.pk == enrollment.pk
    assert moved.offering == future
    assert timezone.localtime(moved.started_at).date() == future.starts_on
    assert LessonCompletion.objects.filter(enrollment=moved).count() == 1


def test_an_offering_of_another_course_is_refused(learner, course):
    other = factories.make_course()
    with pytest.raises(EnrollmentRefused):
        enroll(learner, course, factories.make_offering(other))
    assert not Enrollment.objects.exists()


def test_a_learner_in_a_restricted_country_is_refused_and_nothing_is_created(user_factory, course):
    learner = user_factory(country="IN")
    with pytest.raises(EnrollmentRefused) as refusal:
        enroll(learner, course)
    assert "not available in India" in refusal.value.message
    assert not Enrollment.objects.exists()


def test_a_learner_without_a_country_must_give_one_which_is_saved(user_factory, course):
    learner = user_factory()
    with pytest.raises(EnrollmentRefused) as refusal:
        enroll(learner, course)
    assert "choose your country" in refusal.value.message
    enrollment = enroll(learner, course, country="FR")
    learner.refresh_from_db()
    assert learner.country.code == "FR"
    assert enrollment.pk


def test_a_country_given_in_the_form_that_is_restricted_is_refused(user_factory, course):
    learner = user_factory()
    with pytest.raises(EnrollmentRefused):
        enroll(learner, course, country="IN")
    assert not Enrollment.objects.exists()


def test_withdrawing_keeps_completions_and_enrolling_again_reactivates(
    learner, course, django_capture_on_commit_callbacks
):
    enrollment = enroll(learner, course)
    lesson = course.sessions.get(number=1).lessons.first()
    complete_lesson(enrollment, lesson)
    withdraw(enrollment)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.WITHDRAWN
    assert enrollment.withdrawn_at is not None
    assert enrollment.completions.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        again = enroll(learner, course)
    assert again.pk == enrollment.pk
    assert again.status == Enrollment.Status.ACTIVE
    assert again.withdrawn_at is None
    again.refresh_from_db()
    assert again.completed_lessons == 1


def test_enrolling_again_after_access_ended_gives_fresh_access_when_the_course_allows_it_any_time(learner, course):
    course.reenrollment = Course.Reenrollment.ANY_TIME
    course.save(update_fields=["reenrollment"])
    enrollment = enroll(learner, course)
    Enrollment.objects.filter(pk=enrollment.pk).update(
        status=Enrollment.Status.EXPIRED, access_expires_at=timezone.now() - timedelta(days=1)
    )
    again = enroll(learner, course)
    assert again.status == Enrollment.Status.ACTIVE
    assert again.access_expires_at > timezone.now() + timedelta(days=course.access_days - 1)


def test_a_full_offering_is_refused(learner, other_learner, course):
    offering = course.offerings.get()
    offering.capacity = 1
    offering.save()
    enroll(other_learner, course)
    with pytest.raises(EnrollmentRefused) as refusal:
        enroll(learner, course)
    assert "full" in refusal.value.message


# --- through the course page ---------------------------------------------------------------


def test_the_enroll_box_offers_start_now_to_a_logged_in_learner(client, learner, course):
    client.force_login(learner)
    html = client.get(course.get_absolute_url()).content.decode()
    assert reverse("courses:enroll", args=[course.slug]) in html
    assert "Start now" in html
    assert 'name="country"' not in html


def test_the_enroll_box_asks_for_the_country_when_the_profile_has_none(client, user_factory, course):
    client.force_login(user_factory())
    html = client.get(course.get_absolute_url()).content.decode()
    assert 'name="country"' in html
    assert '<label for="id_country">Your country' in html


def test_the_enroll_box_lets_a_learner_pick_a_future_offering_when_closed(client, learner, db):
    course = factories.make_course()
    factories.make_closed_offering(course)
    future = factories.make_future_offering(course, days=40)
    client.force_login(learner)
    html = client.get(course.get_absolute_url()).content.decode()
    assert f'name="offering" value="{future.pk}"' in html
    assert "Start now" not in html


def test_posting_enroll_creates_the_enrollment_and_opens_the_outline(client, learner, course):
    client.force_login(learner)
    response = client.post(reverse("courses:enroll", args=[course.slug]))
    assert response.status_code == 302
    assert response.url == reverse("learn:outline", args=[course.slug])
    assert Enrollment.objects.filter(user=learner, course=course, status="active").exists()


def test_posting_enroll_with_a_country_saves_it(client, user_factory, course):
    learner = user_factory()
    client.force_login(learner)
    client.post(reverse("courses:enroll", args=[course.slug]), {"country": "DE"})
    learner.refresh_from_db()
    assert learner.country.code == "DE"
    assert Enrollment.objects.filter(user=learner).exists()


def test_posting_enroll_from_a_restricted_country_shows_the_refusal(client, user_factory, course):
    client.force_login(user_factory(country="IN"))
    response = client.post(reverse("courses:enroll", args=[course.slug]), follow=True)
    assert "not available in India" in response.content.decode()
    assert not Enrollment.objects.exists()


def test_a_visitor_from_a_restricted_country_is_not_told_they_can_start_immediately(client, user_factory, course):
    client.force_login(user_factory(country="IN"))
    html = client.get(course.get_absolute_url()).content.decode()
    assert '<h2 id="enroll-heading">Not available in India</h2>' in html
    assert "you can start immediately" not in html and "Start now" not in html
    assert "the country in your profile" in html  # and what to do if that is wrong


def test_posting_enroll_into_a_closed_offering_shows_the_future_ones(client, learner, db):
    course = factories.make_course()
    closed = factories.make_closed_offering(course)
    future = factories.make_future_offering(course, days=12)
    client.force_login(learner)
    response = client.post(reverse("courses:enroll", args=[course.slug]), {"offering": closed.pk}, follow=True)
    html = response.content.decode()
    assert "Enrollment has closed for that offering" in html
    assert f'name="offering" value="{future.pk}"' in html
    assert not Enrollment.objects.exists()


def test_posting_enroll_into_a_future_offering_leads_to_my_learning_with_its_start(client, learner, db):
    course = factories.make_course()
    future = factories.make_future_offering(course, days=12)
    client.force_login(learner)
    response = client.post(reverse("courses:enroll", args=[course.slug]), {"offering": future.pk}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("learn:dashboard")
    assert "Starts on" in html and future.starts_on.strftime("%-d %B %Y") in html


def test_an_anonymous_visitor_is_sent_to_sign_up_and_back(client, course):
    response = client.post(reverse("courses:enroll", args=[course.slug]))
    assert response.status_code == 302
    assert response.url == reverse("account_signup") + "?next=" + course.get_absolute_url().replace("/", "%2F")
    html = client.get(course.get_absolute_url()).content.decode()
    assert reverse("account_signup") + "?next=" in html


def test_enroll_and_withdraw_need_post(enrolled_client, course):
    assert enrolled_client.get(reverse("courses:enroll", args=[course.slug])).status_code == 405
    assert enrolled_client.get(reverse("courses:withdraw", args=[course.slug])).status_code == 405


def test_withdrawing_through_the_outline_keeps_work(enrolled_client, enrollment, course):
    lesson = course.sessions.get(number=1).lessons.first()
    complete_lesson(enrollment, lesson)
    response = enrolled_client.post(reverse("courses:withdraw", args=[course.slug]), follow=True)
    assert "Your work is kept" in response.content.decode()
    enrollment.refresh_from_db()
    assert enrollment.status == "withdrawn"
    assert enrollment.completions.count() == 1
    assert enrolled_client.get(reverse("learn:outline", args=[course.slug])).status_code == 404


# --- enrolling again: the course's rule, never a loophole ----------------------------------------


def expire(enrollment, days_ago: int = 1) -> None:
    Enrollment.objects.filter(pk=enrollment.pk).update(
        status=Enrollment.Status.EXPIRED, access_expires_at=timezone.now() - timedelta(days=days_ago)
    )


def test_an_expired_learner_cannot_renew_access_by_enrolling_again_in_the_same_offering(learner, course):
    enrollment = enroll(learner, course)
    expire(enrollment)
    with pytest.raises(EnrollmentRefused) as refusal:
        enroll(learner, course)
    assert "join another offering than Self-paced" in refusal.value.message
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.EXPIRED
    assert enrollment.access_expires_at < timezone.now()


def test_an_expired_learner_may_join_another_offering_and_gets_its_dates(learner, course):
    enrollment = enroll(learner, course)
    expire(enrollment)
    future = factories.make_future_offering(course, days=10)
    again = enroll(learner, course, future)
    assert (again.pk, again.offering, again.status) == (enrollment.pk, future, Enrollment.Status.ACTIVE)
    assert again.access_expires_at == again.started_at + course.access_duration


def test_a_course_that_gives_access_once_refuses_any_second_enrollment(learner, course):
    course.reenrollment = Course.Reenrollment.NEVER
    course.save(update_fields=["reenrollment"])
    enrollment = enroll(learner, course)
    expire(enrollment)
    future = factories.make_future_offering(course, days=10)
    for offering in (None, future):
        with pytest.raises(EnrollmentRefused) as refusal:
            enroll(learner, course, offering)
        assert "cannot enroll again" in refusal.value.message
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.EXPIRED


def test_withdrawing_and_enrolling_again_keeps_the_access_end_date(learner, course):
    enrollment = enroll(learner, course)
    Enrollment.objects.filter(pk=enrollment.pk).update(
        started_at=timezone.now() - timedelta(days=100), access_expires_at=timezone.now() + timedelta(days=20)
    )
    enrollment.refresh_from_db()
    withdraw(enrollment)
    again = enroll(learner, course)
    assert again.status == Enrollment.Status.ACTIVE
    assert again.access_expires_at == enrollment.access_expires_at
    assert again.started_at == enrollment.started_at


def test_a_withdrawn_learner_whose_access_ran_out_follows_the_course_rule(learner, course):
    enrollment = enroll(learner, course)
    withdraw(enrollment)
    Enrollment.objects.filter(pk=enrollment.pk).update(access_expires_at=timezone.now() - timedelta(days=3))
    with pytest.raises(EnrollmentRefused):
        enroll(learner, course)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.WITHDRAWN


def test_the_course_page_states_the_reenrollment_rule(client, course):
    html = client.get(course.get_absolute_url()).content.decode()
    assert "When your access ends you can enroll again by joining another offering" in html
    course.reenrollment = Course.Reenrollment.NEVER
    course.save(update_fields=["reenrollment", "updated_at"])
    html = client.get(course.get_absolute_url()).content.decode()
    assert "Access is given once" in html


def test_an_expired_learner_sees_the_rule_and_no_start_button_for_the_offering_they_had(client, learner, course):
    expire(enroll(learner, course))
    client.force_login(learner)
    html = client.get(course.get_absolute_url()).content.decode()
    assert "Your access has ended" in html
    assert "Start now" not in html and "You are enrolled" not in html
    future = factories.make_future_offering(course, days=15)
    html = client.get(course.get_absolute_url()).content.decode()
    assert f'name="offering" value="{future.pk}"' in html
    response = client.post(reverse("courses:enroll", args=[course.slug]), {"offering": course.offerings.get(mode="adaptive").pk}, follow=True)
    assert "join another offering than Self-paced" in response.content.decode()


# --- capacity ----------------------------------------------------------------------------------


def test_an_expired_learner_cannot_rejoin_a_full_offering(learner, other_learner, course):
    course.reenrollment = Course.Reenrollment.ANY_TIME
    course.save(update_fields=["reenrollment"])
    offering = course.offerings.get()
    expire(enroll(learner, course))
    offering.capacity = 1
    offering.save(update_fields=["capacity"])
    enroll(other_learner, course)
    with pytest.raises(EnrollmentRefused) as refusal:
        enroll(learner, course)
    assert "full" in refusal.value.message
    assert offering.enrollments.active().count() == 1


def test_a_withdrawn_learner_cannot_come_back_into_a_full_offering(learner, other_learner, course):
    offering = course.offerings.get()
    withdraw(enroll(learner, course))
    offering.capacity = 1
    offering.save(update_fields=["capacity"])
    enroll(other_learner, course)
    with pytest.raises(EnrollmentRefused):
        enroll(learner, course)
    assert offering.enrollments.active().count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_enrollments_never_exceed_the_capacity_on_postgresql(db):
    """Six learners press Enroll at the same moment for the last place of an offering.

    The offering's row lock makes them count one after another: one gets in, five are told it is full.
    """
    course = factories.make_course(unavailable=())
    offering = factories.make_offering(course, capacity=1)
    users = [factories.make_user() for _ in range(6)]
    barrier = threading.Barrier(len(users))
    results, errors = [], []

    def press_enroll(user):
        try:
            barrier.wait(timeout=10)
            enroll(user, Course.objects.get(pk=course.pk))
            results.append("in")
        except EnrollmentRefused as refusal:
            results.append(refusal.message)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=press_enroll, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert connection.vendor == "postgresql"
    assert errors == []
    assert results.count("in") == 1
    assert all("is full" in result for result in results if result != "in")
    assert offering.enrollments.active().count() == 1


# --- the country rule holds for access, not only for enrolling -----------------------------------


def test_changing_the_profile_country_to_a_restricted_one_closes_the_course(enrolled_client, learner, course, enrollment):
    outline = reverse("learn:outline", args=[course.slug])
    assert enrolled_client.get(outline).status_code == 200
    learner.country = "IN"
    learner.save(update_fields=["country"])
    response = enrolled_client.get(outline)
    assert response.status_code == 403
    assert "not available in India" in response.content.decode()
    lesson = course.sessions.get(number=1).lessons.first()
    assert enrolled_client.get(lesson.get_absolute_url()).status_code == 403
    assert enrolled_client.post(reverse("learn:complete", args=[course.slug, 1, lesson.slug])).status_code == 403
    assert enrolled_client.get(reverse("portfolios:portfolio", args=[course.slug])).status_code == 403
    assert enrolled_client.get(reverse("gallery:list", args=[course.slug])).status_code == 403
    assert not LessonCompletion.objects.exists()
    learner.country = "AU"
    learner.save(update_fields=["country"])
    assert enrolled_client.get(outline).status_code == 200


def test_clearing_the_profile_country_does_not_open_a_restricted_course(enrolled_client, learner, course):
    learner.country = ""
    learner.save(update_fields=["country"])
    response = enrolled_client.get(reverse("learn:outline", args=[course.slug]))
    assert response.status_code == 403
    assert "add your country to your profile" in response.content.decode()


def test_a_learner_in_a_restricted_country_can_still_withdraw(enrolled_client, learner, course, enrollment):
    learner.country = "IN"
    learner.save(update_fields=["country"])
    assert enrolled_client.post(reverse("courses:withdraw", args=[course.slug])).status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.WITHDRAWN
