"""CSV text as offices save it: Excel puts a byte-order mark before the header."""

import csv
import io


def csv_reader(text: str) -> csv.DictReader:
    return csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
