"""shopassist: a store's shopping and customer-service assistant."""

from assistant.offline import force_offline

force_offline()

__version__ = "0.1.0"
