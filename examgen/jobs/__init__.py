"""Orchestration of the commands: files in, the pipeline, files out."""
