"""Grading: parsing student answers, scoring, batch grading."""
