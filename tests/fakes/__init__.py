"""In-memory stand-ins for what lies outside Airdeck, for fast tests of the layers inside."""
