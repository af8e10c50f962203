"""Reading the workbook's definition files (principles, prompts, questionnaires) the same way.

Each file is JSON; a file that cannot be read or parsed gives one sentence
that names it, so the practitioner knows which file to mend.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .errors import ValidationError


def is_safe_id(value: object) -> bool:
    """A short id of letters, digits, - or _ (also safe as a file name)."""
    return isinstance(value, str) and 0 < len(value) <= 40 and all(ch.isalnum() or ch in "-_" for ch in value)


def read_data_file(path: Path) -> Any:
    path = Path(path)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ValidationError(f"{path.name}: the file could not be read.") from error
    except ValueError as error:
        raise ValidationError(f"{path.name}: not valid JSON ({error}).") from error
