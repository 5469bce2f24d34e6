"""The service layer: use cases that combine Airflow, the product DB and the domain's rules."""
