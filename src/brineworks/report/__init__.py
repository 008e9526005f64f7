"""Reports: figures (plotly) and, later, HTML and Excel outputs."""
