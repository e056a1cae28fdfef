"""The question bank: loading, validation (file:line errors) and self-checks."""

from examgen.bank.loader import DEFAULT_BANK, Bank, load_bank, load_file

__all__ = ["DEFAULT_BANK", "Bank", "load_bank", "load_file"]
