// Loupe's hand-written chat templates against the releases' own chat_template.jinja: each release
// file (models/families/<family>/) is rendered with @huggingface/jinja, the Jinja that
// transformers.js renders chat templates with, on a set of conversations, and Loupe's renderer
// must write the same text, string for string.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Template } from '@huggingface/jinja';
import { renderChat, type ChatMessage, type ChatTemplateName } from './chat-template.ts';

const releases: ReadonlyArray<{ family: string; template: ChatTemplateName }> = [
  { family: 'kimi-vl-a3b', template: 'kimi-vl' },
  // Kimi K2-Instruct's template writes Kimi-VL's prompt for every turn Loupe sends.
  { family: 'kimi-k2', template: 'kimi-vl' },
];

const conversations: Record<string, ChatMessage[]> = {
  'a user turn alone': [{ role: 'user', content: 'Make a sign-up button.' }],
  'system and user': [
    { role: 'system', content: 'You write semantic HTML.' },
    { role: 'user', content: 'Make a sign-up button.' },
  ],
  'several turns': [
    { role: 'system', content: 'You are a helpful assistant.' },
    { role: 'user', content: 'Hello, how are you?' },
    { role: 'assistant', content: "I'm fine, thank you!" },
    { role: 'user', content: 'What is the capital of France?\n\nAnswer in one word.' },
  ],
  'ending with the assistant': [
    { role: 'user', content: 'Name a colour.' },
    { role: 'assistant', content: 'Teal.' },
  ],
  'an image, then text': [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'Write the HTML for this screenshot.' }] }],
  'images in two turns, text around them': [
    { role: 'system', content: 'Answer briefly.' },
    { role: 'user', content: [{ type: 'text', text: 'Before: ' }, { type: 'image' }, { type: 'text', text: ' and after.' }] },
    { role: 'assistant', content: 'A login form.' },
    { role: 'user', content: [{ type: 'image' }, { type: 'image' }, { type: 'text', text: 'And these two?' }] },
  ],
  'no messages': [],
};

for (const { family, template } of releases) {
  const jinja = new Template(readFileSync(new URL(`../../models/families/${family}/chat_template.jinja`, import.meta.url), 'utf8'));
  test(`${family}'s published chat_template.jinja and Loupe's ${template} renderer write the same prompts`, () => {
    for (const [name, messages] of Object.entries(conversations)) {
      for (const addGenerationPrompt of [true, false]) {
        const published = jinja.render({ messages, add_generation_prompt: addGenerationPrompt });
        for (const thinking of [true, false]) {
          assert.equal(renderChat(messages, { template, thinking, addGenerationPrompt }), published, `${name}, add_generation_prompt ${addGenerationPrompt}, thinking ${thinking}`);
        }
      }
    }
  });
}
