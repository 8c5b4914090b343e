"""The one exception type for mistakes a user can make; the CLI prints its message on one line."""


class NewsframeError(Exception):
    """A problem with the input or options that the user can fix (bad path, empty text, ...)."""
