// Pixel-level comparison of two rendered pages: SSIM, the share of differing pixels, and a
// heat map of where they differ.
//
// Size policy: everything is measured on the reference's size. A generated page is often shorter
// or taller (or, rarely, narrower/wider) than the design; the candidate is anchored at its top-left,
// cropped where it overhangs and padded with white where it falls short. So missing content
// counts as a difference against a white page (the usual page background), and extra content below
// the design's end is ignored here; the block metrics, normalised by each page's own size, and the
// caller's height check see it instead. Transparency is flattened onto white on both sides.
//
// SSIM: greyscale SSIM (ssim.js, 11 px windows, k1 0.01, k2 0.03: its defaults) on both images
// scaled down by f = max(1, round(min(width, height) / 256)), the downsampling Wang et al.
// recommend for SSIM and what ssim.js itself would do, but done natively by sharp, which is much
// faster than ssim.js's JS resize. For a 1280-wide page f = 5 (1280×5000 → 256×1000).
// The SSIM variant is ssim.js's "bezkrovny" (SSIM over non-overlapping 11×11 windows, unweighted)
// rather than its default "weber" (sliding Gaussian windows): on a 256×1000 image it takes
// ~40 ms against ~200–270 ms, and the two agreed to ~0.001 on our test images.
//
// Speed, 1280×5000 reference vs a different 1280×4800 candidate, on a 2-core machine at load ~5
// (other builds running): 0.26–0.55 s per call after warm-up. The parts, measured apart: PNG
// decoding ~0.3 s under that load (two 6.4 Mpx images; the bulk), pixelmatch 0.13–0.25 s, heat
// map encoding ~0.02 s, downscaling 0.04–0.09 s, SSIM ~0.04 s.
import sharp from 'sharp';
import pixelmatch from 'pixelmatch';
import { ssim } from 'ssim.js';

export interface PixelComparison {
  /** Mean SSIM in [-1, 1] (in practice 0..1); 1 for identical images. */
  ssim: number;
  /** Share of the reference's pixels that differ (pixelmatch, anti-aliasing ignored), 0..1. */
  mismatchRatio: number;
  /** The size everything was measured at: the reference's. */
  width: number;
  height: number;
  /** PNG at the reference's size: differing pixels in red over a faded greyscale reference. */
  heatmap: Buffer;
}

/** pixelmatch's OKLab threshold: 0.1, its default, is about what a person notices. */
const PIXEL_THRESHOLD = 0.1;
/** SSIM is computed on images whose shorter side is about this many pixels (Wang et al.). */
const SSIM_TARGET_SIDE = 256;

/**
 * Compares two PNGs on the reference's size, cropping or white-padding the candidate (anchored
 * top-left) to fit.
 */
export async function comparePixels(reference: Buffer, candidate: Buffer): Promise<PixelComparison> {
  const ref = await decodeRgba(reference);
  const { width, height } = ref;
  const fitted = await decodeFitted(candidate, width, height);

  const diff = Buffer.alloc(width * height * 4);
  const mismatched = pixelmatch(ref.data, fitted, diff, width, height, { threshold: PIXEL_THRESHOLD, alpha: 0.15 });

  const [heatmap, score] = await Promise.all([
    sharp(diff, { raw: { width, height, channels: 4 } }).removeAlpha().png({ compressionLevel: 3, adaptiveFiltering: false }).toBuffer(),
    ssimOf(ref.data, fitted, width, height),
  ]);
  return { ssim: score, mismatchRatio: mismatched / (width * height), width, height, heatmap };
}

interface Rgba {
  data: Buffer;
  width: number;
  height: number;
}

async function decodeRgba(png: Buffer): Promise<Rgba> {
  const img = sharp(png);
  // Flatten onto white only where there is transparency (it costs a pass over the pixels).
  if ((await img.metadata()).hasAlpha) img.flatten({ background: '#ffffff' });
  const { data, info } = await img.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/**
 * The candidate decoded onto a white canvas of the given size, top-left anchored: cropped and
 * padded by sharp as it decodes, so a 50-megapixel page is held once, not decoded and then copied.
 */
async function decodeFitted(png: Buffer, width: number, height: number): Promise<Buffer> {
  const meta = await sharp(png).metadata();
  const w = Math.min(width, meta.width ?? 0);
  const h = Math.min(height, meta.height ?? 0);
  return sharp(png)
    .flatten({ background: '#ffffff' })
    .extract({ left: 0, top: 0, width: w, height: h })
    .extend({ right: width - w, bottom: height - h, background: '#ffffff' })
    .ensureAlpha()
    .raw()
    .toBuffer();
}

async function ssimOf(a: Buffer, b: Buffer, width: number, height: number): Promise<number> {
  const f = Math.max(1, Math.round(Math.min(width, height) / SSIM_TARGET_SIDE));
  const w = Math.max(1, Math.floor(width / f));
  const h = Math.max(1, Math.floor(height / f));
  const small = (data: Buffer) =>
    f === 1
      ? Promise.resolve(data)
      : sharp(data, { raw: { width, height, channels: 4 } })
          // Average down by exactly f (whole f×f cells), as Wang's reference implementation does.
          .extract({ left: 0, top: 0, width: w * f, height: h * f })
          .resize(w, h, { kernel: 'linear', fastShrinkOnLoad: false })
          .raw()
          .toBuffer();
  const [sa, sb] = await Promise.all([small(a), small(b)]);
  // Identical inputs give 1 exactly; skip the work (and any rounding) in that case.
  if (sa.equals(sb)) return 1;
  const img = (data: Buffer) => ({ data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), width: w, height: h });
  return ssim(img(sa), img(sb), { downsample: false, ssim: 'bezkrovny' }).mssim;
}
