"""The alert engine: the worker that reads each deployment once per cycle, evaluates every rule
and delivers what fired, recording each delivery before it is sent."""
