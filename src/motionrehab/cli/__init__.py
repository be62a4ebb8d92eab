"""Thin command-line commands: parse arguments, call one library function, print. No clinical logic here."""
