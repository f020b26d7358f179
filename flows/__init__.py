"""Prefect flows for intl-pub: thin wrappers over intl_pub.pipeline (package intl_pub_flows)."""
