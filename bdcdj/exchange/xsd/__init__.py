"""The XSD of every RecType, generated from the field spec (`generator.py`) and committed as
`xsd/<scheme>/<RecType>.xsd`; `manage.py build_xsds` rewrites them."""
