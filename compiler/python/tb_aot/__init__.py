"""triton-aot's Python side: loads Triton kernel files and compiles them with no GPU."""
