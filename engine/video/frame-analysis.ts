// What the screen detector looks at in a frame: its luminance with the columns averaged in
// groups of COLUMN_GROUP (full vertical resolution, so scroll offsets come out to the pixel),
// compared cell by cell with another frame's to find what changed and where.
import type { Box } from '../ir/index.ts';

/** Columns averaged into one sample: text stays visible, and a 1920 px frame is 480 samples wide. */
export const COLUMN_GROUP = 4;
/** A comparison cell's size in source pixels. */
export const CELL_WIDTH = 8;
export const CELL_ROWS = 8;
/** Mean luminance difference (0–255) above which a cell counts as changed: above video noise, below any real edit. */
export const CELL_CHANGED = 12;

export interface Luma {
  /** Samples per row: ceil(width / COLUMN_GROUP). */
  cols: number;
  rows: number;
  data: Uint8Array;
}

export function lumaOf(rgba: Uint8Array, width: number, height: number): Luma {
  const cols = Math.ceil(width / COLUMN_GROUP);
  const data = new Uint8Array(cols * height);
  for (let y = 0; y < height; y++) {
    const row = y * width * 4;
    for (let c = 0; c < cols; c++) {
      const x0 = c * COLUMN_GROUP;
      const x1 = Math.min(width, x0 + COLUMN_GROUP);
      let sum = 0;
      for (let x = x0; x < x1; x++) {
        const i = row + x * 4;
        // Rec. 601 weights in integers: the detector needs order, not colour science.
        sum += (rgba[i]! * 77 + rgba[i + 1]! * 150 + rgba[i + 2]! * 29) >> 8;
      }
      data[y * cols + c] = sum / (x1 - x0);
    }
  }
  return { cols, rows: height, data };
}

/** Mean absolute difference of row `ya` of `a` and row `yb` of `b`. */
export function rowDifference(a: Luma, ya: number, b: Luma, yb: number): number {
  let sum = 0;
  const ia = ya * a.cols;
  const ib = yb * b.cols;
  for (let c = 0; c < a.cols; c++) sum += Math.abs(a.data[ia + c]! - b.data[ib + c]!);
  return sum / a.cols;
}


export interface ChangeMap {
  /** Cells across and down. */
  cellCols: number;
  cellRows: number;
  /** 1 where the cell changed. */
  changed: Uint8Array;
  /** Share of all cells that changed. */
  share: number;
}

/**
 * Which cells of `cur` differ from `prev`, where `cur`'s row y is compared with `prev`'s row
 * `sourceRow(y)` (the identity, or the row it scrolled from); rows with no source count as unchanged.
 */
export function changeMap(prev: Luma, cur: Luma, sourceRow: (y: number) => number | undefined): ChangeMap {
  const samplesPerCell = CELL_WIDTH / COLUMN_GROUP;
  const cellCols = Math.ceil(cur.cols / samplesPerCell);
  const cellRows = Math.ceil(cur.rows / CELL_ROWS);
  const sums = new Float64Array(cellCols * cellRows);
  const counts = new Uint16Array(cellCols * cellRows);
  for (let y = 0; y < cur.rows; y++) {
    const from = sourceRow(y);
    if (from === undefined || from < 0 || from >= prev.rows) continue;
    const cellRow = Math.floor(y / CELL_ROWS) * cellCols;
    for (let c = 0; c < cur.cols; c++) {
      const cell = cellRow + Math.floor(c / samplesPerCell);
      sums[cell]! += Math.abs(cur.data[y * cur.cols + c]! - prev.data[from * prev.cols + c]!);
      counts[cell]!++;
    }
  }
  const changed = new Uint8Array(cellCols * cellRows);
  let n = 0;
  for (let i = 0; i < changed.length; i++) {
    if (counts[i]! > 0 && sums[i]! / counts[i]! > CELL_CHANGED) {
      changed[i] = 1;
      n++;
    }
  }
  return { cellCols, cellRows, changed, share: n / changed.length };
}

/**
 * The cells that changed in both maps of the same frame pair, each compared another way: what
 * either comparison accounts for has not changed (scrolled content beside a sidebar that stayed put).
 */
export function changedUnderBoth(a: ChangeMap, b: ChangeMap): ChangeMap {
  const changed = a.changed.map((v, i) => v & b.changed[i]!);
  return { cellCols: a.cellCols, cellRows: a.cellRows, changed, share: changed.reduce((n, v) => n + v, 0) / changed.length };
}

/** The changed cells' connected groups (8-neighbour), as boxes in source pixels, largest first. */
export function changedRegions(map: ChangeMap): Array<Box & { cells: number }> {
  const seen = new Uint8Array(map.changed.length);
  const out: Array<Box & { cells: number }> = [];
  for (let start = 0; start < map.changed.length; start++) {
    if (!map.changed[start] || seen[start]) continue;
    let minX = Infinity, minY = Infinity, maxX = -1, maxY = -1, cells = 0;
    const stack = [start];
    seen[start] = 1;
    while (stack.length) {
      const i = stack.pop()!;
      const cx = i % map.cellCols;
      const cy = Math.floor(i / map.cellCols);
      cells++;
      minX = Math.min(minX, cx);
      maxX = Math.max(maxX, cx);
      minY = Math.min(minY, cy);
      maxY = Math.max(maxY, cy);
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const nx = cx + dx;
          const ny = cy + dy;
          if (nx < 0 || ny < 0 || nx >= map.cellCols || ny >= map.cellRows) continue;
          const j = ny * map.cellCols + nx;
          if (map.changed[j] && !seen[j]) {
            seen[j] = 1;
            stack.push(j);
          }
        }
      }
    }
    out.push({ x: minX * CELL_WIDTH, y: minY * CELL_ROWS, width: (maxX - minX + 1) * CELL_WIDTH, height: (maxY - minY + 1) * CELL_ROWS, cells });
  }
  return out.sort((a, b) => b.cells - a.cells);
}
