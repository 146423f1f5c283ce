#!/usr/bin/env python3
"""Writes small valid GGUF files as fuzzing seeds: every metadata value type, nested arrays, an explicit
alignment, tensors of several block types, and complete little SentencePiece and BPE vocabularies (the
fuzz target builds a tokenizer from them). Real models from ../shared are seeds too, but they are mostly
vocabulary and far larger than the inputs libFuzzer explores well.
Usage: make_gguf_seeds.py OUT_DIR"""
import os
import struct
import sys

U8, I8, U16, I16, U32, I32, F32, BOOL, STR, ARR, U64, I64, F64 = range(13)
FMT = {U8: "<B", I8: "<b", U16: "<H", I16: "<h", U32: "<I", I32: "<i", F32: "<f", BOOL: "<?",
       U64: "<Q", I64: "<q", F64: "<d"}


def s(text):
    b = text.encode()
    return struct.pack("<Q", len(b)) + b


def value(t, v):
    if t == STR:
        return s(v)
    if t == ARR:
        et, items = v
        return struct.pack("<IQ", et, len(items)) + b"".join(value(et, x) for x in items)
    return struct.pack(FMT[t], v)


def gguf(kv, tensors, alignment=32):
    """kv: [(key, type, value)]; tensors: [(name, ggml_type, dims, raw bytes)]."""
    out = b"GGUF" + struct.pack("<IQQ", 3, len(tensors), len(kv))
    for key, t, v in kv:
        out += s(key) + struct.pack("<I", t) + value(t, v)
    offset, datas = 0, []
    for name, gtype, dims, raw in tensors:
        out += s(name) + struct.pack("<I", len(dims)) + b"".join(struct.pack("<Q", d) for d in dims)
        out += struct.pack("<IQ", gtype, offset)
        datas.append(raw + b"\0" * (-len(raw) % alignment))
        offset += len(datas[-1])
    out += b"\0" * (-len(out) % alignment)
    return out + b"".join(datas)


def spm_vocab():
    tokens = ["<unk>", "<s>", "</s>"] + ["<0x%02X>" % b for b in range(256)] + ["\u2581", "\u2581a", "b", "ab", "\u2581ab"]
    types = [2, 3, 3] + [6] * 256 + [1] * 5
    scores = [0.0] * 259 + [-1.0, -2.0, -3.0, -4.0, -5.0]
    return [("tokenizer.ggml.model", STR, "llama"), ("tokenizer.ggml.tokens", ARR, (STR, tokens)),
            ("tokenizer.ggml.scores", ARR, (F32, scores)), ("tokenizer.ggml.token_type", ARR, (I32, types)),
            ("tokenizer.ggml.bos_token_id", U32, 1), ("tokenizer.ggml.eos_token_id", U32, 2),
            ("tokenizer.ggml.unknown_token_id", U32, 0)]


def bpe_vocab():
    # GPT-2 byte-level: printable bytes map to themselves, space to U+0120 ("Ġ").
    tokens = [chr(c) for c in range(33, 127)] + ["\u0120", "\u0120a", "ab", "\u0120ab", "<|endoftext|>"]
    types = [1] * (len(tokens) - 1) + [3]
    merges = ["\u0120 a", "a b", "\u0120a b"]
    return [("tokenizer.ggml.model", STR, "gpt2"), ("tokenizer.ggml.pre", STR, "llama-bpe"),
            ("tokenizer.ggml.tokens", ARR, (STR, tokens)), ("tokenizer.ggml.token_type", ARR, (I32, types)),
            ("tokenizer.ggml.merges", ARR, (STR, merges)), ("tokenizer.ggml.eos_token_id", U32, len(tokens) - 1)]


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    every_type = [("u8", U8, 7), ("i8", I8, -7), ("u16", U16, 700), ("i16", I16, -700), ("u32", U32, 70000),
                  ("i32", I32, -70000), ("f32", F32, 1.5), ("bool", BOOL, True), ("str", STR, "h\u00e9llo"),
                  ("u64", U64, 1 << 40), ("i64", I64, -(1 << 40)), ("f64", F64, 0.25),
                  ("nested", ARR, (ARR, [(U8, [1, 2]), (U8, [3])])), ("strs", ARR, (STR, ["x", "", "zz"]))]
    f32 = struct.pack("<8f", *range(8))
    q8_0 = struct.pack("<e", 0.5) + bytes(range(32))           # one Q8_0 block: f16 scale + 32 int8
    q4_0 = struct.pack("<e", 0.25) + bytes(range(16))          # one Q4_0 block: f16 scale + 16 nibble pairs
    seeds = {
        "every-type.gguf": gguf(every_type, [("t.f32", 0, [8], f32)]),
        "aligned-64.gguf": gguf([("general.alignment", U32, 64)], [("a", 0, [8], f32), ("b", 8, [32], q8_0)], 64),
        "blocks.gguf": gguf([], [("q4", 2, [32, 1], q4_0), ("q8", 8, [32], q8_0), ("f16", 1, [4, 2], bytes(16))]),
        "spm-vocab.gguf": gguf(spm_vocab(), []),
        "bpe-vocab.gguf": gguf(bpe_vocab(), []),
        "spm-model.gguf": gguf([("general.architecture", STR, "llama")] + spm_vocab(), [("token_embd.weight", 0, [8], f32)]),
    }
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
