"""examgen: randomized exams and grading for a course on sequence models."""

__version__ = "0.1.0"
