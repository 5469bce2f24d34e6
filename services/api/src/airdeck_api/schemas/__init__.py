"""Request and response types of the Orchestrator API, one module per area; controllers and
services both use them, so they sit beside both rather than in the HTTP layer."""
