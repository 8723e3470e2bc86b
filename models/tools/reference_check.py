#!/usr/bin/env python3
"""Independent PyTorch check of Loupe's reference forward pass (testing/moe/reference).

Recomputes, from the weights and inputs that testing/moe/reference/dump-case.ts writes, what
Kimi-VL's modeling_kimi_vl.py (MoonViT, patch merger, projector) and DeepSeek-V3's
modeling_deepseek.py (MLA, noaux_tc MoE gate, shared experts) compute, and prints the largest
absolute difference to the TypeScript reference's logits, image features and patches, and how
often the two agree on the routed experts.

The code follows the Hugging Face modules' tensor operations (view/transpose RoPE permutation,
torch.polar + view_as_complex 2-D RoPE, F.interpolate bicubic position embeddings, masked_fill
with 0.0 in the gate, ...) and the image processor with PIL, not the TypeScript code.

    npx tsx testing/moe/reference/dump-case.ts /tmp/refcase
    python3 models/tools/reference_check.py /tmp/refcase [--dtype float32|float64]

Needs torch (1.13 is enough), numpy and Pillow. Not run by CI; the TypeScript tests stand alone.
"""
import argparse
import json
import math
import struct
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

DTYPE = torch.float32


# --------------------------------------------------------------------------------------------
# Files


