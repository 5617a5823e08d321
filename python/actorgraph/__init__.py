"""actorgraph: Python access to the actorgraph gRPC service.

The generated stubs live in ``actorgraph.v1`` (``actorgraph_pb2``, ``actorgraph_pb2_grpc``),
built by CMake from ``proto/`` into ``build/python``. Use with
``PYTHONPATH=build/python /usr/bin/python3``.
"""

__all__ = ["v1"]
