"""The one retry schedule of every task that retries: exponential backoff, capped."""

MAX_BACKOFF_SECONDS = 6 * 3600


def backoff(attempt: int, base: float = 30.0) -> float:
    """Seconds to wait before retry number ``attempt`` (1 for the first): base, 2 x base, 4 x base..., capped."""
    return min(base * 2 ** (max(attempt, 1) - 1), MAX_BACKOFF_SECONDS)
