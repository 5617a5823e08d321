"""Fixtures: the real actorgraph-server binary on an ephemeral loopback port."""
import os
import signal
import subprocess
import tempfile
import time

import pytest

SERVER_BIN = os.environ.get("ACTORGRAPH_SERVER_BIN", "build/bin/actorgraph-server")
CLI_BIN = os.environ.get("ACTORGRAPH_CLI_BIN", "build/bin/actorgraph")


class Server:
    def __init__(self, args):
        self.dir = tempfile.TemporaryDirectory(prefix="actorgraph-py-")
        port_file = os.path.join(self.dir.name, "port")
        self.log = open(os.path.join(self.dir.name, "log"), "w+")
        cmd = [SERVER_BIN, "--listen", "127.0.0.1:0", "--port-file", port_file,
               "--db", os.path.join(self.dir.name, "test.db"), *args]
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        self.port = 0
        while time.time() < deadline:
            if os.path.exists(port_file):
                self.port = int(open(port_file).read().strip())
                break
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        if not self.port:
            self.log.seek(0)
            raise RuntimeError("server did not start: " + self.log.read())
        self.address = f"127.0.0.1:{self.port}"

    def cli(self, *args):
        return subprocess.run([CLI_BIN, "--server", self.address, *args],
                              capture_output=True, text=True, timeout=60)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=30)
        self.log.close()
        self.dir.cleanup()


@pytest.fixture
def demo_server():
    """A server whose empty database was seeded with the bundled demo graph."""
    s = Server([])
    yield s
    s.stop()
