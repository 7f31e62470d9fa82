// Where pieces land on a row of `width` pixels. One rule, shared by the rasterisers and the
// hover hit-test, so what the user points at is exactly what was drawn.
//
//   width >= pieceCount: piece i fills pixels [floor(i*w/n), floor((i+1)*w/n)) — every piece gets
//                        at least one pixel, every pixel belongs to exactly one piece.
//   width <  pieceCount: pixel x summarises pieces [ceil(x*n/w), ceil((x+1)*n/w)) — the pieces
//                        whose left edge floor(i*w/n) falls on x; every pixel gets at least one.
// Integer arithmetic only (i*w stays far below 2^53 for any real torrent and screen).

export interface PieceRange { first: number; end: number }

/** The pieces a pixel shows: [first, end). Empty (first === end) only when pieceCount is 0. */
export function piecesAtPixel(x: number, pieceCount: number, width: number): PieceRange {
  if (pieceCount <= 0 || width <= 0 || x < 0 || x >= width) return { first: 0, end: 0 };
  if (width >= pieceCount) {
    // The largest i with floor(i*w/n) <= x, i.e. i*w < (x+1)*n.
    const i = Math.floor(((x + 1) * pieceCount - 1) / width);
    return { first: i, end: i + 1 };
  }
  return { first: ceilDiv(x * pieceCount, width), end: ceilDiv((x + 1) * pieceCount, width) };
}

/** First pixel of piece i (the piece's left edge), for width >= pieceCount. */
export function pieceStartPixel(i: number, pieceCount: number, width: number): number {
  return Math.floor((i * width) / pieceCount);
}

function ceilDiv(a: number, b: number): number {
  return Math.floor((a + b - 1) / b);
}
