"""The command line on a vault (see docs/vault.md): the passphrase asked for on the terminal
(without being shown) or read as one line of standard input (``--passphrase-stdin``), or the
recovery code (``--recovery-code-stdin``); and the commands that make, change and remove the
vault: ``set-passphrase``, ``change-passphrase``, ``remove-passphrase``.

Every command that reads or writes case data unlocks the vault first (:func:`unlock_for`) and
finishes an encryption or decryption a crash cut short. A wrong passphrase or code is one plain
line on stderr and exit status 2 (:class:`Refused`), never a traceback.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from vig_core.services import vault
from vig_core.services.lock import PASSPHRASE_HASH, check_new_passphrase
from vig_core.storage.settings import SettingsStore
from vig_core.storage.store import CaseStore
from vig_core.vault.errors import MistypedRecoveryCode, WrongPassphrase, WrongRecoveryCode

# The commands that read or write case data: each unlocks a vault first.
DATA_COMMANDS = ("demo", "recordings", "import-recording", "export-clips", "backup", "restore", "erase",
                 "export-case", "export", "suggest", "agreement", "import-coding", "export-coding")
NOT_A_TERMINAL = ("This data folder is encrypted: type its passphrase at a terminal, or give it as one line of "
                  "standard input with --passphrase-stdin (or the recovery code with --recovery-code-stdin).")
RECOVERY_NOTE = ("This is your recovery code. It is shown this once: write it down and keep it somewhere safe, "
                 "away from this computer. If the passphrase is ever forgotten, this code is the only way back "
                 "into the cases (`python -m vig_core change-passphrase --recovery-code-stdin`); nobody else "
                 "can open them without one or the other.")


class Refused(Exception):  # noqa: N818 - what happened, as the command line says it
    """A secret that was not given or not right: one line on stderr, exit status 2."""


def add_secret_options(parser: argparse.ArgumentParser) -> None:
    """``--passphrase-stdin`` and ``--recovery-code-stdin`` (whichever the command lacks)."""
    if "--passphrase-stdin" not in parser._option_string_actions:
        parser.add_argument("--passphrase-stdin", action="store_true", help="for an encrypted data folder: read "
                            "its passphrase as one line from standard input instead of asking on the terminal")
    parser.add_argument("--recovery-code-stdin", action="store_true", help="for an encrypted data folder: read "
                        "its recovery code as one line from standard input instead of the passphrase")


def add_vault_commands(commands: argparse._SubParsersAction) -> None:
    for name in DATA_COMMANDS:
        add_secret_options(commands.choices[name])
    setting = commands.add_parser("set-passphrase", help="encrypt the data folder with a passphrase (a vault); "
                                  "prints the recovery code once")
    setting.add_argument("--passphrase-stdin", action="store_true", help="read the new passphrase as one line "
                         "from standard input instead of asking twice on the terminal")
    changing = commands.add_parser("change-passphrase", help="change the data folder's passphrase: the old one "
                                   "(or the recovery code) then the new one")
    add_secret_options(changing)
    removing = commands.add_parser("remove-passphrase", help="decrypt the data folder and remove its passphrase "
                                   "(asks for it, or the recovery code); an older workbook's forgotten lock "
                                   "passphrase is removed too")
    removing.add_argument("--yes", action="store_true", help="confirm: without it nothing changes")
    add_secret_options(removing)


def read_line(from_stdin: bool, prompt: str) -> str:
    """One line of standard input, or typed on the terminal without being shown."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise Refused(NOT_A_TERMINAL)
    try:
        return getpass.getpass(prompt)
    except (EOFError, KeyboardInterrupt) as error:
        raise Refused("Nothing was typed, so nothing changed.") from error


def progress(doing: str):
    """A progress line on stderr (``doing: 42%``), rewritten in place as the percentage moves."""
    shown = [-1]

    def tell(fraction: float, _name: str) -> None:
        percent = int(fraction * 100)
        if percent != shown[0]:
            shown[0] = percent
            end = "\n" if percent >= 100 else ""
            print(f"\r{doing}: {percent}%", end=end, file=sys.stderr, flush=True)

    return tell


def _unlock(root: Path, args: argparse.Namespace, prompt: str = "Passphrase of the data folder: ") -> str | None:
    """Unlock the vault of ``root`` from the recovery code or the passphrase; the passphrase given."""
    try:
        if getattr(args, "recovery_code_stdin", False):
            vault.unlock_with_recovery(root, sys.stdin.readline().strip())
            return None
        passphrase = read_line(getattr(args, "passphrase_stdin", False), prompt)
        vault.unlock(root, passphrase)
        return passphrase
    except (WrongPassphrase, MistypedRecoveryCode, WrongRecoveryCode) as error:
        raise Refused(str(error)) from error


def unlock_for(root: Path, args: argparse.Namespace) -> str | None:
    """Before a command that reads or writes case data: unlock the vault of ``root`` (if it is one)
    and finish a change of it a crash cut short; return the passphrase given (``None``: none)."""
    if not vault.is_vault(root) or vault.is_unlocked(root):
        return None
    passphrase = _unlock(root, args)
    direction = vault.unfinished(root)
    if direction:
        doing = "encrypting" if direction == "encrypt" else "decrypting"
        vault.finish_unfinished(root, progress(f"Finishing {doing} the data folder"))
    return passphrase  # the command's own store opens after this, with the key: its tidying is whole


def run_vault_command(root: Path, args: argparse.Namespace) -> int:
    """``set-passphrase``, ``change-passphrase`` or ``remove-passphrase``; the exit status."""
    if args.command == "set-passphrase":
        if vault.is_vault(root):
            raise Refused("This data folder already has a passphrase; use change-passphrase to change it.")
        new = read_line(args.passphrase_stdin, "New passphrase: ")
        check_new_passphrase(new, new if args.passphrase_stdin else read_line(False, "The same again: "))
        CaseStore(root)  # what a crash left is tidied before the folder is encrypted
        code = vault.create_vault(root, new, progress("Encrypting the data folder"))
        print(f"{RECOVERY_NOTE}\n\n    {code}\n")
        return 0
    if args.command == "change-passphrase":
        if not vault.is_vault(root):
            raise Refused(vault.NO_VAULT)
        _unlock(root, args, "Current passphrase: ")
        piped = args.passphrase_stdin or args.recovery_code_stdin  # the new one on the next line
        new = read_line(piped, "New passphrase: ")
        check_new_passphrase(new, new if piped else read_line(False, "The same again: "))
        vault.change_passphrase(root, new)
        print("The passphrase is changed; the recovery code stays the same.")
        return 0
    if not args.yes:
        print("Would decrypt the data folder and remove its passphrase. Nothing changed: add --yes to do it.",
              file=sys.stderr)
        return 2
    if vault.is_vault(root):
        _unlock(root, args)  # checked before anything changes
        vault.decrypt_held(root, progress("Decrypting the data folder"))
    SettingsStore(root).set(PASSPHRASE_HASH, None)
    print("The passphrase is removed and the data folder is not encrypted any more; set a new one in Settings.")
    return 0
