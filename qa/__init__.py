"""Question answering over the index: retrieval, extractive answers, conversations."""
