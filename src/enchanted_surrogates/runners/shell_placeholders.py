"""Where a placeholder sits in a `shell: true` command line: outside quotes, or not.

Every filled value is shell-quoted, which keeps it one word only where the shell reads
it unquoted: a value pasted inside the user's own quotes (`echo '{s}'`) closes them, and
`; rm -rf ~` in a string parameter would run. Such placeholders are refused up front.
"""

from __future__ import annotations

import string


def quoted_placeholders(command: str) -> list[str]:
    """The placeholders of `command` that stand inside '...', "..." or after a backslash."""
    quote = ""
    escaped = False
    found = []
    for literal, field, _, _ in string.Formatter().parse(command):
        for char in literal:
            if escaped:
                escaped = False
            elif quote == "'":
                quote = "" if char == "'" else quote
            elif char == "\\":
                escaped = True
            elif quote == '"':
                quote = "" if char == '"' else quote
            elif char in "'\"":
                quote = char
        if field is not None and (quote or escaped):
            found.append(field)
            escaped = False
    return found
