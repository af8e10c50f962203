"""``python -m vig_core``: the workbook's command line.

Subcommands: demo, data-dir, recordings, import-recording, export-clips,
validate-instrument, backup, restore, erase, export-case, export, suggest, agreement, import-coding,
export-coding, set-passphrase, change-passphrase, remove-passphrase (the vault: see cli_passphrase).
Each prints plain results on stdout, a plain error on stderr, and
exits non-zero on failure; no traceback for errors a person can fix.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from datetime import date
from pathlib import Path

from vig_core.case.agreement import DEFAULT_TOLERANCE, Agreement, figure, percent_text, recording_agreement
from vig_core.case.film import RecordingKind
from vig_core.case.record import Case
from vig_core.cli_passphrase import DATA_COMMANDS, Refused, add_vault_commands, read_line, run_vault_command, unlock_for
from vig_core.errors import VigError
from vig_core.exports.bundle import export_case_bundle
from vig_core.exports.pack_password import check_password
from vig_core.exports.save import Format, export
from vig_core.exports.webvtt import CaptionSource
from vig_core.services.backups import is_encrypted_backup, make_backup, restore_backup, will_encrypt
from vig_core.services.clips import export_cycle
from vig_core.services.coding import import_coding, write_coding_file
from vig_core.services.demo import ensure_demo_cases
from vig_core.services.erasure import erase_case, erase_films, what_goes, what_goes_with_films
from vig_core.services.listening import listen_now, open_suggestions
from vig_core.services.recordings import KEEP_ORIGINALS, default_cycle, import_recording
from vig_core.services.vault import is_vault
from vig_core.storage.paths import ENV_VAR, data_root
from vig_core.storage.settings import SettingsStore
from vig_core.storage.store import CaseStore
from vig_core.storage.vault_restore import is_vault_backup
from vig_core.vocab.instruments import DefinitionError, read_instrument
from vig_core.vocab.principles import load_principles
from vig_core.web.access import new_launch_key

RECIPIENT_PASSWORD = ("encrypt the zip with a password for the recipient (at least 12 characters), read as one "
                      "line from standard input; they open it with the age tool (see the README inside)")


def recipient_password() -> str:
    """The recipient's password of an encrypted pack: one line of standard input, checked."""
    password = read_line(True, "")
    return check_password(password, password)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m vig_core",
        description="VIG Workbook command line. Data lives in the per-user data folder "
        f"unless {ENV_VAR} names another.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    commands.add_parser("demo", help="create the fictional demo cases (if missing) and print the id of the one to open")
    commands.add_parser("data-dir", help="print the data folder in use")
    commands.add_parser("launch-key", help="print a fresh launch key: the run command's link holds it, and the "
                        "workbook lets in the browser that opens it (once, within 15 minutes)")
    listing = commands.add_parser("recordings", help="list a case's recordings, one a line: "
                                  "id, cycle, kind (family or shared-review), title, separated by tabs")
    listing.add_argument("--case", required=True, metavar="CASE_ID")
    importing = commands.add_parser("import-recording", help="import a film into a case and print the recording's id")
    importing.add_argument("--case", required=True, metavar="CASE_ID")
    importing.add_argument("--cycle", type=int, metavar="N", help="the cycle it belongs to (default: the current one)")
    importing.add_argument("--kind", choices=list(KINDS), default="family",
                           help="a film of the family (default), or of a shared review (the practitioner and the "
                                "parent, for supervision: needs that consent)")
    importing.add_argument("--keep-hevc", action="store_true",
                           help="keep a phone's HEVC picture as it is (for browsers that play HEVC, e.g. Safari) "
                                "instead of converting it to H.264")
    importing.add_argument("file", type=Path, metavar="FILE")
    exporting = commands.add_parser("export-clips", help="export a cycle's chosen clips and film; print their paths")
    exporting.add_argument("--case", required=True, metavar="CASE_ID")
    exporting.add_argument("--cycle", type=int, required=True, metavar="N")
    exporting.add_argument("--no-title-cards", action="store_true", help="join the clips without title cards")
    validating = commands.add_parser("validate-instrument",
                                     help="check a questionnaire definition file: prints OK, or each problem")
    validating.add_argument("file", type=Path, metavar="FILE")
    backing_up = commands.add_parser("backup", help="write a consistent backup of the whole data folder to a zip")
    backing_up.add_argument("--out", required=True, type=Path, metavar="FILE.zip")
    backing_up.add_argument("--no-media", action="store_true", help="leave out films, clips and stills")
    backing_up.add_argument("--passphrase-stdin", action="store_true", help="read the workbook's passphrase "
                            "(which unlocks it and encrypts the backup) as one line from standard input instead "
                            "of asking on the terminal")
    backing_up.add_argument("--plain", action="store_true", help="do not encrypt the backup as a whole even though "
                            "the workbook has a passphrase (a vault's files stay encrypted inside it)")
    restoring = commands.add_parser("restore", help="restore a backup into an empty data folder")
    restoring.add_argument("file", type=Path, metavar="FILE.zip")
    restoring.add_argument("--force", action="store_true", help="replace a data folder that is not empty")
    restoring.add_argument("--passphrase-stdin", action="store_true", help="for an encrypted backup, read its "
                           "passphrase as one line from standard input instead of asking on the terminal")
    erasing = commands.add_parser("erase", help="erase a case with every record and file of it (cannot be undone)")
    erasing.add_argument("--case", required=True, metavar="CASE_ID")
    erasing.add_argument("--films-only", action="store_true",
                         help="erase only the films with their moments, clips and stills; keep the rest")
    erasing.add_argument("--yes", action="store_true", help="confirm: without it nothing is erased")
    bundling = commands.add_parser("export-case", help="write one case's records, tables and films to a zip "
                                   "(a family's copy of their data)")
    bundling.add_argument("--case", required=True, metavar="CASE_ID")
    bundling.add_argument("--out", required=True, type=Path, metavar="FILE.zip")
    bundling.add_argument("--no-media", action="store_true", help="leave out films, clips and stills")
    bundling.add_argument("--password-stdin", action="store_true", help=RECIPIENT_PASSWORD)
    exporting_for = commands.add_parser("export", help="export a case for other tools (spreadsheets, ELAN, "
                                        "captions) or supervision; print the files written")
    exporting_for.add_argument("--case", required=True, metavar="CASE_ID")
    exporting_for.add_argument("--format", required=True, choices=[f.value for f in Format])
    exporting_for.add_argument("--out", required=True, type=Path, metavar="DIR", help="an existing folder")
    exporting_for.add_argument("--keep-names", action="store_true",
                               help="keep the family's names (by default they are replaced by the case code; "
                                    "a supervision pack always replaces them)")
    exporting_for.add_argument("--captions", choices=[c.value for c in CaptionSource], default=CaptionSource.NAMING,
                               help="for vtt: caption each clip with the positive naming (default) or the "
                                    "parent's words")
    exporting_for.add_argument("--password-stdin", action="store_true", help="supervision: " + RECIPIENT_PASSWORD)
    suggesting = commands.add_parser("suggest", help="listen to a film (or take what was heard before) and print "
                                     "the serve-and-return moments it suggests: start end turns, in seconds")
    suggesting.add_argument("--case", required=True, metavar="CASE_ID")
    suggesting.add_argument("--recording", required=True, metavar="RECORDING_ID")
    suggesting.add_argument("--json", action="store_true", help="print a JSON list of objects instead")
    agreeing = commands.add_parser("agreement", help="agreement between two coders of a recording: moments paired "
                                   "(nearest within the tolerance, one to one), kappa per principle, alpha")
    agreeing.add_argument("--case", required=True, metavar="CASE_ID")
    agreeing.add_argument("--recording", required=True, metavar="RECORDING_ID")
    agreeing.add_argument("--coders", required=True, nargs=2, metavar=("A", "B"),
                          help="two coders; `me` is the practitioner's own moments")
    agreeing.add_argument("--tolerance", type=float, default=DEFAULT_TOLERANCE, metavar="SECONDS",
                          help=f"the most two paired moments may be apart (default {DEFAULT_TOLERANCE}; 0.1 to 5)")
    agreeing.add_argument("--json", action="store_true", help="print one JSON object instead")
    coding_in = commands.add_parser("import-coding", help="bring in a second coder's coding of a recording (a coding "
                                    "file or an ELAN .eaf) as their layer, replacing the one they had")
    coding_in.add_argument("--case", required=True, metavar="CASE_ID")
    coding_in.add_argument("--recording", required=True, metavar="RECORDING_ID")
    coding_in.add_argument("--coder", required=True, metavar="NAME", help="the second coder's name (not `me`)")
    coding_in.add_argument("file", type=Path, metavar="FILE")
    coding_out = commands.add_parser("export-coding", help="write your own coding of a recording as a coding file "
                                     "(times and codes only: no names, notes or titles)")
    coding_out.add_argument("--case", required=True, metavar="CASE_ID")
    coding_out.add_argument("--recording", required=True, metavar="RECORDING_ID")
    coding_out.add_argument("--out", required=True, type=Path, metavar="FILE")
    add_vault_commands(commands)  # --passphrase-stdin on each data command, set/change/remove-passphrase
    return parser


