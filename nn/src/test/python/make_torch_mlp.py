#!/usr/bin/python3
"""Writes the PyTorch reference model that SafeTensorsPyTorchTest loads (not run by the tests).

A float64 torch.nn.Sequential(Linear(4, 8), Tanh(), Linear(8, 5), ReLU(), Linear(5, 3)), trained for
a few Adam steps on random data so that its weights are not just an initialisation, saved as a
safetensors file of its state_dict (names 0.weight, 0.bias, 2.weight, ...; Linear weights [out, in]),
with its outputs on a few inputs recorded as JSON.

Debian has no python3-safetensors, so the file is written here by hand in the format the
safetensors library writes: an 8-byte little-endian header length N, N bytes of JSON header
(padded with spaces to a multiple of 8), then the raw little-endian data. If the safetensors
package is installed, the file is also checked against safetensors.torch.load_file.

Run from the repository root:  /usr/bin/python3 nn/src/test/python/make_torch_mlp.py
(python3-torch 1.13.1 from Debian bookworm was used for the committed files.)
"""
import json
import struct
import sys
from pathlib import Path

import torch

OUT = Path(__file__).resolve().parents[1] / "resources" / "dev" / "tapegrad" / "nn" / "torch"


def save_safetensors(tensors, path, metadata=None):
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    offset = 0
    blobs = []
    for name, t in tensors.items():
        t = t.detach().contiguous()
        assert t.dtype == torch.float64
        data = t.numpy().astype("<f8").tobytes()
        header[name] = {"dtype": "F64", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def main():
    torch.manual_seed(20261202)
    model = torch.nn.Sequential(
        torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 5), torch.nn.ReLU(), torch.nn.Linear(5, 3)
    ).double()
    x = torch.randn(64, 4, dtype=torch.float64)
    y = torch.randint(0, 3, (64,))
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    for _ in range(20):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    model.eval()
    inputs = torch.tensor([[0.0, 0.0, 0.0, 0.0], [1.0, -2.0, 0.5, 3.0], [-1.5, 0.25, 2.0, -0.75],
                           [10.0, 10.0, -10.0, 0.1], [0.3, 0.1, -0.2, 0.9]], dtype=torch.float64)
    with torch.no_grad():
        outputs = model(inputs)
    OUT.mkdir(parents=True, exist_ok=True)
    state = model.state_dict()
    save_safetensors(state, OUT / "mlp.safetensors", {"format": "pt"})
    (OUT / "mlp-outputs.json").write_text(json.dumps({
        "torch": torch.__version__,
        "layers": "Linear(4, 8), Tanh, Linear(8, 5), ReLU, Linear(5, 3), float64",
        "inputs": inputs.tolist(),
        "outputs": outputs.tolist(),
    }, indent=1) + "\n")
    try:
        from safetensors.torch import load_file
        loaded = load_file(str(OUT / "mlp.safetensors"))
        assert all(torch.equal(loaded[k], state[k]) for k in state)
        print("checked with safetensors.torch.load_file")
    except ImportError:
        print("safetensors not installed: the hand-written file was not cross-checked", file=sys.stderr)
    print({k: list(v.shape) for k, v in state.items()})


if __name__ == "__main__":
    main()
