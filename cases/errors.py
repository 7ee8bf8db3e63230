"""The one error a case action raises: its message says what is wrong, in the user's language."""


class CaseError(Exception):
    """Something the user can act on; views and the API turn it into a form error or a 4xx."""


class InputError(CaseError):
    """An action's or a report's inputs were refused: the messages by input name."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__(" ".join(message for messages in errors.values() for message in messages))
