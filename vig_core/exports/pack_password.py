"""The password a practitioner gives the recipient of an encrypted family's copy or supervision pack.

The recipient types it into the ``age`` tool, so it is checked here in plain words (typed twice,
at least 12 characters), and one can be suggested: seven words drawn with :mod:`secrets` from
a list of short, everyday English words (diceware-like, about 56 bits), easy to read out on the phone,
which is how it should travel: by another way than the file.
"""

from __future__ import annotations

import secrets

from vig_core.errors import ValidationError

MIN_LENGTH = 12
MAX_LENGTH = 1024
WORDS = 7
_WORDS_TEXT = """
    acorn actor adult alarm album alley amber angle ankle apple apron arrow aspen atlas attic autumn bacon
    badge baker banjo barn basil basin beach beard bench berry bison blade blank blaze blend bloom board boat
    bonus boots bottle brain brave bread brick bride brook broom brush bucket buddy cabin cable camel candle
    canoe canyon cargo carpet carrot castle cedar chair chalk chart cheese cherry chess chief chimney cider
    circle clock cloud clover coach cobalt cocoa comet coral cotton couch crane crayon cream crown cube daisy
    dance delta denim desert diary dinner dolphin donkey dragon drawer dream eagle easel echo elbow ember
    engine falcon fable fern ferry fiddle field flame flute forest fossil fox frost fudge garden garlic gecko
    giant ginger glove goose grape gravel guitar hammer harbor hazel hedge helmet heron honey hoop igloo index
    ivory jacket jelly jewel jigsaw juice kayak kettle kitten koala ladder lagoon lamp lantern lemon lilac
    linen lizard lobster locket lotus lunar magnet mango maple marble meadow melon mirror mitten monkey moose
    mosaic motor muffin museum napkin nectar needle nest noodle nutmeg oasis ocean olive onion orange orbit
    otter oven owl paddle panda paper parade parrot pasta peach peanut pebble pencil pepper piano pickle
    pillow pilot pine pirate planet plum pocket pony poppy potato puzzle quilt rabbit radio raisin raven
    ribbon river robin rocket rose saddle salad salmon sandal scarf shell sierra silver sketch sled slipper
    snail sofa spider spoon squash statue stone sugar summer sunset swan table teapot tiger toast tomato topaz
    tower trail tulip tunnel turtle umbrella valley velvet violin wagon walnut walrus wave whale willow window
    winter wizard wool yogurt zebra
"""
WORD_LIST = tuple(_WORDS_TEXT.split())


def suggest_password(words: int = WORDS) -> str:
    """A fresh random password such as ``otter-maple-cocoa-ferry-lamp-tulip-orbit``."""
    return "-".join(secrets.choice(WORD_LIST) for _ in range(words))


def check_password(password: str, again: str) -> str:
    """``password`` when it may encrypt a pack, else a :class:`ValidationError` saying what to change."""
    if not password:
        raise ValidationError("Type a password for the recipient (twice), or choose to save the file "
                              "without one.")
    if len(password) < MIN_LENGTH:
        raise ValidationError(f"The password is too short: it has {len(password)} characters and needs at least "
                              f"{MIN_LENGTH}. A few words with dashes between them are easy to pass on; "
                              "“Suggest a password” makes one.")
    if len(password) > MAX_LENGTH:
        raise ValidationError(f"The password is too long: at most {MAX_LENGTH} characters.")
    if password != again:
        raise ValidationError("The two passwords are not the same: type it again in both boxes.")
    if password.strip() != password:
        raise ValidationError("The password starts or ends with a space, which is easy to lose when it is "
                              "passed on; leave the spaces out at the ends.")
    return password
