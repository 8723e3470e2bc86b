// Where the real data the tests read lives in the repository (test-data/, each set with its
// licence and attribution), so a fresh clone passes its own tests.
import { fileURLToPath } from 'node:url';

const TEST_DATA = new URL('../test-data/', import.meta.url);

/** Real Figma REST API responses, one with Figma's render of it. */
export const FIGMA_DATA = fileURLToPath(new URL('figma/', TEST_DATA));

/** The Design2Code dev pages the walkthrough videos visit. */
export const DESIGN2CODE_DATA = fileURLToPath(new URL('design2code/', TEST_DATA));
