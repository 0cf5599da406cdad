"""Chat services: the only writers of conversations, presence and chat capacity."""
