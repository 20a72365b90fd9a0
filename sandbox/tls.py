"""A throw-away certificate authority and server certificate for https sandboxes.

WooCommerce behaves differently over https (Basic auth and query-string keys
are accepted, OAuth is not), so tests and the demo need a real TLS server
whose certificate clients can verify against a CA file, without touching the
system trust store.
"""

from __future__ import annotations

from pathlib import Path

import trustme

__all__ = ["make_self_signed"]


def make_self_signed(dirpath: str | Path) -> tuple[str, str, str]:
    """Write ``cert.pem``, ``key.pem`` and ``ca.pem`` for 127.0.0.1/localhost.

    Returns ``(certfile, keyfile, ca_pem_path)``: give the first two to the
    server (``ssl_certfile``/``ssl_keyfile``) and the CA file to the client
    (``httpx.AsyncClient(verify=ssl.create_default_context(cafile=ca))``).
    """
    directory = Path(dirpath)
    directory.mkdir(parents=True, exist_ok=True)
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost", "::1")
    certfile, keyfile, cafile = (directory / name for name in ("cert.pem", "key.pem", "ca.pem"))
    cert.private_key_pem.write_to_path(str(keyfile))
    with certfile.open("wb") as handle:
        for blob in cert.cert_chain_pems:
            handle.write(blob.bytes())
    ca.cert_pem.write_to_path(str(cafile))
    keyfile.chmod(0o600)
    return str(certfile), str(keyfile), str(cafile)
