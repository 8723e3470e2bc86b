/** A design image after ingest: 8-bit RGBA, sRGB, no alpha surprises (flattened on white). */
export interface DecodedImage {
  /** The file name the user gave, for messages and alt text. */
  name: string;
  width: number;
  height: number;
  /** width * height * 4 bytes, row-major RGBA. */
  rgba: Buffer;
}
