"""The question bank: loading, validation (file:line errors), the glossary and self-checks."""

from examgen.bank.glossary import GLOSSARY_FILE, Glossary, bank_glossary, load_glossary
from examgen.bank.loader import DEFAULT_BANK, Bank, load_bank, load_file, template_summary
from examgen.bank.selftest import check_rendering, stress_template

__all__ = ["DEFAULT_BANK", "GLOSSARY_FILE", "Bank", "Glossary", "bank_glossary", "check_rendering",
           "load_bank", "load_file", "load_glossary", "stress_template", "template_summary"]
