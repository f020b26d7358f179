"""Build tiny but *real* Argos Translate packages (.argosmodel) offline, for tests.

Adapted from shared/recipes/make_fake_argosmodel.py.

The package holds:
  * model/              a CTranslate2 Transformer (1 no-op encoder layer, 1 decoder layer)
                        whose weights are set by hand so that it copies the source
                        token at each position through a token->token lexicon
                        (e.g. "▁Hello" -> "▁Hola"); unknown words come out unchanged
                        via CTranslate2's replace_unknowns.
  * sentencepiece.model a SentencePiece unigram model trained here on a few lines.
  * minisbd/en.onnx     a MiniSBD-compatible ONNX sentence splitter (ends a sentence
                        at '.', '!' or '?') so argostranslate's DEFAULT chunking never
                        tries to download a model.
  * metadata.json       what argostranslate.package.Package reads.

Nothing is downloaded.  Needs: ctranslate2, sentencepiece, numpy, onnx.
Usage: python tests/argosmodel.py OUT_DIR   -> OUT_DIR/translate-en_{es,zh,ru}-fake.argosmodel
"""
import json
import os
import sys
import tempfile
import zipfile

import numpy as np

import ctranslate2
import sentencepiece as spm

LEXICONS = {
    "es": ("Spanish", {
        "Hello": "Hola", "world": "mundo", "The": "El", "the": "el",
        "hospital": "hospital", "opened": "abrió", "a": "una", "new": "nueva",
        "clinic": "clínica", "good": "buen", "morning": "día", "cat": "gato",
        "dog": "perro", "is": "es", "big": "grande", "small": "pequeño",
        "house": "casa", "thank": "gracias", "you": "tú", "blog": "blog",
        "post": "artículo", "today": "hoy", "we": "nosotros", "write": "escribimos",
        "Good": "Buenos", "Thank": "Gracias",
    }),
    "zh": ("Chinese", {
        "Hello": "你好", "world": "世界", "The": "这", "the": "这",
        "hospital": "医院", "opened": "开设了", "a": "一家", "new": "新",
        "clinic": "诊所", "good": "好", "morning": "早上", "cat": "猫",
        "dog": "狗", "is": "是", "big": "大", "small": "小", "house": "房子",
        "thank": "谢谢", "you": "你", "blog": "博客", "post": "文章",
        "today": "今天", "we": "我们", "write": "写",
        "Good": "好", "Thank": "谢谢",
    }),
    "ru": ("Russian", {
        "Hello": "Привет", "world": "мир", "The": "Эта", "the": "эта",
        "hospital": "больница", "opened": "открыла", "a": "одну", "new": "новую",
        "clinic": "клинику", "good": "доброе", "morning": "утро", "cat": "кошка",
        "dog": "собака", "is": "является", "big": "большой", "small": "маленький",
        "house": "дом", "thank": "спасибо", "you": "ты", "blog": "блог",
        "post": "пост", "today": "сегодня", "we": "мы", "write": "пишем",
        "Good": "Доброе", "Thank": "Спасибо",
    }),
}

ENGLISH_LINES = [
    "Hello world.", "The hospital opened a new clinic.", "Good morning!",
    "The cat is small. The dog is big.", "Thank you.", "We write a new blog post today?",
    "the house is new", "hello, world: a blog post (today) - 123 456 7890",
]

K = 64          # dimensions that carry the position code
MAX_POS = 1024  # longest source/target sentence in tokens


