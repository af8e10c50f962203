"""The screens of the vault (issue 23) that the lock gate shows instead of a page: the data folder
being encrypted or decrypted (a progress bar, nothing else), the recovery code shown once, and the
offer of a new recovery code after the old one was used.

Why they take the whole screen: while the folder is encrypted in place a page would read and write
the files being changed, and the recovery code must be seen before anything else happens (it is
never stored, so a page drawn over it would lose it). The rules live in
:mod:`vig_core.services.lock` and :mod:`vig_core.services.vault`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from vig_core.services import lock, vault
from vig_core.services.jobs import DONE, JOBS, Job
from vig_core.ui import session
from vig_core.ui.media import job_progress

CODE_KEY = "vault-recovery-code"  # this browser session's recovery code, until "I have kept it" (never stored)
OFFER_KEY = "vault-offer-new-code"  # why to offer a new recovery code now (after using the old one)
FINISH_TRIED = "vault-finish-tried"
CODE_FILE = "vig-workbook-recovery-code.txt"
ENCRYPTING, DECRYPTING = "Encrypting the data folder", "Decrypting the data folder"
FINISHING = {"encrypt": "Finishing the encryption the last session began",
             "decrypt": "Finishing the decryption the last session began"}
KEEP_IT = ("Without the passphrase or this code nobody can recover the data, not even us. Print it or write it "
           "down, and keep it away from this computer, somewhere safe: whoever holds it can open the workbook.")


def start(label: str, work: Callable[[vault.Progress], Any]) -> None:
    """Start vault work (a second press, or another tab's, is refused in plain words)."""
    lock.start_vault_work(label, work)


def start_making(settings, passphrase: str) -> None:
    """Make the vault with ``passphrase`` (checked before): the data folder encrypted in place, as the
    one vault job; its recovery code is shown when it ends (:func:`code_screen`)."""
    start(ENCRYPTING, lambda progress: lock.make_vault(settings, passphrase, progress))


def work_screen() -> bool:
    """While vault work runs (or its end is not yet shown), show its progress and nothing else."""
    jobs = JOBS.of(lock.VAULT_WORK)
    if not jobs:
        return False
    st.title(jobs[0].label)
    st.write("The workbook is changing every file of the data folder one by one. Please keep it open until "
             "this is done; if the computer stops meanwhile, it finishes after the next unlock.")
    job_progress(lock.VAULT_WORK, on_end=_ended)
    return True


def _ended(job: Job) -> None:
    if job.state != DONE:
        session.flash("error", f"{job.label} did not finish: {job.message}")
    elif isinstance(job.result, str):
        st.session_state[CODE_KEY] = job.result
    else:
        session.flash("success", f"{job.label}: done.")


def after_unlock() -> bool:
    """Once unlocked: finish what a stopped session began (an encryption or decryption, or an older
    installation's move to the vault) with its progress; ``True`` when that work was started."""
    settings = session.settings()
    root = lock.root_of(settings)
    direction = vault.unfinished(root)
    moved = lock.is_vault(settings) and bool(settings.get(lock.PASSPHRASE_HASH))  # its code was never shown
    if (not direction and not moved) or st.session_state.get(FINISH_TRIED):
        return False  # tried once in this browser session: a failure is not retried on every run
    st.session_state[FINISH_TRIED] = True

    def finish(progress: vault.Progress) -> str | None:
        vault.finish_unfinished(root, progress)
        if lock.is_vault(settings) and settings.get(lock.PASSPHRASE_HASH):
            code = vault.new_recovery_code(root)
            settings.set(lock.PASSPHRASE_HASH, None)
            return code
        return None

    start(FINISHING.get(direction or "encrypt", FINISHING["encrypt"]), finish)
    return work_screen()


def forget_code() -> None:
    """The workbook locked before the code was kept: it goes, and a new one is offered after the unlock."""
    if st.session_state.pop(CODE_KEY, None):
        st.session_state[OFFER_KEY] = ("The workbook locked before you said the recovery code was kept, so it "
                                       "is no longer shown. Make a new one now (the old one stops working).")


def code_screen() -> bool:
    """The recovery code, once, until the practitioner says it is kept."""
    code = st.session_state.get(CODE_KEY)
    if not code:
        return False
    st.title("Your recovery code")
    st.write("If you ever forget the passphrase, this code opens the workbook instead. It is shown only now "
             "and is not stored anywhere.")
    st.code(code, language=None)
    st.warning(KEEP_IT, icon=":material/key:")
    st.download_button("Download it as a text file to print", data=code_text(code), file_name=CODE_FILE,
                       mime="text/plain", icon=":material/download:", key="recovery-code-download",
                       on_click="ignore", help="Save it outside the data folder (a USB stick, or print it and "
                                               "delete the file).")
    kept = st.checkbox("I have kept it somewhere safe", key="recovery-code-kept")
    st.button("Go on", type="primary", disabled=not kept, key="recovery-code-done", on_click=_kept)
    return True


def code_text(code: str) -> str:
    return ("VIG Workbook: recovery code\n\n"
            f"{code}\n\n"
            "If the passphrase is forgotten, choose “I forgot my passphrase” on the lock screen and type this "
            "code.\n" + KEEP_IT + "\n")


def _kept() -> None:
    st.session_state.pop(CODE_KEY, None)
    st.session_state.pop("recovery-code-kept", None)
    session.flash("success", "The data folder is encrypted with your passphrase.")


def offer_screen() -> bool:
    """After the recovery code was used (or lost to the lock): offer a new one."""
    why = st.session_state.get(OFFER_KEY)
    if not why:
        return False
    st.title("Make a new recovery code?")
    st.write(why)
    session.show_flash()
    st.button("Make a new recovery code", type="primary", key="offer-new-code", on_click=_new_code)
    st.button("Not now", key="offer-new-code-skip", on_click=lambda: st.session_state.pop(OFFER_KEY, None))
    return True


@session.guarded
def _new_code() -> None:
    if not session.first_press("new-recovery-code"):
        return
    st.session_state[CODE_KEY] = vault.new_recovery_code(lock.root_of(session.settings()))
    st.session_state.pop(OFFER_KEY, None)
