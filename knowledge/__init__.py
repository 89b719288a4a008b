"""The knowledge library: curated entries, their loading, the offline embeddings and the hybrid index.

ONNX Runtime's official wheels send usage telemetry to Microsoft (the 1DS SDK, to
mobile.events.data.microsoft.com) and keep a device id and an event queue under ~/.cache/Microsoft. The runtime
reads its opt-out once, when it is first imported, so it is set here: every path to ONNX Runtime in this
project (our embeddings, and Chroma's own default embedding function) imports this package first. Set
unconditionally: a clinic's machine must not phone home, whatever the environment says.
"""

import os

os.environ["ORT_DISABLE_TELEMETRY"] = "1"
