"""The Python examples' app: ``python examples/python/main.py`` (with the wheel from
dist/python installed, see the README) writes the Rust service's stacks to cdktf.out/stacks/,
like ``npx cdktf synth`` does for the TypeScript examples."""

from cdktf import App

from rust_service import RustServiceLocalStack, RustServiceStack

app = App()
RustServiceStack(app, "rust-service")
RustServiceLocalStack(app, "rust-service-local")
app.synth()
