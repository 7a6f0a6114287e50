"""The HTTP edge: one router per resource over the ``Assistant``, assembled by ``app``.

``ask`` (questions, plain and streamed), ``documents`` (articles: list, read, upload,
delete), ``openai`` (the OpenAI-compatible ``/v1``, its shapes in ``openai_schemas``, its
token counts in ``tokens``), ``mcp`` (the MCP tool server), ``health``, ``docs`` (Swagger UI
from a package, no CDN). ``errors`` translates every failure once; ``streams`` writes every
event stream.
"""
