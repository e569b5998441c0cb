"""Acting on decisions: what to enforce and what to queue (pure planning), statements of reasons in the
EU DSA Transparency Database format, and the webhook sinks that tell the platform."""
