"""What the vault says when it cannot go on: one plain sentence each, safe to show on a page."""

from __future__ import annotations

from vig_core.errors import StoreError, VigError


class VaultError(VigError):
    """Base class of the vault's errors."""


class WrongPassphrase(VaultError):  # noqa: N818 - what happened, as the page says it
    """The passphrase does not open this vault."""

    def __init__(self) -> None:
        super().__init__("That passphrase is not right.")


class MistypedRecoveryCode(VaultError):  # noqa: N818
    """The recovery key's own check fails: a typing mistake, not a different key."""


class WrongRecoveryCode(VaultError):  # noqa: N818
    """A well-formed recovery key, but not the one made with this vault."""

    def __init__(self) -> None:
        super().__init__("This recovery key is not the one made for this workbook's data.")


class DamagedHeader(VaultError, StoreError):  # noqa: N818
    """The vault's key file cannot be read (damaged, cut, or from an unknown version)."""


class DamagedRecord(VaultError, StoreError):  # noqa: N818
    """A sealed file fails its check: damaged, changed, or moved from another name."""


class DamagedMedia(VaultError, StoreError):  # noqa: N818
    """A chunked film fails its check: a damaged, cut, reordered or foreign chunk, or a damaged header."""

    def __init__(self, message: str, chunk: int | None = None) -> None:
        super().__init__(message)
        self.chunk = chunk
