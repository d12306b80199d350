"""The search engine: word normalisation and prefix matching (words.py) and the in-memory
index of clients and notes with ranked, highlighted hits (index.py). Below services, which
feed it records and keep it current; stdlib only."""
