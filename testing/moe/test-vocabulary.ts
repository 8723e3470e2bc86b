// A tiny tokenizer in exactly Kimi's format, for test models: all 256 single bytes as ranks 0..255,
// then BPE merges learned greedily from a small built-in corpus (English, TSX, HTML, CSS, a little
// CJK), Kimi's pattern, and Kimi's 256-slot special-token table renumbered to start after the ranks.
// Deterministic: the same size gives the same file, byte for byte.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KIMI_PATTERN, KIMI_SPECIAL_SLOTS, kimiSpecialTokens, type KimiTokenTable } from '../../engine/moe/tokenizer.ts';

// Kimi's pattern in JavaScript RegExp syntax, used only to pre-split the training corpus (Node 20
// has neither `&&` nor `(?i:…)` in RegExp). Splitting is what decides which merges are learned; the
// tokenizer itself always runs the verbatim pattern in tiktoken.
const UPPER = String.raw`(?:(?!\p{sc=Han})[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}])`;
const LOWER = String.raw`(?:(?!\p{sc=Han})[\p{Ll}\p{Lm}\p{Lo}\p{M}])`;
const CONTRACTION = String.raw`(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])`;
const PRE_SPLIT = new RegExp(
  [
    String.raw`\p{sc=Han}+`,
    String.raw`[^\r\n\p{L}\p{N}]?${UPPER}*${LOWER}+${CONTRACTION}?`,
    String.raw`[^\r\n\p{L}\p{N}]?${UPPER}+${LOWER}*${CONTRACTION}?`,
    String.raw`\p{N}{1,3}`,
    String.raw` ?[^\s\p{L}\p{N}]+[\r\n]*`,
    String.raw`\s*[\r\n]+`,
    String.raw`\s+(?!\S)`,
    String.raw`\s+`,
  ].join('|'),
  'gu',
);

