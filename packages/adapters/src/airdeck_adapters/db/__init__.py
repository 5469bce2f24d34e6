"""The product DB: SQLAlchemy 2 models, advanced-alchemy services, Alembic migrations."""