KINDS = {"family": RecordingKind.FAMILY, "shared-review": RecordingKind.SHARED_REVIEW}  # as typed and printed


def one_line(text: str) -> str:
    """``text`` as one field of a tab-separated line: tabs, line breaks and other invisible or
    control characters (bidi overrides) become spaces."""
    return "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in text)


def recordings_text(case: Case) -> str:
    """``id<TAB>cycle<TAB>kind<TAB>title`` for each recording, by cycle and when it was added."""
    names = {kind: name for name, kind in KINDS.items()}
    return "\n".join(f"{r.id}\t{r.cycle}\t{names[r.kind]}\t{one_line(r.title)}"
                     for r in sorted(case.recordings, key=lambda r: (r.cycle, r.imported_at)))


def suggestions_text(store: CaseStore, case_id: str, recording_id: str, *, as_json: bool) -> str:
    """The film's open suggestions, heard now if need be: ``start end turns`` a line, or a JSON list."""
    listen_now(store, case_id, recording_id)
    found = open_suggestions(store, case_id, recording_id)
    if as_json:
        return json.dumps([{"start": s.start, "end": s.end, "turns": s.turns, "clip_start": s.clip_start,
                            "clip_end": s.clip_end, "answered_after": s.answered_after, "reason": s.reason,
                            "key": s.key} for s in found], indent=1)
    return "\n".join(f"{s.start:.2f} {s.end:.2f} {s.turns}" for s in found)


