// A one-row bar drawn with putImageData, at device-pixel width so piece edges land on real
// pixels. The canvas is ONE pixel tall and CSS stretches it to the bar's height (pixelated, so
// no smoothing): the image is the row itself, with nothing to copy per line.
// Redrawn when its data or its width changes (ResizeObserver), never on a timer.
import { useEffect, useRef, useState, type MouseEvent, type ReactNode } from 'react';
import { useElementWidth } from '../../lib/use-element-width.ts';

export interface BarCanvasProps {
  /** One RGBA row of exactly `width` device pixels. Memoise it: a new function means a redraw. */
  rasterise: (width: number) => Uint8ClampedArray;
  height: number;
  label: string;
  /** Device-pixel x under the pointer and the bar's device width, or null when it leaves. */
  onHover: (x: number | null, width: number) => void;
}

export function BarCanvas({ rasterise, height, label, onHover }: BarCanvasProps): ReactNode {
  const wrap = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const cssWidth = useElementWidth(wrap);
  const [dpr, setDpr] = useState(() => (typeof window === 'undefined' ? 1 : window.devicePixelRatio || 1));
  useEffect(() => {
    // Moving the window to a screen with another scale changes devicePixelRatio.
    const mq = window.matchMedia(`(resolution: ${dpr}dppx)`);
    const onChange = (): void => setDpr(window.devicePixelRatio || 1);
    mq.addEventListener('change', onChange);
    return () => mq.removeEventListener('change', onChange);
  }, [dpr]);
  const w = Math.max(0, Math.round(cssWidth * dpr));

  useEffect(() => {
    const c = canvas.current;
    if (!c || w === 0) return;
    if (c.width !== w) c.width = w;
    if (c.height !== 1) c.height = 1;
    const ctx = c.getContext('2d');
    if (!ctx) return;
    const row = rasterise(w);
    ctx.putImageData(new ImageData(new Uint8ClampedArray(row.buffer as ArrayBuffer, row.byteOffset, row.length), w, 1), 0, 0);
  }, [rasterise, w]);

  const onMove = (e: MouseEvent<HTMLCanvasElement>): void => {
    const r = e.currentTarget.getBoundingClientRect();
    if (r.width <= 0) return;
    onHover(Math.min(w - 1, Math.max(0, Math.floor(((e.clientX - r.left) * w) / r.width))), w);
  };
  return (
    <div className="bar-wrap" ref={wrap} style={{ height }}>
      <canvas ref={canvas} className="bar-canvas" role="img" aria-label={label}
        style={{ width: '100%', height }} onMouseMove={onMove} onMouseLeave={() => onHover(null, w)} />
    </div>
  );
}
