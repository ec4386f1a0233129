"""Repository doctor: is this repository and environment healthy enough for the gates to mean something?"""