def agreement_text(result: Agreement, *, as_json: bool) -> str:
    """The figures of :func:`recording_agreement` as plain lines, or one JSON object."""
    pairing = result.pairing
    if as_json:
        return json.dumps({
            "coder_a": result.coder_a, "coder_b": result.coder_b, "tolerance": pairing.tolerance,
            "paired": len(pairing.pairs), "only_a": len(pairing.only_a), "only_b": len(pairing.only_b),
            "kappa": result.kappas,
            "kappa_notes": {p.principle: p.kappa_note for p in result.principles if p.kappa_note},
            "percent": {p.principle: p.percent for p in result.principles},
            "alpha": result.alpha, "alpha_note": result.alpha_note,
            "turn": {"pairs": result.turn_pairs, "agreed": result.turn_agreed},
            "disagreements": [{"time_a": d.time_a, "time_b": d.time_b, "principle": d.principle, "a_says": d.a_says,
                               "b_says": d.b_says, "kind": d.kind} for d in result.disagreements]}, indent=1)
    lines = [f"A = {result.coder_a}, B = {result.coder_b}, tolerance ±{pairing.tolerance:g} s "
             "(nearest moment within the tolerance, one to one)",
             f"paired {len(pairing.pairs)}, only A {len(pairing.only_a)}, only B {len(pairing.only_b)}"]
    lines += [f"{p.principle}: kappa {figure(p.kappa, p.kappa_note)}, agreement {percent_text(p.percent)}"
              for p in result.principles]
    lines.append(f"alpha {figure(result.alpha, result.alpha_note)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        given = unlock_for(data_root(), args) if args.command in DATA_COMMANDS and args.command != "restore" else None
        if args.command in ("set-passphrase", "change-passphrase", "remove-passphrase"):
            return run_vault_command(data_root(), args)
        if args.command == "demo":
            print(ensure_demo_cases(CaseStore(data_root())))
        elif args.command == "data-dir":
            print(data_root())
        elif args.command == "launch-key":
            print(new_launch_key(data_root()))
        elif args.command == "recordings":
            store = CaseStore(data_root())
            if not store.exists(args.case):
                print(f"Error: there is no case {args.case!r}.", file=sys.stderr)
                return 1
            if text := recordings_text(store.load(args.case)):
                print(text)
        elif args.command == "import-recording":
            store = CaseStore(data_root())
            cycle = args.cycle or default_cycle(store.load(args.case))
            keep = bool(SettingsStore(data_root()).get(KEEP_ORIGINALS, False))
            recording = import_recording(store, args.case, cycle, args.file, keep_original=keep, kind=KINDS[args.kind],
                                         browser_plays_hevc=args.keep_hevc)
            print(f"{recording.original_name}: {recording.how}", file=sys.stderr)  # the choice made, in one line
            print(recording.id)
        elif args.command == "export-clips":
            result = export_cycle(CaseStore(data_root()), args.case, args.cycle, title_cards=not args.no_title_cards)
            print("\n".join(str(path) for path in result.paths))
            if is_vault(data_root()):
                print("These files are encrypted in the data folder; `export-case` writes them out as playable "
                      "films (the family's copy).", file=sys.stderr)
        elif args.command == "backup":
            settings = SettingsStore(data_root())
            encrypt, in_vault = will_encrypt(settings, plain=args.plain), is_vault(data_root())
            if args.passphrase_stdin and not encrypt and not in_vault:
                print("Error: the workbook has no passphrase to encrypt the backup with; set one in Settings, or "
                      "leave out --passphrase-stdin for a plain backup.", file=sys.stderr)
                return 2
            passphrase = (given or read_line(args.passphrase_stdin, "Workbook passphrase: ")) if encrypt else None
            summary = make_backup(settings, data_root(), args.out, media=not args.no_media, passphrase=passphrase,
                                  plain=args.plain)
            how = [words for words, said in (("encrypted with the passphrase", summary.encrypted),
                                             ("its files encrypted as in the data folder", in_vault)) if said]
            print(f"{summary.path} ({summary.files} files, {summary.bytes:,} bytes"
                  f"{'' if summary.media else ', without media'}, {' and '.join(how) or 'NOT encrypted'})")
        elif args.command == "restore":
            encrypted = is_encrypted_backup(args.file)
            passphrase = None
            if args.recovery_code_stdin:
                passphrase = sys.stdin.readline().strip()
            elif encrypted or is_vault_backup(args.file):
                passphrase = read_line(args.passphrase_stdin, "The backup's passphrase: ")
            restored = restore_backup(args.file, data_root(), force=args.force, passphrase=passphrase)
            kind = "an encrypted" if encrypted else "an encrypted data folder's" if passphrase else "an unencrypted"
            print(f"Restored {restored.cases} cases ({restored.files} files) from {kind} backup into {restored.root}")
        elif args.command == "erase":
            store = CaseStore(data_root())
            if not store.exists(args.case):
                print(f"Error: there is no case {args.case!r}.", file=sys.stderr)
                return 1
            describe, erase = (what_goes_with_films, erase_films) if args.films_only else (what_goes, erase_case)
            if not args.yes:
                print(f"Would erase {describe(store.load(args.case))}. Nothing was erased: add --yes to erase it.",
                      file=sys.stderr)
                return 2
            print(f"Erased {erase(store, args.case, date.today())}.")
        elif args.command == "export-case":
            password = recipient_password() if args.password_stdin else None
            summary = export_case_bundle(CaseStore(data_root()), args.case, args.out, media=not args.no_media,
                                         password=password)
            print(f"{summary.path} ({summary.files} files, {summary.bytes:,} bytes"
                  f"{'' if summary.media else ', without media'}"
                  f"{', encrypted with the password' if summary.encrypted else ''})")
        elif args.command == "export":
            if args.keep_names and args.format == Format.SUPERVISION:
                print("Error: a supervision pack always replaces the family's names; leave out --keep-names.",
                      file=sys.stderr)
                return 2
            paths = export(CaseStore(data_root()), args.case, args.format, args.out, keep_names=args.keep_names,
                           captions=args.captions, password=recipient_password() if args.password_stdin else None)
            print("\n".join(str(path) for path in paths))
        elif args.command == "suggest":
            text = suggestions_text(CaseStore(data_root()), args.case, args.recording, as_json=args.json)
            if text:
                print(text)
        elif args.command == "agreement":
            principles, _ = load_principles(data_root())
            result = recording_agreement(CaseStore(data_root()).load(args.case), args.recording, *args.coders,
                                         [h.id for h in principles.headings], args.tolerance)
            print(agreement_text(result, as_json=args.json))
        elif args.command == "import-coding":
            print(import_coding(CaseStore(data_root()), args.case, args.recording, args.coder, args.file).summary())
        elif args.command == "export-coding":
            print(write_coding_file(CaseStore(data_root()), args.case, args.recording, args.out))
        elif args.command == "validate-instrument":
            try:
                read_instrument(args.file)
            except DefinitionError as error:
                print("\n".join(error.problems))
                return 1
            print("OK")
    except Refused as error:
        print(f"Error: {error}", file=sys.stderr)
        return 2
    except VigError as error:
        print(f"Error: {error}".replace("\n", " "), file=sys.stderr)
        return 1
    return 0
