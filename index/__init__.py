"""Ingest, cleaning, chunking, embeddings and the persistent FAISS + BM25 store."""
