"""One Litestar controller per resource; each route declares the permission it needs."""