/** What the models generate and read: prose about interfaces, and the code that builds them. */
export const TEST_CORPUS = String.raw`The design shows a landing page with a navigation bar, a hero section and three feature cards.
Each card has an icon, a short title and one or two sentences of text. The primary button is blue,
the secondary button has an outline. Spacing between the cards is 24 pixels; the page is centred
and no wider than 1200 pixels. On small screens the cards stack in a single column.
We don't guess colours: they're sampled from the screenshot, and the fonts are matched by their
metrics. The model writes the code, the renderer draws it, and the comparison tells us where it's wrong.
Think about the layout first: rows, columns, gaps and padding. Then the text, then the colours.

<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Acme – Build faster</title>
    <link rel="stylesheet" href="styles.css" />
  </head>
  <body>
    <header class="nav">
      <a class="logo" href="/">Acme</a>
      <nav>
        <ul class="nav-links">
          <li><a href="#features">Features</a></li>
          <li><a href="#pricing">Pricing</a></li>
          <li><a href="#contact">Contact</a></li>
        </ul>
      </nav>
      <button class="button button-primary" type="button">Sign up</button>
    </header>
    <main>
      <section class="hero">
        <h1>Build faster with Acme</h1>
        <p class="subtitle">Ship your next product in days, not months.</p>
        <div class="actions">
          <a class="button button-primary" href="/start">Get started</a>
          <a class="button button-secondary" href="/docs">Read the docs</a>
        </div>
      </section>
      <section id="features" class="features">
        <article class="card">
          <img src="icons/speed.svg" alt="" width="32" height="32" />
          <h2>Fast</h2>
          <p>Pages load in under a second on any device.</p>
        </article>
        <article class="card">
          <img src="icons/secure.svg" alt="" width="32" height="32" />
          <h2>Secure</h2>
          <p>Every request is encrypted and every change is reviewed.</p>
        </article>
      </section>
    </main>
  </body>
</html>

:root {
  --color-primary: #2563eb;
  --color-text: #111827;
  --radius: 8px;
}
body {
  margin: 0;
  font-family: Inter, system-ui, -apple-system, sans-serif;
  color: var(--color-text);
  background-color: #ffffff;
}
.nav {
  display: flex;
  align-items: center;
  justify-content: space-between;
  padding: 16px 24px;
}
.hero {
  display: flex;
  flex-direction: column;
  align-items: center;
  gap: 16px;
  padding: 96px 24px 64px;
  text-align: center;
}
.features {
  display: grid;
  grid-template-columns: repeat(3, minmax(0, 1fr));
  gap: 24px;
  max-width: 1200px;
  margin: 0 auto;
}
.card {
  border: 1px solid #e5e7eb;
  border-radius: var(--radius);
  padding: 24px;
  box-shadow: 0 1px 2px rgba(0, 0, 0, 0.05);
}
.button-primary {
  background-color: var(--color-primary);
  color: #ffffff;
  border-radius: var(--radius);
  padding: 12px 20px;
  font-weight: 600;
}
@media (max-width: 640px) {
  .features {
    grid-template-columns: 1fr;
  }
}

import { useState } from 'react';

interface FeatureCardProps {
  title: string;
  description: string;
  icon: string;
}

export function FeatureCard({ title, description, icon }: FeatureCardProps) {
  return (
    <article className="rounded-lg border border-gray-200 p-6 shadow-sm">
      <img src={icon} alt="" className="h-8 w-8" />
      <h2 className="mt-4 text-lg font-semibold text-gray-900">{title}</h2>
      <p className="mt-2 text-sm text-gray-600">{description}</p>
    </article>
  );
}

export default function Hero() {
  const [email, setEmail] = useState('');
  const submit = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (email.trim() === '') return;
    console.log('subscribed', email);
  };
  return (
    <section className="flex flex-col items-center gap-4 px-6 py-24 text-center">
      <h1 className="text-4xl font-bold tracking-tight text-gray-900">Build faster with Acme</h1>
      <p className="text-lg text-gray-600">Ship your next product in days, not months.</p>
      <form onSubmit={submit} className="flex gap-2">
        <input
          type="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          placeholder="you@example.com"
          className="rounded-md border border-gray-300 px-3 py-2"
        />
        <button type="submit" className="rounded-md bg-blue-600 px-4 py-2 font-semibold text-white">
          Get started
        </button>
      </form>
    </section>
  );
}

const features = [
  { title: 'Fast', description: 'Pages load in under a second.', icon: '/icons/speed.svg' },
  { title: 'Secure', description: 'Every request is encrypted.', icon: '/icons/secure.svg' },
  { title: 'Simple', description: 'One command to deploy.', icon: '/icons/simple.svg' },
];

{"type": "button", "label": "Sign up", "x": 1104, "y": 16, "width": 96, "height": 40, "color": "#2563eb"}
设计图显示一个登录页面，包含导航栏、标题和三个功能卡片。按钮是蓝色的。
`;

export interface TestVocabulary {
  /** The rank file's text (`tiktoken.model`). */
  ranks: string;
  rankCount: number;
  /** Ranks plus Kimi's 256 special slots. */
  vocabSize: number;
  pattern: string;
  specialTokens: Record<string, number>;
}

/**
 * Trains a byte-level BPE of `size` ranks (at least 256; fewer only when every piece of the corpus is
 * already one token). Merges are chosen greedily by pair frequency, ties broken by the smaller pair
 * of ids.
 */
