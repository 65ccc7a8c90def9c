"""The respgate-lint codemod: rewrite response.create sends that bypass the gate.

``respgate_lint.codemods.rewrite.rewrite_source`` is the statement-level rewrite (driven by the engine's
findings) that both ``respgate fix`` and the libcst command
``gate_response_create.GateResponseCreateCommand`` use. Importing this package is cheap;
libcst is imported by the submodules.
"""
