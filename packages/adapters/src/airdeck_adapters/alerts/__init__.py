"""Delivering alert events: webhooks, Slack-compatible incoming webhooks and SMTP email."""