def train_spm(workdir, lexicon, lang):
    lines = list(ENGLISH_LINES)
    for src, tgt in lexicon.items():
        lines += [f"{src} {src}. {src}, {src}!", f"{tgt} {tgt}. {tgt}, {tgt}!"]
    lines += [" ".join(lexicon.values()) + " ."] * 3
    corpus = os.path.join(workdir, "corpus.txt")
    with open(corpus, "w", encoding="utf-8") as f:
        f.write("\n".join(lines * 5) + "\n")
    prefix = os.path.join(workdir, "sp")
    spm.SentencePieceTrainer.train(
        input=corpus, model_prefix=prefix, vocab_size=400, hard_vocab_limit=False,
        model_type="unigram", character_coverage=1.0, bos_id=1, eos_id=2, unk_id=0,
        pad_id=-1, minloglevel=2, normalization_rule_name="identity",
    )
    sp = spm.SentencePieceProcessor(model_file=prefix + ".model")
    vocab = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    assert vocab[:3] == ["<unk>", "<s>", "</s>"], vocab[:3]
    return prefix + ".model", sp, vocab


def build_ct2(model_dir, sp, vocab, lexicon, seed=0):
    V = len(vocab)
    d = 2 * V + K                      # [token-in | position | token-out]
    P0, P1, O = V, V + K, V + K        # slices
    rng = np.random.default_rng(seed)
    codes = rng.standard_normal((MAX_POS, K)).astype(np.float32)
    codes /= np.linalg.norm(codes, axis=1, keepdims=True)
    pos = np.zeros((MAX_POS, d), np.float32)
    pos[:, P0:P1] = codes

    # token -> token mapping (identity except lexicon entries that are single pieces)
    piece_id = {p: i for i, p in enumerate(vocab)}
    perm = np.arange(V)
    mapped = {}
    for src, tgt in lexicon.items():
        s, t = sp.encode(src, out_type=str), sp.encode(tgt, out_type=str)
        if len(s) == 1 and len(t) == 1 and s[0] in piece_id and t[0] in piece_id:
            perm[piece_id[s[0]]] = piece_id[t[0]]
            mapped[s[0]] = t[0]

    Z = lambda *shape: np.zeros(shape, np.float32)
    ln = lambda spec: (setattr(spec, "gamma", np.ones(d, np.float32)), setattr(spec, "beta", Z(d)))

    spec = ctranslate2.specs.TransformerSpec.from_config((1, 1), num_heads=1)
    enc, dec = spec.encoder, spec.decoder
    enc.scale_embeddings = False
    dec.scale_embeddings = False
    emb = Z(V, d)
    emb[np.arange(V), np.arange(V)] = 1.0          # one-hot token identity
    enc.embeddings[0].weight = emb
    enc.position_encodings.encodings = pos
    ln(enc.layer_norm)
    # the single encoder layer is a no-op (zero attention output, zero FFN output)
    elayer = enc.layer[0]
    ln(elayer.self_attention.layer_norm)
    elayer.self_attention.linear[0].weight = Z(3 * d, d)
    elayer.self_attention.linear[1].weight = Z(d, d)
    ln(elayer.ffn.layer_norm)
    elayer.ffn.linear_0.weight = Z(8, d)
    elayer.ffn.linear_1.weight = Z(d, 8)

    dec.embeddings.weight = Z(V, d)                 # decoder input only carries position
    dec.position_encodings.encodings = pos
    ln(dec.layer_norm)
    layer = dec.layer[0]
    # self-attention and FFN contribute nothing
    ln(layer.self_attention.layer_norm)
    layer.self_attention.linear[0].weight = Z(3 * d, d)
    layer.self_attention.linear[1].weight = Z(d, d)
    ln(layer.ffn.layer_norm)
    layer.ffn.linear_0.weight = Z(8, d)
    layer.ffn.linear_1.weight = Z(d, 8)
    # cross-attention: query = target position code, key = source position code,
    # value = source token one-hot, written through the lexicon into the output slice
    att = layer.attention
    ln(att.layer_norm)
    alpha = 6.0
    wq = Z(d, d); wq[P0:P1, P0:P1] = alpha * np.eye(K)
    wk = Z(d, d); wk[P0:P1, P0:P1] = alpha * np.eye(K)
    wv = Z(d, d); wv[O + perm, np.arange(V)] = 1.0
    att.linear[0].weight = wq
    att.linear[1].weight = np.concatenate([wk, wv], axis=0)
    att.linear[2].weight = np.eye(d, dtype=np.float32)
    proj = Z(V, d)
    proj[np.arange(V), O + np.arange(V)] = 1.0
    dec.projection.weight = proj

    spec.config.add_source_eos = True   # lets the copy end with </s>
    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.validate()
    spec.optimize(quantization="int8")
    os.makedirs(model_dir, exist_ok=True)
    spec.save(model_dir)
    return mapped


