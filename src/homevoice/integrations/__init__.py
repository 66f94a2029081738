"""Clients of services the owner runs beside homevoice (Home Assistant)."""
