// The compare stage: how close a rendered page is to its design.
// - comparePixels: SSIM, pixel mismatch share and a diff heat map, on the reference's size;
// - scoreBlocks: Design2Code's Block-Match, Text, Position and Color scores over text blocks;
// - extractTextBlocks: the text blocks of a rendered page, as those scores expect them;
// - checkCode: what the rendered code is made of (picture coverage, absolute positioning).
export { comparePixels, type PixelComparison } from './pixels.ts';
export { scoreBlocks, colorSimilarity, textSimilarity, MIN_TEXT_SIMILARITY, type D2CScores, type BlockMatch, type PageSize } from './blocks.ts';
export { extractTextBlocks } from './extract.ts';
export { checkCode, failedCodeChecks, CODE_CHECK_LIMITS, type CodeChecks } from './code-checks.ts';
