"""Parsing: each recognised column's cells into typed values (through priorauth's one input
grammar), every unreadable cell named by sheet, row and column."""
