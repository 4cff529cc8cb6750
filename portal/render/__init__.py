"""Presentation shared by views, CLI and jobs: PDF documents and CSV downloads drawn from what services return."""