def load_safetensors(path):
    raw = Path(path).read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    base = 8 + n
    out = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        assert meta["dtype"] == "F32", meta
        a, b = meta["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(raw[base + a : base + b], dtype="<f4").copy().reshape(meta["shape"]))
    return out


# --------------------------------------------------------------------------------------------
# Image processor (KimiVLImageProcessor, PIL path)


def preprocess(rgba, proc):
    img = Image.fromarray(rgba[:, :, :3].copy(), "RGB")
    p = proc["patchSize"]
    kh, kw = proc["mergeKernelSize"]
    w, h = img.size
    if (w // p) * (h // p) > proc["inTokenLimit"]:
        scale = math.sqrt(proc["inTokenLimit"] / ((w // p) * (h // p)))
        img = img.resize((int(w * scale), int(h * scale)), Image.Resampling.BICUBIC)
    if proc["padInput"]:
        nw, nh = img.size
        pad_h = (kh * p - nh % (kh * p)) % (kh * p)
        pad_w = (kw * p - nw % (kw * p)) % (kw * p)
        padded = Image.new("RGB", (nw + pad_w, nh + pad_h), (0, 0, 0))
        padded.paste(img, (0, 0))
        img = padded
    else:
        nw, nh = img.size
        cw, ch = nw - nw % p, nh - nh % p
        top, left = int(round((nh - ch) / 2.0)), int(round((nw - cw) / 2.0))
        img = img.crop((left, top, left + cw, top + ch))
    x = torch.from_numpy(np.array(img)).permute(2, 0, 1).float().div(255)  # TF.to_tensor
    mean = torch.tensor(proc["imageMean"], dtype=torch.float32)[:, None, None]
    std = torch.tensor(proc["imageStd"], dtype=torch.float32)[:, None, None]
    x = (x - mean) / std  # TF.normalize
    C, H, W = x.shape
    patches = x.reshape(C, H // p, p, W // p, p).permute(1, 3, 0, 2, 4).contiguous().view(-1, C, p, p)
    return patches, (H // p, W // p)


# --------------------------------------------------------------------------------------------
# MoonViT + projector (modeling_kimi_vl.py)


def rope2d_freqs_cis(dim, max_h, max_w):
    N = max_h * max_w
    flat_pos = torch.arange(0, N).float()
    x_pos = flat_pos % max_w
    y_pos = flat_pos // max_w
    dim_range = torch.arange(0, dim, 4)[: (dim // 4)].float()
    freqs = 1.0 / (10000 ** (dim_range / dim))
    x_cis = torch.polar(torch.ones_like(x_pos[:, None] * freqs), torch.outer(x_pos, freqs).float())
    y_cis = torch.polar(torch.ones_like(y_pos[:, None] * freqs), torch.outer(y_pos, freqs).float())
    return torch.cat([x_cis.unsqueeze(-1), y_cis.unsqueeze(-1)], dim=-1).reshape(max_h, max_w, -1)


def apply_rope(xq, xk, freqs_cis):
    freqs_cis = freqs_cis.unsqueeze(-2)
    real = torch.float64 if xq.dtype == torch.float64 else torch.float32  # the model: xq.float()
    xq_ = torch.view_as_complex(xq.to(real).contiguous().view(*xq.shape[:-1], -1, 2))
    xk_ = torch.view_as_complex(xk.to(real).contiguous().view(*xq.shape[:-1], -1, 2))
    return torch.view_as_real(xq_ * freqs_cis).flatten(-2).type_as(xq), torch.view_as_real(xk_ * freqs_cis).flatten(-2).type_as(xk)


def vision_forward(W, cfg, pixel_values, grid_hws):
    v = cfg["vision_config"]
    C, heads = v["hidden_size"], v["num_attention_heads"]
    hd = C // heads
    g = lambda n: W["vision_tower." + n]
    # MoonVisionPatchEmbed
    x = F.conv2d(pixel_values, g("patch_embed.proj.weight"), g("patch_embed.proj.bias"), stride=v["patch_size"]).view(pixel_values.size(0), -1)
    pos = g("patch_embed.pos_emb.weight")
    pos_embs = []
    for h, w in grid_hws:
        pos_embs.append(F.interpolate(pos.permute((2, 0, 1)).unsqueeze(0), size=(h, w), mode="bicubic").squeeze(0).permute((1, 2, 0)).flatten(end_dim=1))
    x = x + torch.cat(pos_embs)
    # MoonVitEncoder
    table = rope2d_freqs_cis(hd, 512, 512)
    freqs_cis = torch.cat([table[:h, :w].reshape(-1, hd // 2) for h, w in grid_hws], dim=0)
    lengths = [h * w for h, w in grid_hws]
    cu = np.concatenate([[0], np.cumsum(lengths)])
    for b in range(v["num_hidden_layers"]):
        bg = lambda n: g(f"encoder.blocks.{b}.{n}")
        residual = x
        hN = F.layer_norm(x, (C,), bg("norm0.weight"), bg("norm0.bias"), 1e-5)
        xqkv = F.linear(hN, bg("wqkv.weight"), bg("wqkv.bias")).view(-1, 3, heads, hd)
        xq, xk, xv = torch.unbind(xqkv, dim=-3)
        xq, xk = apply_rope(xq, xk, freqs_cis.to(torch.complex128 if x.dtype == torch.float64 else torch.complex64))
        mask = torch.zeros(len(x), len(x), dtype=torch.bool)
        for i in range(1, len(cu)):
            mask[cu[i - 1] : cu[i], cu[i - 1] : cu[i]] = True
        q, k, vv = xq.transpose(0, 1), xk.transpose(0, 1), xv.transpose(0, 1)
        att = (q @ k.transpose(-2, -1)) / math.sqrt(hd)
        att = att.masked_fill(~mask, float("-inf")).softmax(dim=-1)
        attn_out = (att @ vv).transpose(0, 1).reshape(len(x), -1)
        x = residual + F.linear(attn_out, bg("wo.weight"), bg("wo.bias"))
        residual = x
        m = F.linear(F.layer_norm(x, (C,), bg("norm1.weight"), bg("norm1.bias"), 1e-5), bg("mlp.fc0.weight"), bg("mlp.fc0.bias"))
        x = residual + F.linear(F.gelu(m, approximate="tanh"), bg("mlp.fc1.weight"), bg("mlp.fc1.bias"))
    x = F.layer_norm(x, (C,), g("encoder.final_layernorm.weight"), g("encoder.final_layernorm.bias"), 1e-5)
    # patch_merger
    kh, kw = v["merge_kernel_size"]
    outputs, pre = [], 0
    for h, w in grid_hws:
        seq = x[pre : pre + h * w]
        outputs.append(seq.view(h // kh, kh, w // kw, kw, C).permute(0, 2, 1, 3, 4).contiguous().view((h // kh) * (w // kw), kh * kw, -1))
        pre += h * w
    # KimiVLMultiModalProjector
    pg = lambda n: W["multi_modal_projector." + n]
    feats = torch.cat(outputs, dim=0)
    hs = F.layer_norm(feats, (C,), pg("pre_norm.weight"), pg("pre_norm.bias"), 1e-5).view(-1, C * kh * kw)
    hs = F.gelu(F.linear(hs, pg("linear_1.weight"), pg("linear_1.bias")))  # GELUActivation: exact erf
    hs = F.linear(hs, pg("linear_2.weight"), pg("linear_2.bias"))
    return hs, [o.shape[0] for o in outputs]


# --------------------------------------------------------------------------------------------
# DeepSeek-V3 decoder (modeling_deepseek.py)


def rms_norm(x, w, eps):
    variance = x.pow(2).mean(-1, keepdim=True)
    return w * (x * torch.rsqrt(variance + eps))


def rotate_half(x):
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2 :]
    return torch.cat((-x2, x1), dim=-1)


def apply_rotary_pos_emb(q, k, cos, sin, position_ids):
    cos = cos[position_ids].unsqueeze(1)
    sin = sin[position_ids].unsqueeze(1)
    b, h, s, d = q.shape
    q = q.view(b, h, s, d // 2, 2).transpose(4, 3).reshape(b, h, s, d)
    b, h, s, d = k.shape
    k = k.view(b, h, s, d // 2, 2).transpose(4, 3).reshape(b, h, s, d)
    return (q * cos) + (rotate_half(q) * sin), (k * cos) + (rotate_half(k) * sin)


def mlp(W, p, x):
    return F.linear(F.silu(F.linear(x, W[p + ".gate_proj.weight"])) * F.linear(x, W[p + ".up_proj.weight"]), W[p + ".down_proj.weight"])


def attention(W, t, layer, hs):
    p = f"language_model.model.layers.{layer}.self_attn."
    bsz, q_len, _ = hs.shape
    nh, dn, dr, dv, R = t["num_attention_heads"], t["qk_nope_head_dim"], t["qk_rope_head_dim"], t["v_head_dim"], t["kv_lora_rank"]
    dq = dn + dr
    if t["q_lora_rank"] is None:
        q = F.linear(hs, W[p + "q_proj.weight"])
    else:
        q = F.linear(rms_norm(F.linear(hs, W[p + "q_a_proj.weight"]), W[p + "q_a_layernorm.weight"], 1e-6), W[p + "q_b_proj.weight"])
    q = q.view(bsz, q_len, nh, dq).transpose(1, 2)
    q_nope, q_pe = torch.split(q, [dn, dr], dim=-1)
    compressed_kv = F.linear(hs, W[p + "kv_a_proj_with_mqa.weight"])
    compressed_kv, k_pe = torch.split(compressed_kv, [R, dr], dim=-1)
    k_pe = k_pe.view(bsz, q_len, 1, dr).transpose(1, 2)
    kv = F.linear(rms_norm(compressed_kv, W[p + "kv_a_layernorm.weight"], 1e-6), W[p + "kv_b_proj.weight"]).view(bsz, q_len, nh, dn + dv).transpose(1, 2)
    k_nope, value_states = torch.split(kv, [dn, dv], dim=-1)
    # DeepseekV3RotaryEmbedding (rope_scaling null), float32 table as in the model
    inv_freq = 1.0 / (t["rope_theta"] ** (torch.arange(0, dr, 2).float() / dr))
    tt = torch.arange(q_len, dtype=inv_freq.dtype)
    freqs = torch.outer(tt, inv_freq)
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos().to(hs.dtype), emb.sin().to(hs.dtype)
    q_pe, k_pe = apply_rotary_pos_emb(q_pe, k_pe, cos, sin, torch.arange(q_len)[None])
    query_states = k_pe.new_empty(bsz, nh, q_len, dq)
    query_states[:, :, :, :dn] = q_nope
    query_states[:, :, :, dn:] = q_pe
    key_states = k_pe.new_empty(bsz, nh, q_len, dq)
    key_states[:, :, :, :dn] = k_nope
    key_states[:, :, :, dn:] = k_pe
    attn = torch.matmul(query_states, key_states.transpose(2, 3)) * dq ** (-0.5)
    causal = torch.full((q_len, q_len), torch.finfo(hs.dtype).min, dtype=hs.dtype).triu(1)
    attn = F.softmax(attn + causal, dim=-1, dtype=hs.dtype)
    out = torch.matmul(attn, value_states).transpose(1, 2).reshape(bsz, q_len, nh * dv)
    return F.linear(out, W[p + "o_proj.weight"])


def moe_gate(W, t, p, hs):
    logits = F.linear(hs, W[p + "gate.weight"])
    scores = logits.sigmoid()
    n = hs.shape[0]
    scores_for_choice = scores.view(n, -1) + W[p + "gate.e_score_correction_bias"].unsqueeze(0)
    group_scores = scores_for_choice.view(n, t["n_group"], -1).topk(2, dim=-1)[0].sum(dim=-1)
    group_idx = torch.topk(group_scores, k=t["topk_group"], dim=-1, sorted=False)[1]
    group_mask = torch.zeros_like(group_scores)
    group_mask.scatter_(1, group_idx, 1)
    E = t["n_routed_experts"]
    score_mask = group_mask.unsqueeze(-1).expand(n, t["n_group"], E // t["n_group"]).reshape(n, -1)
    tmp_scores = scores_for_choice.masked_fill(~score_mask.bool(), 0.0)
    _, topk_idx = torch.topk(tmp_scores, k=t["num_experts_per_tok"], dim=-1, sorted=True)
    topk_weight = scores.gather(1, topk_idx)
    if t["num_experts_per_tok"] > 1 and t["norm_topk_prob"]:
        topk_weight = topk_weight / (topk_weight.sum(dim=-1, keepdim=True) + 1e-20)
    return topk_idx, topk_weight * t["routed_scaling_factor"]


def moe(W, t, layer, hs):
    p = f"language_model.model.layers.{layer}.mlp."
    x = hs.view(-1, hs.shape[-1])
    topk_idx, topk_weight = moe_gate(W, t, p, x)
    y = torch.zeros_like(x)
    for tok in range(x.shape[0]):
        for k in range(topk_idx.shape[1]):
            e = int(topk_idx[tok, k])
            y[tok] += topk_weight[tok, k] * mlp(W, p + f"experts.{e}", x[tok : tok + 1])[0]
    if t["n_shared_experts"]:
        y = y + mlp(W, p + "shared_experts", x)
    return y.view(hs.shape), topk_idx, topk_weight


def decoder_forward(W, t, inputs_embeds):
    x = inputs_embeds[None]
    routing = {}
    for layer in range(t["num_hidden_layers"]):
        p = f"language_model.model.layers.{layer}."
        residual = x
        x = residual + attention(W, t, layer, rms_norm(x, W[p + "input_layernorm.weight"], t["rms_norm_eps"]))
        residual = x
        h = rms_norm(x, W[p + "post_attention_layernorm.weight"], t["rms_norm_eps"])
        if layer >= t["first_k_dense_replace"] and layer % t.get("moe_layer_freq", 1) == 0:
            out, idx, wts = moe(W, t, layer, h)
            routing[layer] = (idx, wts)
        else:
            out = mlp(W, p + "mlp", h)
        x = residual + out
    x = rms_norm(x, W["language_model.model.norm.weight"], t["rms_norm_eps"])
    return F.linear(x, W["language_model.lm_head.weight"])[0], routing


# --------------------------------------------------------------------------------------------


def check_model(folder):
    cfg = json.loads((folder / "config.json").read_text())
    meta = json.loads((folder / "cases.json").read_text())
    W = {k: v.to(DTYPE) for k, v in load_safetensors(folder / "weights.safetensors").items()}
    t = cfg["text_config"]
    layout = "q_proj" if t["q_lora_rank"] is None else f"q_a/q_b (rank {t['q_lora_rank']})"
    worst = 0.0
    for case in meta["cases"]:
        ids = torch.tensor(case["ids"])
        embeds = W["language_model.model.embed_tokens.weight"][ids].clone()
        line = f"{folder.name:7s} {layout:18s} {case['name']:10s} T={len(ids):3d}"
        if case["images"]:
            patches, grids, diff_patch = [], [], 0.0
            for i, im in enumerate(case["images"]):
                rgba = np.load(folder / f"{case['name']}.image{i}.rgba.npy")
                pv, grid = preprocess(rgba, meta["processor"])
                ts_patches = torch.from_numpy(np.load(folder / f"{case['name']}.image{i}.patches.npy"))
                assert tuple(grid) == (im["gridH"], im["gridW"]), (grid, im)
                diff_patch = max(diff_patch, (pv - ts_patches).abs().max().item())
                patches.append(pv)
                grids.append(grid)
            feats, counts = vision_forward(W, cfg, torch.cat(patches).to(DTYPE), grids)
            ts_feats = torch.cat([torch.from_numpy(np.load(folder / f"{case['name']}.image{i}.features.npy")) for i in range(len(grids))])
            diff_feat = (feats - ts_feats.to(DTYPE)).abs().max().item()
            mask = ids == cfg["media_placeholder_token_id"]
            assert int(mask.sum()) == feats.shape[0], "placeholder count differs from the image features"
            embeds[mask] = feats
            line += f"  patches Δ={diff_patch:.1e}  image features Δ={diff_feat:.2e}"
            worst = max(worst, diff_feat)
        logits, routing = decoder_forward(W, t, embeds)
        ts_logits = torch.from_numpy(np.load(folder / f"{case['name']}.logits.npy")).to(DTYPE)
        diff = (logits - ts_logits).abs().max().item()
        worst = max(worst, diff)
        agree = total = 0
        wdiff = 0.0
        for layer, (idx, wts) in routing.items():
            ts_idx = torch.from_numpy(np.load(folder / f"{case['name']}.layer{layer}.experts.npy")).long()
            ts_w = torch.from_numpy(np.load(folder / f"{case['name']}.layer{layer}.weights.npy")).to(DTYPE)
            agree += int((idx == ts_idx).all(dim=-1).sum())
            total += idx.shape[0]
            same = (idx == ts_idx).all(dim=-1)
            if same.any():
                wdiff = max(wdiff, (wts[same] - ts_w[same]).abs().max().item())
        line += f"  logits Δ={diff:.2e} (|logit| ≤ {logits.abs().max().item():.1f})  routing {agree}/{total} tokens·layers agree, weights Δ={wdiff:.1e}"
        print(line)
    return worst


def main():
    global DTYPE
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", type=Path, help="the folder dump-case.ts wrote")
    ap.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    ap.add_argument("--tolerance", type=float, default=1e-4)
    args = ap.parse_args()
    DTYPE = getattr(torch, args.dtype)
    torch.set_default_dtype(torch.float32)
    print(f"torch {torch.__version__}, computing in {args.dtype}")
    worst = max(check_model(d) for d in sorted(p for p in args.folder.iterdir() if (p / "config.json").exists()))
    print(f"largest difference {worst:.2e} (tolerance {args.tolerance:g})")
    sys.exit(0 if worst <= args.tolerance else 1)


if __name__ == "__main__":
    main()
