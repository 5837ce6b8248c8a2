"""BuildKit's word splitting (`shell/lex.go`'s `wordsStruct`) and Go's notion of space."""

from __future__ import annotations

# Go's unicode.IsSpace, which BuildKit uses to split words and trim lines.
GO_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u2028\u2029\u202f\u205f\u3000"
)


class LexError(ValueError):
    """The text is not valid for BuildKit's lexer (the build would fail)."""


class Words:
    """Collects words, splitting on unquoted whitespace; an empty quoted word is dropped
    as BuildKit drops it (it tests the buffer's length)."""

    def __init__(self) -> None:
        self.words: list[str] = []
        self.buf: list[str] = []
        self.size = 0
        self.in_word = False

    def _flush(self) -> None:
        if self.size:
            self.words.append("".join(self.buf))
            self.buf, self.size, self.in_word = [], 0, False

    def add_char(self, ch: str) -> None:
        if ch not in GO_SPACE:
            self.add_raw(ch)
        elif self.in_word:
            self._flush()

    def add_string(self, text: str) -> None:
        for ch in text:
            self.add_char(ch)

    def add_raw(self, text: str) -> None:
        self.buf.append(text)
        self.size += len(text)
        self.in_word = True

    def get(self) -> list[str]:
        self._flush()
        return self.words
