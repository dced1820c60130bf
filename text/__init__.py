"""The text leaf: Swedish analysis (terms, stems, compounds), sentences, MinHash signatures.
Imports nothing from the project."""