def build_minisbd_onnx(path):
    import onnx
    from onnx import TensorProto, helper

    id2unit = ["<PAD>", "<UNK>", ".", "!", "?"]
    table = np.zeros((len(id2unit), 5), np.float32)
    table[:, 0] = 10.0                 # label 0: inside token
    table[2:, :] = 0.0
    table[2:, 2] = 10.0                # label 2: end of token + end of sentence
    graph = helper.make_graph(
        [helper.make_node("Gather", ["table", "units"], ["logits"], axis=0),
         helper.make_node("Shape", ["features"], ["features_shape"])],
        "fake_minisbd",
        [helper.make_tensor_value_info("units", TensorProto.INT64, ["B", "N"]),
         helper.make_tensor_value_info("features", TensorProto.FLOAT, ["B", "N", 1])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["B", "N", 5]),
         helper.make_tensor_value_info("features_shape", TensorProto.INT64, [3])],
        [helper.make_tensor("table", TensorProto.FLOAT, table.shape, table.flatten())],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    config = {"skip_newline": False, "max_seqlen": 1000, "no_ssplit": False,
              "batch_size": 32, "feat_funcs": ["space_before"],
              "use_dictionary": False, "num_dict_feat": 0}
    vocab = {"lang": "en", "idx": 0, "cutoff": 0, "lower": False,
             "_id2unit": id2unit, "_unit2id": {u: i for i, u in enumerate(id2unit)}}
    helper.set_model_props(model, {"lang_code": "en", "config": json.dumps(config),
                                   "vocab": json.dumps(vocab), "lexicon": "null"})
    onnx.checker.check_model(model)
    onnx.save(model, path)


def build_package(out_dir, to_code):
    to_name, lexicon = LEXICONS[to_code]
    name = f"translate-en_{to_code}-fake"
    with tempfile.TemporaryDirectory() as tmp:
        pkg = os.path.join(tmp, name)
        os.makedirs(os.path.join(pkg, "minisbd"))
        sp_path, sp, vocab = train_spm(tmp, lexicon, to_code)
        os.replace(sp_path, os.path.join(pkg, "sentencepiece.model"))
        mapped = build_ct2(os.path.join(pkg, "model"), sp, vocab, lexicon)
        build_minisbd_onnx(os.path.join(pkg, "minisbd", "en.onnx"))
        meta = {"package_version": "0.0.1", "argos_version": "1.11", "type": "translate",
                "from_code": "en", "from_name": "English",
                "to_code": to_code, "to_name": to_name, "links": []}
        with open(os.path.join(pkg, "metadata.json"), "w") as f:
            json.dump(meta, f, indent=2)
        with open(os.path.join(pkg, "README.md"), "w") as f:
            f.write(f"Synthetic test package en->{to_code}: lexicon copy model, not a real translator.\n")
        out = os.path.join(out_dir, name + ".argosmodel")
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for root, _, files in os.walk(pkg):
                for fn in sorted(files):
                    full = os.path.join(root, fn)
                    z.write(full, os.path.relpath(full, tmp))
    return out, len(vocab), mapped


if __name__ == "__main__":
    out_dir = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(out_dir, exist_ok=True)
    for code in ("es", "zh", "ru"):
        out, v, mapped = build_package(out_dir, code)
        print(f"{out}: {os.path.getsize(out)} bytes, vocab {v}, {len(mapped)} lexicon pieces mapped")
