"""The examples run (and `cargo xtask test` runs `mypy --strict` on them)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from orchestratorx_prism.sandbox import Sandbox

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run(script: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / script)], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_quickstart_is_the_page_example_and_runs_on_the_sandbox(sandbox: Sandbox) -> None:
    out = run("quickstart.py", {**os.environ, **sandbox.environ("stripe")})
    assert "'merchant_customer_id': 'cust_user_12345'" in out and "'status_code': 200" in out
    assert sandbox.count_by_reference("stripe", "cust_user_12345") == 1


@pytest.mark.parametrize("script", ["sandbox_demo.py", "sync_client.py"])
def test_offline_examples_run(script: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRISM_")}
    out = run(script, env)
    assert out.strip()
