"""Authentication: who is calling, from a bearer JWT issued locally or by an OpenID provider."""