export function buildTestVocabulary(options: { size: number; corpus?: string; table?: KimiTokenTable }): TestVocabulary {
  const { size, corpus = TEST_CORPUS, table = 'kimi-k2.5' } = options;
  if (!Number.isInteger(size) || size < 256) throw new RangeError(`A byte-level vocabulary needs at least 256 ranks, not ${size}.`);

  const tokens: Uint8Array[] = Array.from({ length: 256 }, (_, b) => Uint8Array.of(b));
  const rankOf = new Map<string, number>(tokens.map((t, rank) => [Buffer.from(t).toString('latin1'), rank]));

  const pieceCounts = new Map<string, number>();
  for (const piece of corpus.match(PRE_SPLIT) ?? []) pieceCounts.set(piece, (pieceCounts.get(piece) ?? 0) + 1);
  const utf8 = new TextEncoder();
  const words = [...pieceCounts].map(([piece, count]) => ({ ids: Array.from(utf8.encode(piece)), count }));

  while (tokens.length < size) {
    const pairCounts = new Map<number, number>(); // key: a * 2^20 + b
    for (const { ids, count } of words) {
      for (let i = 0; i + 1 < ids.length; i++) {
        const key = ids[i] * 0x100000 + ids[i + 1];
        pairCounts.set(key, (pairCounts.get(key) ?? 0) + count);
      }
    }
    let bestKey = -1;
    let bestCount = 0;
    for (const [key, count] of pairCounts) {
      if (count > bestCount || (count === bestCount && key < bestKey)) {
        bestKey = key;
        bestCount = count;
      }
    }
    if (bestKey < 0) break;
    const a = Math.floor(bestKey / 0x100000);
    const b = bestKey % 0x100000;
    const merged = new Uint8Array(tokens[a].length + tokens[b].length);
    merged.set(tokens[a]);
    merged.set(tokens[b], tokens[a].length);
    // Different pairs can spell the same bytes ("a"+"bc", "ab"+"c"); tiktoken needs each once.
    const key = Buffer.from(merged).toString('latin1');
    let id = rankOf.get(key);
    if (id === undefined) {
      id = tokens.length;
      tokens.push(merged);
      rankOf.set(key, id);
    }
    for (const word of words) {
      const out: number[] = [];
      for (let i = 0; i < word.ids.length; i++) {
        if (i + 1 < word.ids.length && word.ids[i] === a && word.ids[i + 1] === b) {
          out.push(id);
          i++;
        } else out.push(word.ids[i]);
      }
      word.ids = out;
    }
  }

  const ranks = tokens.map((t, rank) => `${Buffer.from(t).toString('base64')} ${rank}\n`).join('');
  return {
    ranks,
    rankCount: tokens.length,
    vocabSize: tokens.length + KIMI_SPECIAL_SLOTS,
    pattern: KIMI_PATTERN,
    specialTokens: kimiSpecialTokens(tokens.length, table),
  };
}

export interface TestTokenizerFiles {
  /** File names relative to the directory, as a model package manifest names them. */
  files: { ranksFile: string; tokenizerConfig: string };
  specialTokens: Record<string, number>;
  rankCount: number;
  vocabSize: number;
  pattern: string;
}

/**
 * Writes a test tokenizer into `dir` the way a Kimi checkpoint ships it: `tiktoken.model` and a
 * Hugging Face `tokenizer_config.json` whose `added_tokens_decoder` lists the special tokens.
 */
export async function writeTestTokenizer(dir: string, options: { size: number; table?: KimiTokenTable }): Promise<TestTokenizerFiles> {
  const vocabulary = buildTestVocabulary(options);
  const files = { ranksFile: 'tiktoken.model', tokenizerConfig: 'tokenizer_config.json' };
  const addedTokensDecoder: Record<string, object> = {};
  for (const [content, id] of Object.entries(vocabulary.specialTokens).sort((x, y) => x[1] - y[1])) {
    addedTokensDecoder[String(id)] = { content, lstrip: false, normalized: false, rstrip: false, single_word: false, special: true };
  }
  const config = {
    added_tokens_decoder: addedTokensDecoder,
    additional_special_tokens: ['<|im_end|>', '<|im_user|>', '<|im_assistant|>', '<|start_header_id|>', '<|end_header_id|>', '[EOT]', '<|im_system|>', '<|im_middle|>'],
    bos_token: '[BOS]',
    eos_token: '[EOS]',
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    tokenizer_class: 'TikTokenTokenizer',
  };
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, files.ranksFile), vocabulary.ranks);
  await writeFile(join(dir, files.tokenizerConfig), JSON.stringify(config, null, 2) + '\n');
  return {
    files,
    specialTokens: vocabulary.specialTokens,
    rankCount: vocabulary.rankCount,
    vocabSize: vocabulary.vocabSize,
    pattern: vocabulary.pattern,
  };
}
