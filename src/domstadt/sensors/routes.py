"""Routers of the sensors domain, mounted by the app factory."""

from fastapi import APIRouter

routers: list[APIRouter] = []
