import type { Box, Color } from './schema.ts';

/** A run of visible text with where it sits and its colour: what the Design2Code metrics compare. */
export interface TextBlock {
  text: string;
  box: Box;
  color: Color;
}
