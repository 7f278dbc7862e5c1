"""The write path: write commands (`commands`), the durable outbox (`outbox`), the worker that drains it to the store
(`worker`) and the writer that checks and enqueues a command (`writer`)."""
