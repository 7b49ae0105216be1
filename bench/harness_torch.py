"""PyTorch CPU reference timings for the harness benchmark (bench/harness.ts runs this).

The same model as src/harness: decoder-only, pre-LN, learned positions, GELU (tanh form), untied
unembedding without bias; the same batch; AdamW. Sampling regenerates the whole prefix per token (no
KV cache), as the harness does. Prints one JSON object:
{"torch": version, "threads": n, "train_tokens_per_s": x, "sample_tokens_per_s": y}.

Usage: python3 bench/harness_torch.py '{"layers":2,"width":64,"heads":4,"context":16,"vocab":12,
        "batch":64,"seq_len":11,"prompt_len":8,"max_new":4,"seconds":3}'
"""
import json
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, d, h):
        super().__init__()
        self.h = h
        self.ln1 = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.o = nn.Linear(d, d)
        self.ln2 = nn.LayerNorm(d)
        self.w1 = nn.Linear(d, 4 * d)
        self.w2 = nn.Linear(4 * d, d)

    def forward(self, x):
        b, t, d = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(d, dim=2)
        shape = (b, t, self.h, d // self.h)
        q, k, v = (z.view(shape).transpose(1, 2) for z in (q, k, v))
        a = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + self.o(a.transpose(1, 2).reshape(b, t, d))
        return x + self.w2(F.gelu(self.w1(self.ln2(x)), approximate="tanh"))


class Policy(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.wte = nn.Embedding(c["vocab"], c["width"])
        self.wpe = nn.Embedding(c["context"], c["width"])
        self.blocks = nn.ModuleList(Block(c["width"], c["heads"]) for _ in range(c["layers"]))
        self.lnf = nn.LayerNorm(c["width"])
        self.out = nn.Linear(c["width"], c["vocab"], bias=False)

    def forward(self, tokens):
        x = self.wte(tokens) + self.wpe(torch.arange(tokens.shape[1]))
        for blk in self.blocks:
            x = blk(x)
        return self.out(self.lnf(x))


def rate(fn, items, seconds):
    fn()  # warm-up
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        fn()
        n += 1
    return items * n / (time.perf_counter() - start)


def main():
    c = json.loads(sys.argv[1])
    torch.manual_seed(0)
    torch.set_num_threads(c.get("threads", 2))
    model = Policy(c)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, betas=(0.9, 0.99), weight_decay=0.01)
    b, t = c["batch"], c["seq_len"]
    tokens = torch.randint(0, c["vocab"], (b, t))
    targets = torch.randint(0, c["vocab"], (b, t))

    def train():
        opt.zero_grad(set_to_none=True)
        logits = model(tokens)
        loss = F.cross_entropy(logits.view(-1, c["vocab"]), targets.view(-1))
        loss.backward()
        opt.step()

    prompts = torch.randint(0, c["vocab"], (b, c["prompt_len"]))

    @torch.no_grad()
    def sample():
        seq = prompts
        for _ in range(c["max_new"]):
            logits = model(seq)[:, -1, :]
            logp = torch.log_softmax(logits, dim=-1)
            nxt = logits.argmax(dim=-1, keepdim=True)
            _ = -(logp.exp() * logp).sum(-1), logp.gather(1, nxt)  # entropy and log p, as the harness returns
            seq = torch.cat([seq, nxt], dim=1)

    print(json.dumps({
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "train_tokens_per_s": rate(train, b * t, c["seconds"]),
        "sample_tokens_per_s": rate(sample, b * c["max_new"], c["seconds"]),
    }))


if __name__ == "__main__":
    main()
