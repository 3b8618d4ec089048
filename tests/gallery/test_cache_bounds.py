"""One learner cannot fill the cache: nothing in it is per viewer, so renames and views add no keys."""


from tests import factories
from tests.gallery.conftest import client_for
from tests.gallery.test_query_counts import bulk_comments


def test_fifty_renames_and_views_of_a_busy_entry_leave_the_cache_the_same_size(entry, peer, learner):
    bulk_comments(entry, [peer, learner], 300)
    client = client_for(peer)
    url = entry.get_absolute_url()
    sizes = []
    for n in range(50):
        peer.display_name = f"Olive the {n}th"
        peer.save()
        learner.display_name = f"Lee the {n}th"  # the entry's author, named on the page and its card
        learner.save()
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200 and f"Olive the {n}th" in html and f"Lee the {n}th" in html
        sizes.append(len(factories.cache_keys()))
    assert sizes[0] > 0  # the entry's shared body is cached
    assert sizes[-1] == sizes[0], sizes
