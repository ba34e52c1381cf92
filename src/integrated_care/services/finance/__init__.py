"""Finance use cases. Each takes a unit of work and never commits: the caller does, so a
posting, a delegation or a pool settlement is written whole or not at all."""
