"""Upload tickets without HTTP: the space a film needs, the order and size of pieces, expiry."""

from __future__ import annotations

import pytest

from conftest import make_case
from vig_core.errors import ValidationError
from vig_core.services.uploads import PIECE_MAX, SPARE, TICKET_TTL, UploadRefused, UploadTickets, space_needed


def test_a_film_needs_room_for_the_rest_of_itself_its_playable_copy_and_some_to_spare():
    assert space_needed(1000) == 1000 + 1100 + SPARE
    assert space_needed(1000, received=600) == 400 + 1100 + SPARE


@pytest.fixture
def tickets(clock) -> UploadTickets:
    return UploadTickets(clock=clock, free=lambda folder: 10 ** 12)


def test_pieces_must_follow_on_and_stay_within_the_declared_size(store, tickets):
    upload = tickets.issue(store, make_case(store).id, "a.mp4", PIECE_MAX + 50)
    for offset, length, status in [(1, 10, 409), (0, 0, 413), (0, PIECE_MAX + 1, 413), (100, PIECE_MAX + 1, 409)]:
        with pytest.raises(UploadRefused) as refused:
            tickets.begin(upload.ticket, offset, length)
        assert refused.value.status == status and refused.value.received == 0
    piece = tickets.begin(upload.ticket, 0, 100)
    with pytest.raises(UploadRefused, match="Another piece"):
        tickets.begin(upload.ticket, 0, 100)  # one piece at a time
    tickets.end(piece, 100)
    with pytest.raises(UploadRefused, match="past its declared size") as refused:
        tickets.begin(upload.ticket, 100, PIECE_MAX)
    assert refused.value.status == 413 and refused.value.received == 100


def test_a_ticket_expires_untouched_and_is_found_again_while_live(store, tickets, clock):
    case_id = make_case(store).id
    upload = tickets.issue(store, case_id, "a.mp4", 10)
    clock.now += TICKET_TTL - 1
    assert tickets.issue(store, case_id, "a.mp4", 10).ticket == upload.ticket  # and touched again
    assert tickets.issue(store, case_id, "a.mp4", 11).ticket != upload.ticket  # another size, another film
    clock.now += TICKET_TTL - 1
    assert tickets.status(upload.ticket)["received"] == 0
    clock.now += TICKET_TTL
    with pytest.raises(UploadRefused) as refused:
        tickets.status(upload.ticket)
    assert refused.value.status == 404
    assert tickets.sweep() == 2 and not upload.path.exists() and len(tickets) == 0


@pytest.mark.parametrize("size", [0, -1, True, 2 ** 60])
def test_a_size_that_is_no_film_is_refused(store, tickets, size):
    with pytest.raises(ValidationError, match="empty or its size could not be read"):
        tickets.issue(store, make_case(store).id, "a.mp4", size)
