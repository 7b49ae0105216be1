"""PyTorch CPU reference timings for the RL benchmark (bench/harness-rl.ts runs this).

The model of bench/harness_torch.py (the harness's, layer for layer) on one RL step of the default GRPO
configuration:
- sampling: P prompts G times each (the rollout's batch), `max_new` tokens each at temperature 1
  (multinomial), with the log-probability and entropy of every drawn token, as a rollout needs: recomputing
  the whole prefix per token; with a key/value cache; and with the cache of each distinct prompt
  prefilled once and shared by its G responses (vLLM's prefix caching; the harness does this);
- update: `mini_batches` AdamW steps, each a forward over its share of the sequences, PPO's clipped
  surrogate (token-mean over the response tokens) and a backward pass.
Prints one JSON object: {"torch", "threads", "sample_tokens_per_s", "sample_cached_tokens_per_s",
"sample_shared_tokens_per_s", "update_tokens_per_s"} (sampled tokens per second; sequence tokens trained
per second).

Usage: python3 bench/harness_rl_torch.py '{"layers":2,"width":64,"heads":4,"context":9,"vocab":12,
        "sequences":512,"group":8,"prompt_len":6,"max_new":3,"mini_batches":8,"seconds":3,"threads":1}'
"""
import json
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from harness_torch import Policy  # noqa: E402


def rate(fn, items, seconds):
    """Items per second of the median call over `seconds` (after half as long of warm-up): other jobs on
    the machine stretch some calls, and the median is what a call typically takes. The harness's side of
    the benchmark measures the same way."""
    start = time.perf_counter()
    while time.perf_counter() - start < seconds / 2:
        fn()
    times, start = [], time.perf_counter()
    while len(times) < 3 or time.perf_counter() - start < seconds:
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    times.sort()
    return items / times[len(times) // 2]


def cached_sample(model, prompts, max_new, repeat=1):
    """Prefill the prompts, then one position per new token against cached keys and values. With
    `repeat`, each prompt's cache and logits serve `repeat` consecutive sequences."""
    b, t0 = prompts.shape
    d = model.wte.embedding_dim
    caches = []
    x = model.wte(prompts) + model.wpe(torch.arange(t0))
    for blk in model.blocks:
        q, k, v = blk.qkv(blk.ln1(x)).split(d, dim=2)
        shape = (b, -1, blk.h, d // blk.h)
        q, k, v = (z.view(shape).transpose(1, 2) for z in (q, k, v))
        caches.append([k.repeat_interleave(repeat, 0), v.repeat_interleave(repeat, 0)])
        a = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + blk.o(a.transpose(1, 2).reshape(b, t0, d))
        x = x + blk.w2(F.gelu(blk.w1(blk.ln2(x)), approximate="tanh"))
    logits = model.out(model.lnf(x[:, -1:, :]))[:, -1, :].repeat_interleave(repeat, 0)
    b *= repeat
    out = []
    for s in range(max_new):
        logp = torch.log_softmax(logits, dim=-1)
        nxt = torch.multinomial(logp.exp(), 1)
        out.append((nxt, logp.gather(1, nxt), -(logp.exp() * logp).sum(-1)))
        if s == max_new - 1:
            break
        x = model.wte(nxt) + model.wpe(torch.tensor([t0 + s]))
        for blk, cache in zip(model.blocks, caches):
            q, k, v = blk.qkv(blk.ln1(x)).split(d, dim=2)
            shape = (b, -1, blk.h, d // blk.h)
            q, k, v = (z.view(shape).transpose(1, 2) for z in (q, k, v))
            cache[0] = torch.cat([cache[0], k], dim=2)
            cache[1] = torch.cat([cache[1], v], dim=2)
            a = F.scaled_dot_product_attention(q, cache[0], cache[1])
            x = x + blk.o(a.transpose(1, 2).reshape(b, 1, d))
            x = x + blk.w2(F.gelu(blk.w1(blk.ln2(x)), approximate="tanh"))
        logits = model.out(model.lnf(x))[:, -1, :]
    return out


def main():
    c = json.loads(sys.argv[1])
    torch.manual_seed(0)
    torch.set_num_threads(c.get("threads", 1))
    model = Policy(c)
    n, g, lp, new = c["sequences"], c["group"], c["prompt_len"], c["max_new"]
    distinct = torch.randint(0, c["vocab"], (n // g, lp))
    prompts = distinct.repeat_interleave(g, 0)

    @torch.no_grad()
    def sample():
        seq = prompts
        for _ in range(new):
            logits = model(seq)[:, -1, :]
            logp = torch.log_softmax(logits, dim=-1)
            nxt = torch.multinomial(logp.exp(), 1)
            _ = -(logp.exp() * logp).sum(-1), logp.gather(1, nxt)
            seq = torch.cat([seq, nxt], dim=1)

    @torch.no_grad()
    def sample_cached():
        cached_sample(model, prompts, new)

    @torch.no_grad()
    def sample_shared():
        cached_sample(model, distinct, new, repeat=g)

    opt = torch.optim.AdamW(model.parameters(), lr=3e-4, betas=(0.9, 0.999), weight_decay=0.01)
    t = lp + new - 1
    tokens = torch.randint(0, c["vocab"], (n, t))
    targets = torch.randint(0, c["vocab"], (n, t))
    mask = torch.zeros(n, t)
    mask[:, lp - 1:] = 1
    old_logp = -torch.rand(n, t) * 2
    adv = torch.randn(n, 1).expand(n, t)
    per = n // c["mini_batches"]

    def update():
        for m in range(c["mini_batches"]):
            sl = slice(m * per, (m + 1) * per)
            opt.zero_grad(set_to_none=True)
            logits = model(tokens[sl])
            logp = torch.log_softmax(logits, dim=-1).gather(2, targets[sl].unsqueeze(-1)).squeeze(-1)
            ratio = torch.exp(logp - old_logp[sl])
            a = adv[sl]
            loss = torch.maximum(-a * ratio, -a * torch.clamp(ratio, 0.8, 1.2))
            loss = (loss * mask[sl]).sum() / mask[sl].sum()
            loss.backward()
            opt.step()

    seconds = c["seconds"]
    print(json.dumps({
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "sample_tokens_per_s": rate(sample, n * new, seconds),
        "sample_cached_tokens_per_s": rate(sample_cached, n * new, seconds),
        "sample_shared_tokens_per_s": rate(sample_shared, n * new, seconds),
        "update_tokens_per_s": rate(update, n * t, seconds),
    }))


if __name__ == "__main__":
    main()
