"""Pieces of the Streamlit app (app.py): its words in two languages and the source viewer."""
