"""What composes plans or calls a language model: the drafting chain with its offline and model composers, the
retrieval it drafts from, model extraction, the brainstorm chat, prompts, the provider factory and redaction."""
