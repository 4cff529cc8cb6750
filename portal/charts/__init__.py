"""Charts drawn once and rendered twice: to SVG for the pages, to ReportLab drawings for the PDFs.

A chart is a plain list of shapes in a box (`shapes.py`), built by pure functions from figures
(`build.py`). `svg.py` and `pdf.py` only translate shapes, so the page and the PDF show the same picture.
"""
