"""Voice cloning engines: speak any text in the voice of a short reference sample.

Backends live in their own modules and are imported only when chosen (see the registry); this
package imports nothing heavy.
"""
