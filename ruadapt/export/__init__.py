"""Export for serving engines: a GGUF file for llama.cpp, a folder for Ollama, checks for
vLLM / TGI (see docs/deploy.md)."""

from ruadapt.export.gguf_export import OUTTYPES, export_gguf, write_gguf
from ruadapt.export.ollama import export_ollama, modelfile
from ruadapt.export.serving import serving_check

__all__ = ["OUTTYPES", "export_gguf", "export_ollama", "modelfile", "serving_check", "write_gguf"]
